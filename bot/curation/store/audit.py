"""The moderators' audit trail: who changed which knowledge file, when and how, for history and undo."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from bot.curation.store._tables import Tables
from bot.curation.store.records import ALL_SERVERS, Change, Server, StoryScope, _change, _iso, _pack, scoped

# The server on whose behalf the current thread is changing the knowledge base (see `acting_for`).
_ACTING_GUILD: ContextVar[int | None] = ContextVar("storybot_acting_guild", default=None)
# The story whose folder the current thread is changing (see `acting_for`); None: the only or default story.
_ACTING_STORY: ContextVar[str | None] = ContextVar("storybot_acting_story", default=None)


class AuditTrail(Tables):
    """The `changes` table."""

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
        where, params = scoped(guild_id=guild_id, story=story)
        query = f"SELECT * FROM changes WHERE state = 'done' AND undone_by IS NULL AND action != 'undo'{where}"  # noqa: S608 - fixed text
        with self._lock:
            row = self._db.execute(query + " ORDER BY id DESC LIMIT 1", params).fetchone()
        return _change(row) if row is not None else None
