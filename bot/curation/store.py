"""What StoryBot keeps about itself: the moderators' audit trail, and the questions people asked.

One SQLite file in the data directory (`STORYBOT_DATA_DIR`), in WAL mode so the bot can record a
question while a moderator reads the history, and several processes can share it. Every table is
bounded: past `max_questions` / `max_changes` rows the oldest are pruned, so the file stops growing
(readers' feedback on answers shares the questions' bound).
Personal data is minimal: a question's text, the asker's user id and server id, never the
conversation around it; a change's moderator id and display name.

The YAML files stay the source of truth for the knowledge itself; the audit trail only remembers
who changed them, when and how (whole file texts before and after, compressed), for history and undo.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz, process

from bot.answering.answer import LOW_CONFIDENCE, Outcome, Suggestion
from bot.answering.matcher import Engine
from bot.knowledge.text import clean

log = logging.getLogger(__name__)

STORE_FILE = "storybot.sqlite3"  # its name in the data directory, for every process that opens it
QUESTION_ROOM = 1000  # characters of a question kept; a longer one is cut
GROUP_SIMILARITY = 80.0  # token_set_ratio at or above which two declined questions are "the same question"
GROUPING_WINDOW = 1000  # the most recent open declined questions are grouped (at worst ~0.6 s); older ones wait
NEAREST_ENTRIES = 3
_ANSWERED = (Outcome.ANSWERED.value, Outcome.QUOTES.value)
# 2: changes record the server (guild) whose moderator made them. Older files gain the column on open.
# 3: questions, feedback and changes record their story (NULL: the library's default story, or none).
_SCHEMA_VERSION = 3
ALL_SERVERS: Literal["all"] = "all"  # no server filter: the operator's view (CLI, editor, tests)
Server = int | None | Literal["all"]  # a server's id, None for direct messages, or every server
# The server on whose behalf the current thread is changing the knowledge base (see `acting_for`).
_ACTING_GUILD: ContextVar[int | None] = ContextVar("storybot_acting_guild", default=None)
# The story whose folder the current thread is changing (see `acting_for`); None: the only or default story.
_ACTING_STORY: ContextVar[str | None] = ContextVar("storybot_acting_story", default=None)
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


@dataclass(frozen=True, slots=True)
class StoryScope:
    """Rows of one story. Rows that name no story (asked before stories were recorded, declined by every
    story, changes made with one story) belong to the library's default story: `default` says this is it."""

    id: str
    default: bool = False

    @property
    def clause(self) -> str:
        """The SQL condition, with one placeholder for `id`."""
        return " AND (story = ? OR story IS NULL)" if self.default else " AND story = ?"


@dataclass(frozen=True, slots=True)
class ChannelSetting:
    """What moderators set for a channel: its default story, and whether the bot is off there."""

    story: str | None = None
    off: bool = False


@dataclass(frozen=True, slots=True)
class Change:
    """One edit of the knowledge base, as the audit trail keeps it."""

    id: int
    at: datetime  # UTC
    user_id: int | None
    user_name: str | None
    action: str  # teach | add_entry | add_quote | edit_entry | remove_entry | remove_phrasing | undo
    target: str  # the entry or quote id
    summary: str  # one line a moderator reads: "added phrasing 'x' to ring-police-partnerships"
    file: str  # path relative to the knowledge directory
    before: str  # the whole file before the change ("" when it did not exist)
    after: str  # the whole file after it ("" when the change removed it)
    undone_by: int | None = None  # the id of the change that undid this one
    reverts: int | None = None  # for an undo: the id of the change it undid
    guild_id: int | None = None  # the server whose moderator made it
    story: str | None = None  # the story whose folder `file` is in (None: the default story)


@dataclass(frozen=True, slots=True)
class UnansweredGroup:
    """Declined questions that ask the same thing, for a moderator to teach or dismiss at once."""

    question: str  # the representative: the most often asked wording
    count: int  # how many times it was asked, in any of the wordings
    question_ids: tuple[int, ...]
    nearest: tuple[Suggestion, ...]  # the entries closest to it, best first
    examples: tuple[str, ...]  # other wordings, most frequent first
    last_asked: datetime


@dataclass(frozen=True, slots=True)
class Feedback:
    """A reader's verdict on one answer; "Not right" ones wait in `/kb review`."""

    id: int
    at: datetime
    question: str
    entry_id: str | None
    speaker_id: str | None
    answer: str
    confidence: float
    helpful: bool
    wanted: str | None
    user_id: int | None
    guild_id: int | None
    status: str
    story: str | None = None  # the story of the answer judged (None: the default story)


@dataclass(frozen=True, slots=True)
class Stats:
    since: datetime | None
    asked: int  # questions answered or declined (greetings and empty input are not recorded)
    answered: int  # by an entry or with someone's quotes
    declined: int
    top_entries: tuple[tuple[str, int], ...]  # (entry id, times it answered), most first
    helpful: int = 0  # answers readers marked "Helpful"...
    not_right: int = 0  # ...and "Not right"


@dataclass(frozen=True, slots=True)
class Rates:
    """How questions fared over a period: each count also as a share of those asked."""

    since: datetime | None
    asked: int
    answered: int
    declined: int
    low_confidence: int  # answered, but below `LOW_CONFIDENCE`

    def share(self, count: int) -> float:
        return count / self.asked if self.asked else 0.0


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware (UTC)")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _pack(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 6)


def _unpack(blob: bytes) -> str:
    return zlib.decompress(blob).decode("utf-8")


class Store:
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

    @staticmethod
    @contextmanager
    def acting_for(guild_id: int | None, story: str | None = None) -> Iterator[None]:
        """Changes recorded in this thread (or task) inside the block are made from server `guild_id`, to the
        folder of `story` (None: the only or default story).

        The editor records changes without knowing about servers or stories; the Discord side says whose they
        are. Inside the block, the changes of one file (`changes(file=...)`) are that story's file only.
        """
        token = _ACTING_GUILD.set(guild_id)
        story_token = _ACTING_STORY.set(story)
        try:
            yield
        finally:
            _ACTING_STORY.reset(story_token)
            _ACTING_GUILD.reset(token)

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

    # ------------------------------------------------------------------ questions

    def record_question(
        self,
        *,
        question: str,
        outcome: str,
        entry_id: str | None,
        confidence: float,
        user_id: int | None,
        guild_id: int | None,
        suggestions: Sequence[str] = (),
        at: datetime | None = None,
        story: str | None = None,
    ) -> int:
        """Remember one question and what became of it (`story`: the story that answered or declined it);
        returns its id. The oldest are pruned past `max_questions`."""
        text = " ".join(question.split())[:QUESTION_ROOM]
        when = _iso(at or datetime.now(UTC))
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO questions (at, question, cleaned, outcome, entry_id, confidence, user_id, guild_id,"
                " suggestions, story) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    when,
                    text,
                    clean(text),
                    outcome,
                    entry_id,
                    confidence,
                    user_id,
                    guild_id,
                    json.dumps(suggestions),
                    story,
                ),
            )
            # Ids only grow and rows leave only from the oldest end, so this keeps the newest `max_questions`.
            db.execute("DELETE FROM questions WHERE id <= ?", ((cursor.lastrowid or 0) - self.max_questions,))
        return int(cursor.lastrowid or 0)

    def unanswered_groups(
        self,
        engine: Engine,
        *,
        since: datetime | None = None,
        limit: int = 10,
        guild_id: Server = ALL_SERVERS,
        story: StoryScope | None = None,
    ) -> list[UnansweredGroup]:
        """Open declined questions grouped by similarity, most frequent first, each with its nearest entries.

        `guild_id`: only questions asked in that server (None: in direct messages); `story`: only that story's.
        """
        query = "SELECT id, at, question, cleaned FROM questions WHERE outcome = ? AND status = 'open'"
        params: list[object] = [Outcome.DECLINED.value]
        if guild_id != ALL_SERVERS:
            query += " AND guild_id IS ?"
            params.append(guild_id)
        if story is not None:
            query += story.clause
            params.append(story.id)
        if since is not None:
            query += " AND at >= ?"
            params.append(_iso(since))
        query += " ORDER BY id DESC LIMIT ?"
        params.append(GROUPING_WINDOW)
        with self._lock:
            rows = self._db.execute(query, params).fetchall()
        # The same cleaned text is one wording; wordings are grouped greedily, the most asked first,
        # each joining the most similar group already formed (if similar enough).
        wordings: dict[str, list[tuple[int, str, str]]] = {}
        for ident, at, question, cleaned in rows:
            wordings.setdefault(cleaned, []).append((ident, at, question))
        order = sorted(wordings, key=lambda c: (-len(wordings[c]), -max(i for i, _, _ in wordings[c])))
        groups: list[list[str]] = []
        heads: list[str] = []
        for cleaned in order:
            found = process.extractOne(cleaned, heads, scorer=fuzz.token_set_ratio, score_cutoff=GROUP_SIMILARITY)
            if found is None:
                heads.append(cleaned)
                groups.append([cleaned])
            else:
                groups[found[2]].append(cleaned)

        result: list[UnansweredGroup] = []
        for members in groups:
            asked = [row for cleaned in members for row in wordings[cleaned]]
            # The representative is the most asked wording, as someone typed it most recently.
            texts = [
                Counter(question for _, _, question in wordings[cleaned]).most_common(1)[0][0] for cleaned in members
            ]
            result.append(
                UnansweredGroup(
                    question=texts[0],
                    count=len(asked),
                    question_ids=tuple(sorted(ident for ident, _, _ in asked)),
                    nearest=(),
                    examples=tuple(texts[1:4]),
                    last_asked=datetime.fromisoformat(max(at for _, at, _ in asked)),
                )
            )
        result.sort(key=lambda g: (-g.count, -g.last_asked.timestamp()))
        return [
            UnansweredGroup(g.question, g.count, g.question_ids, _nearest(engine, g.question), g.examples, g.last_asked)
            for g in result[:limit]
        ]

    def _set_status(self, question_ids: Sequence[int], status: str, entry_id: str | None) -> int:
        if not question_ids:
            return 0
        marks = ",".join("?" * len(question_ids))
        with self._transaction() as db:
            cursor = db.execute(
                f"UPDATE questions SET status = ?, resolved_entry = ? WHERE status = 'open' AND id IN ({marks})",  # noqa: S608 - only placeholders are interpolated
                (status, entry_id, *question_ids),
            )
            return cursor.rowcount

    def dismiss(self, question_ids: Sequence[int]) -> int:
        """Take questions off the unanswered list (nothing to teach); returns how many were open."""
        return self._set_status(question_ids, "dismissed", None)

    def resolve(self, question_ids: Sequence[int], entry_id: str) -> int:
        """Take questions off the unanswered list because they were taught to `entry_id`."""
        return self._set_status(question_ids, "taught", entry_id)

    def stats(
        self, *, since: datetime | None = None, guild_id: Server = ALL_SERVERS, story: StoryScope | None = None
    ) -> Stats:
        """Questions counted over a period; `guild_id`: only those asked in that server (None: in DMs);
        `story`: only that story's."""
        conditions: list[str] = []
        params: list[object] = []
        if since is not None:
            conditions.append("at >= ?")
            params.append(_iso(since))
        if guild_id != ALL_SERVERS:
            conditions.append("guild_id IS ?")
            params.append(guild_id)
        if story is not None:
            conditions.append(story.clause.removeprefix(" AND "))
            params.append(story.id)
        where = "WHERE " + " AND ".join(conditions) if conditions else ""
        with self._lock:
            by_outcome = dict(
                self._db.execute(f"SELECT outcome, COUNT(*) FROM questions {where} GROUP BY outcome", params).fetchall()  # noqa: S608 - fixed text
            )
            marks = ",".join("?" * len(_ANSWERED))
            top = self._db.execute(
                f"SELECT entry_id, COUNT(*) AS n FROM questions {where} {'AND' if where else 'WHERE'} "  # noqa: S608 - fixed text
                f"entry_id IS NOT NULL AND outcome IN ({marks}) GROUP BY entry_id ORDER BY n DESC, entry_id LIMIT 10",
                [*params, *_ANSWERED],
            ).fetchall()
            verdicts = dict(
                self._db.execute(f"SELECT helpful, COUNT(*) FROM feedback {where} GROUP BY helpful", params).fetchall()  # noqa: S608 - fixed text
            )
        answered = sum(by_outcome.get(outcome, 0) for outcome in _ANSWERED)
        declined = by_outcome.get(Outcome.DECLINED.value, 0)
        return Stats(
            since=since,
            asked=sum(by_outcome.values()),
            answered=answered,
            declined=declined,
            top_entries=tuple((str(entry), int(n)) for entry, n in top),
            helpful=int(verdicts.get(1, 0)),
            not_right=int(verdicts.get(0, 0)),
        )

    # ------------------------------------------------------------------ feedback

    def question_asked(self, question_id: int) -> tuple[str, float] | None:
        """(question, confidence) of a recorded question, if it is still kept."""
        with self._lock:
            row = self._db.execute("SELECT question, confidence FROM questions WHERE id = ?", (question_id,)).fetchone()
        return (str(row["question"]), float(row["confidence"])) if row is not None else None

    def record_feedback(
        self,
        *,
        question_id: int | None,
        question: str,
        entry_id: str | None,
        speaker_id: str | None,
        answer: str,
        confidence: float,
        helpful: bool,
        user_id: int | None,
        guild_id: int | None,
        at: datetime | None = None,
        story: str | None = None,
    ) -> int:
        """A reader's verdict on an answer of `story`; pressing again changes it (one verdict per reader and
        answer)."""
        when = _iso(at or datetime.now(UTC))
        with self._transaction() as db:
            db.execute(
                "INSERT INTO feedback (at, question_id, question, entry_id, speaker_id, answer, confidence, helpful,"
                " user_id, guild_id, story) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (question_id, user_id) DO UPDATE SET at = excluded.at, helpful = excluded.helpful,"
                " status = 'open', resolved_entry = NULL",
                (
                    when,
                    question_id,
                    " ".join(question.split())[:QUESTION_ROOM],
                    entry_id,
                    speaker_id,
                    answer[:QUESTION_ROOM],
                    confidence,
                    int(helpful),
                    user_id,
                    guild_id,
                    story,
                ),
            )
            row = db.execute(
                "SELECT id FROM feedback WHERE question_id IS ? AND user_id IS ? ORDER BY id DESC LIMIT 1",
                (question_id, user_id),
            ).fetchone()
            db.execute("DELETE FROM feedback WHERE id <= ?", (int(row["id"]) - self.max_questions,))
        return int(row["id"])

    def add_wanted(self, feedback_id: int, wanted: str) -> None:
        """What the reader wanted to know instead, from the optional form."""
        text = " ".join(wanted.split())[:QUESTION_ROOM] or None
        with self._transaction() as db:
            db.execute("UPDATE feedback SET wanted = ? WHERE id = ?", (text, feedback_id))

    def feedback_to_review(
        self,
        *,
        since: datetime | None = None,
        limit: int = 10,
        guild_id: Server = ALL_SERVERS,
        story: StoryScope | None = None,
    ) -> list[Feedback]:
        """Open "Not right" feedback, newest first; `guild_id`: only that server's (None: direct messages);
        `story`: only that story's answers."""
        query = "SELECT * FROM feedback WHERE helpful = 0 AND status = 'open'"
        params: list[object] = []
        if guild_id != ALL_SERVERS:
            query += " AND guild_id IS ?"
            params.append(guild_id)
        if story is not None:
            query += story.clause
            params.append(story.id)
        if since is not None:
            query += " AND at >= ?"
            params.append(_iso(since))
        query += " ORDER BY id DESC LIMIT ?"
        params.append(limit)
        with self._lock:
            rows = self._db.execute(query, params).fetchall()
        return [_feedback(row) for row in rows]

    def settle_feedback(self, feedback_id: int, *, taught_to: str | None = None) -> int:
        """Take feedback off the review list: taught to an entry, or (None) the answer was fine."""
        status = "taught" if taught_to else "fine"
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE feedback SET status = ?, resolved_entry = ? WHERE id = ? AND status = 'open'",
                (status, taught_to, feedback_id),
            )
            return cursor.rowcount

    def rates(
        self, *, since: datetime | None = None, guild_id: Server = ALL_SERVERS, story: StoryScope | None = None
    ) -> Rates:
        """Answered, declined and low-confidence counts over a period (from `since`; None: all time);
        `guild_id`: only questions asked in that server (None: in direct messages)."""
        # `outcome IN (?, ?)`: the two outcomes of `_ANSWERED`.
        query = (
            "SELECT COUNT(*), COALESCE(SUM(outcome IN (?, ?)), 0), COALESCE(SUM(outcome = ?), 0),"
            " COALESCE(SUM(outcome IN (?, ?) AND confidence < ?), 0) FROM questions WHERE at >= ?"
        )
        start = _iso(since) if since is not None else ""  # every time is after the empty string
        params: list[object] = [*_ANSWERED, Outcome.DECLINED.value, *_ANSWERED, LOW_CONFIDENCE, start]
        if guild_id != ALL_SERVERS:
            query += " AND guild_id IS ?"
            params.append(guild_id)
        if story is not None:
            query += story.clause
            params.append(story.id)
        with self._lock:
            row = self._db.execute(query, params).fetchone()
        asked, answered, declined, low = (int(n) for n in row)
        return Rates(since=since, asked=asked, answered=answered, declined=declined, low_confidence=low)

    # ------------------------------------------------------------------ audit trail

    def record_change(
        self,
        *,
        at: datetime,
        user_id: int | None,
        user_name: str | None,
        action: str,
        target: str,
        summary: str,
        file: str,
        before: str,
        after: str,
        reverts: int | None = None,
        pending: bool = False,
        guild_id: int | None = None,
    ) -> int:
        """Add a change to the audit trail, durably (it is the only record of who did it); returns its id.

        A `pending` change is about to be written: it is not listed until `finish_change` confirms
        it, so a writer that dies between the two leaves a row `pending_changes` can settle. The server is
        `guild_id`, or the one named by an enclosing `acting_for`, which also names the story.
        """
        guild_id = guild_id if guild_id is not None else _ACTING_GUILD.get()
        story = _ACTING_STORY.get()
        with self._transaction(durable=True) as db:
            cursor = db.execute(
                "INSERT INTO changes (at, user_id, user_name, action, target, summary, file, before, after,"
                " reverts, state, guild_id, story) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    _iso(at),
                    user_id,
                    user_name,
                    action,
                    target,
                    summary,
                    file,
                    _pack(before),
                    _pack(after),
                    reverts,
                    "pending" if pending else "done",
                    guild_id,
                    story,
                ),
            )
            ident = int(cursor.lastrowid or 0)
            db.execute("DELETE FROM changes WHERE id <= ?", (ident - self.max_changes,))
        return ident

    def finish_change(self, change_id: int) -> None:
        """The pending change was written: list it from now on (and, for an undo, mark what it undid)."""
        with self._transaction(durable=True) as db:
            db.execute("UPDATE changes SET state = 'done' WHERE id = ?", (change_id,))
            row = db.execute("SELECT reverts FROM changes WHERE id = ?", (change_id,)).fetchone()
            reverted = row["reverts"] if row is not None else None
            if reverted is not None:
                db.execute("UPDATE changes SET undone_by = ? WHERE id = ?", (change_id, reverted))
                # Undoing an undo makes that change again: it can be undone anew.
                db.execute(
                    "UPDATE changes SET undone_by = NULL WHERE id = (SELECT reverts FROM changes WHERE id = ?)",
                    (reverted,),
                )

    def drop_change(self, change_id: int) -> None:
        """The pending change was never written: forget it."""
        with self._transaction(durable=True) as db:
            db.execute("DELETE FROM changes WHERE id = ? AND state = 'pending'", (change_id,))

    def pending_changes(self) -> list[Change]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM changes WHERE state = 'pending' ORDER BY id").fetchall()
        return [_change(row) for row in rows]

    def changes(
        self,
        limit: int = 10,
        *,
        file: str | None = None,
        after_id: int = 0,
        guild_id: Server = ALL_SERVERS,
        story: StoryScope | None = None,
    ) -> list[Change]:
        """The most recent changes, newest first (of one file, newer than `after_id`, made from one server, to
        one story). One file is the acting story's (see `acting_for`): two stories may both have `entries.yaml`."""
        query = "SELECT * FROM changes WHERE state = 'done' AND id > ?"
        params: list[object] = [after_id]
        if guild_id != ALL_SERVERS:
            query += " AND guild_id IS ?"
            params.append(guild_id)
        if file is not None:
            query += " AND file = ? AND story IS ?"
            params.extend((file, _ACTING_STORY.get()))
        if story is not None:
            query += story.clause
            params.append(story.id)
        query += " ORDER BY id DESC LIMIT ?"
        params.append(limit)
        with self._lock:
            rows = self._db.execute(query, params).fetchall()
        return [_change(row) for row in rows]

    def change(self, change_id: int, *, guild_id: Server = ALL_SERVERS) -> Change | None:
        """One change by its id (None when it does not exist, or was made from another server than `guild_id`)."""
        with self._lock:
            row = self._db.execute("SELECT * FROM changes WHERE state = 'done' AND id = ?", (change_id,)).fetchone()
        if row is None or (guild_id != ALL_SERVERS and row["guild_id"] != guild_id):
            return None
        return _change(row)

    def last_undoable(self, *, guild_id: Server = ALL_SERVERS, story: StoryScope | None = None) -> Change | None:
        """The newest change that is neither undone nor itself an undo: what a plain "undo" reverts."""
        query = "SELECT * FROM changes WHERE state = 'done' AND undone_by IS NULL AND action != 'undo'"
        params: list[object] = []
        if guild_id != ALL_SERVERS:
            query += " AND guild_id IS ?"
            params.append(guild_id)
        if story is not None:
            query += story.clause
            params.append(story.id)
        with self._lock:
            row = self._db.execute(query + " ORDER BY id DESC LIMIT 1", params).fetchone()
        return _change(row) if row is not None else None

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


def _change(row: sqlite3.Row) -> Change:
    return Change(
        id=row["id"],
        at=datetime.fromisoformat(row["at"]),
        user_id=row["user_id"],
        user_name=row["user_name"],
        action=row["action"],
        target=row["target"],
        summary=row["summary"],
        file=row["file"],
        before=_unpack(row["before"]),
        after=_unpack(row["after"]),
        undone_by=row["undone_by"],
        reverts=row["reverts"],
        guild_id=row["guild_id"],
        story=row["story"],
    )


def _feedback(row: sqlite3.Row) -> Feedback:
    return Feedback(
        id=row["id"],
        at=datetime.fromisoformat(row["at"]),
        question=row["question"],
        entry_id=row["entry_id"],
        speaker_id=row["speaker_id"],
        answer=row["answer"],
        confidence=row["confidence"],
        helpful=bool(row["helpful"]),
        wanted=row["wanted"],
        user_id=row["user_id"],
        guild_id=row["guild_id"],
        status=row["status"],
        story=row["story"],
    )


def _nearest(engine: Engine, question: str) -> tuple[Suggestion, ...]:
    """The entries the engine ranks closest to a question (it declined them, but they are where to teach)."""
    ranked = engine.rank(engine.analyse(question))
    picked = [s for s in ranked if s.entry_id in engine.kb.entries][:NEAREST_ENTRIES]
    return tuple(Suggestion(s.entry_id, engine.kb.entries[s.entry_id].questions[0]) for s in picked)
