"""Readers' verdicts on answers: "Helpful" and "Not right", and what a reader wanted to know instead."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.curation.store._tables import Tables
from bot.curation.store.records import ALL_SERVERS, QUESTION_ROOM, Feedback, Server, StoryScope, _feedback, _iso, scoped


class Readers(Tables):
    """The `feedback` table."""

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
        where, params = scoped(guild_id=guild_id, story=story, since=since)
        query = f"SELECT * FROM feedback WHERE helpful = 0 AND status = 'open'{where} ORDER BY id DESC LIMIT ?"  # noqa: S608 - fixed text
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
