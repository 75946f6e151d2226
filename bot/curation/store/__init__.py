"""What StoryBot keeps about itself: the moderators' audit trail, and the questions people asked.

One SQLite file in the data directory (`STORYBOT_DATA_DIR`), in WAL mode so the bot can record a
question while a moderator reads the history, and several processes can share it. Every table is
bounded: past `max_questions` / `max_changes` rows the oldest are pruned, so the file stops growing
(readers' feedback on answers shares the questions' bound).
Personal data is minimal: a question's text, the asker's user id and server id, never the
conversation around it; a change's moderator id and display name.

The YAML files stay the source of truth for the knowledge itself; the audit trail only remembers
who changed them, when and how (whole file texts before and after, compressed), for history and undo.

The parts: `records` (the rows as dataclasses), `questions` (the question log), `feedback` (readers'
verdicts) and `audit` (the audit trail); `Store` joins them over one connection.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from bot.curation.store.audit import AuditTrail
from bot.curation.store.feedback import Readers
from bot.curation.store.questions import GROUP_SIMILARITY, GROUPING_WINDOW, NEAREST_ENTRIES, QuestionLog
from bot.curation.store.records import (
    ALL_SERVERS,
    QUESTION_ROOM,
    Change,
    ChannelSetting,
    Feedback,
    Rates,
    Server,
    Stats,
    StoryScope,
    UnansweredGroup,
    _iso,
)

__all__ = [
    "ALL_SERVERS",
    "GROUPING_WINDOW",
    "GROUP_SIMILARITY",
    "NEAREST_ENTRIES",
    "QUESTION_ROOM",
    "STORE_FILE",
    "Change",
    "ChannelSetting",
    "Feedback",
    "Rates",
    "Server",
    "Stats",
    "Store",
    "StoryScope",
    "UnansweredGroup",
]

log = logging.getLogger(__name__)

STORE_FILE = "storybot.sqlite3"  # its name in the data directory, for every process that opens it
# 2: changes record the server (guild) whose moderator made them. Older files gain the column on open.
# 3: questions, feedback and changes record their story (NULL: the library's default story, or none).
_SCHEMA_VERSION = 3
_STORY_COLUMNS = ("questions", "feedback", "changes")  # the tables that gained `story` in version 3
_SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,               -- ISO 8601, UTC
    question TEXT NOT NULL,
    cleaned TEXT NOT NULL,          -- the question as the engine compares it
    outcome TEXT NOT NULL,          -- answered | quotes | declined | ...
    entry_id TEXT,                  -- the entry that answered it
    confidence REAL NOT NULL,
    user_id INTEGER,
    guild_id INTEGER,               -- NULL: a direct message
    suggestions TEXT NOT NULL,      -- JSON list of the entry ids offered instead
    status TEXT NOT NULL DEFAULT 'open',  -- open | dismissed | taught (declined questions only)
    resolved_entry TEXT,            -- for taught: the entry the question was added to
    story TEXT                      -- the story that answered or declined it; NULL: none (or before v3)
);
CREATE INDEX IF NOT EXISTS questions_at ON questions (at);
CREATE INDEX IF NOT EXISTS questions_open ON questions (outcome, status, id);
CREATE TABLE IF NOT EXISTS changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so "undo #12" always means the same change
    at TEXT NOT NULL,
    user_id INTEGER,
    user_name TEXT,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    summary TEXT NOT NULL,
    file TEXT NOT NULL,             -- relative to the knowledge directory
    before BLOB NOT NULL,           -- zlib-compressed UTF-8 text of the whole file
    after BLOB NOT NULL,
    undone_by INTEGER,              -- the id of the change that undid this one
    reverts INTEGER,                -- for an undo: the id of the change it undid
    state TEXT NOT NULL DEFAULT 'done',  -- pending: recorded, its file not yet written (see record_change)
    guild_id INTEGER,               -- the server whose moderator made it; NULL: none (the CLI, or before v2)
    story TEXT                      -- the story whose folder `file` is in; NULL: the default story (or before v3)
);
CREATE INDEX IF NOT EXISTS changes_file ON changes (file, id);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    question_id INTEGER,            -- the questions row the answer was given to (NULL: it was not recorded)
    question TEXT NOT NULL,         -- copied: the questions table is pruned sooner
    entry_id TEXT,                  -- the entry that answered (NULL: someone's quotes answered)
    speaker_id TEXT,                -- for quotes: whose
    answer TEXT NOT NULL,           -- the answer the reader was given
    confidence REAL NOT NULL,
    helpful INTEGER NOT NULL,       -- 1: "Helpful", 0: "Not right"
    wanted TEXT,                    -- what the reader wanted to know, if they said (the optional form)
    user_id INTEGER,
    guild_id INTEGER,               -- NULL: a direct message
    status TEXT NOT NULL DEFAULT 'open',  -- open | fine | taught ("Not right" feedback only)
    resolved_entry TEXT,            -- for taught: the entry the question was added to
    story TEXT                      -- the story of the answer judged; NULL: the default story (or before v3)
);
CREATE UNIQUE INDEX IF NOT EXISTS feedback_once ON feedback (question_id, user_id);
CREATE INDEX IF NOT EXISTS feedback_open ON feedback (helpful, status, id);
"""

# Each channel's story settings, set by moderators with /kb channel: the story answered from when none is
# chosen, and whether the bot answers there at all. A channel without a row uses the defaults.
_CHANNELS_SCHEMA = """
CREATE TABLE IF NOT EXISTS channel_settings (
    channel_id INTEGER PRIMARY KEY,
    story TEXT,                     -- the channel's default story id (NULL: every story)
    off INTEGER NOT NULL DEFAULT 0, -- 1: the bot does not answer in this channel
    user_id INTEGER,                -- the moderator who set it last
    at TEXT NOT NULL
);
"""


class Store(QuestionLog, Readers, AuditTrail):
    """The SQLite store. Thread-safe; every process may open its own on the same file."""

    def __init__(self, path: Path, *, max_questions: int = 50_000, max_changes: int = 10_000) -> None:
        if max_questions < 1 or max_changes < 1:
            raise ValueError("the store must keep at least one row of each kind")
        self.path = path
        self.max_questions = max_questions
        self.max_changes = max_changes
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        # Autocommit mode: transactions are opened explicitly (BEGIN IMMEDIATE) where rows must agree.
        self._db = sqlite3.connect(path, timeout=30.0, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL loses nothing when a process dies, only the last commits on a power cut;
        # audit rows are written with FULL (see `record_change`).
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.row_factory = sqlite3.Row
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > _SCHEMA_VERSION:
            raise RuntimeError(f"{path} was written by a newer StoryBot (schema {version}); upgrade StoryBot to use it")
        self._db.executescript(_SCHEMA)  # every statement is IF NOT EXISTS: safe on every start, in every process
        self._migrate()
        self._db.executescript(_CHANNELS_SCHEMA)
        self._db.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")

    def _migrate(self) -> None:
        """Bring a file written by an older StoryBot up to date; safe when several processes open it at once."""
        with self._transaction() as db:
            columns = {row["name"] for row in db.execute("PRAGMA table_info(changes)")}
            if "guild_id" not in columns:  # version 1: changes did not record their server
                db.execute("ALTER TABLE changes ADD COLUMN guild_id INTEGER")
            for table in _STORY_COLUMNS:  # version 2: nothing recorded its story
                if "story" not in {row["name"] for row in db.execute(f"PRAGMA table_info({table})")}:
                    db.execute(f"ALTER TABLE {table} ADD COLUMN story TEXT")
        self._db.execute("CREATE INDEX IF NOT EXISTS changes_guild ON changes (guild_id, id)")
        self._db.execute("CREATE INDEX IF NOT EXISTS questions_guild ON questions (guild_id, outcome, status, id)")

    @contextmanager
    def _transaction(self, *, durable: bool = False) -> Iterator[sqlite3.Connection]:
        """One write transaction; `durable` also survives a power cut (fsync on commit)."""
        with self._lock:
            if durable:
                self._db.execute("PRAGMA synchronous=FULL")
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            finally:
                if durable:
                    self._db.execute("PRAGMA synchronous=NORMAL")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def channel_setting(self, channel_id: int) -> ChannelSetting:
        with self._lock:
            row = self._db.execute("SELECT story, off FROM channel_settings WHERE channel_id = ?", (channel_id,))
            found = row.fetchone()
        return ChannelSetting(found["story"], bool(found["off"])) if found else ChannelSetting()

    def set_channel(self, channel_id: int, setting: ChannelSetting, user_id: int | None = None) -> None:
        """Store a channel's setting (the defaults remove its row)."""
        with self._transaction() as db:
            if setting == ChannelSetting():
                db.execute("DELETE FROM channel_settings WHERE channel_id = ?", (channel_id,))
                return
            db.execute(
                "INSERT INTO channel_settings (channel_id, story, off, user_id, at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (channel_id) DO UPDATE SET story = excluded.story, off = excluded.off, "
                "user_id = excluded.user_id, at = excluded.at",
                (channel_id, setting.story, int(setting.off), user_id, _iso(datetime.now(UTC))),
            )

    def counts(self) -> tuple[int, int]:
        """(questions, changes) kept: what the bounds apply to."""
        with self._lock:
            questions = self._db.execute("SELECT COUNT(*) FROM questions").fetchone()[0]
            changes = self._db.execute("SELECT COUNT(*) FROM changes WHERE state = 'done'").fetchone()[0]
        return int(questions), int(changes)
