"""The question log: what people asked and what became of it, the declined questions grouped for moderators,
and the counts `/kb stats` shows."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

from rapidfuzz import fuzz, process

from bot.answering.answer import LOW_CONFIDENCE, Outcome, Suggestion
from bot.answering.matcher import Engine
from bot.curation.store._tables import Tables
from bot.curation.store.records import (
    _ANSWERED,
    ALL_SERVERS,
    QUESTION_ROOM,
    Rates,
    Server,
    Stats,
    StoryScope,
    UnansweredGroup,
    _iso,
    scoped,
)
from bot.knowledge.text import clean

GROUP_SIMILARITY = 80.0  # token_set_ratio at or above which two declined questions are "the same question"
GROUPING_WINDOW = 1000  # the most recent open declined questions are grouped (at worst ~0.6 s); older ones wait
NEAREST_ENTRIES = 3


class QuestionLog(Tables):
    """The `questions` table (and, for `stats`, the verdicts in `feedback`)."""

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
        where, scope = scoped(guild_id=guild_id, story=story, since=since)
        open_declined = "SELECT id, at, question, cleaned FROM questions WHERE outcome = ? AND status = 'open'"
        query = f"{open_declined}{where} ORDER BY id DESC LIMIT ?"
        params: list[object] = [Outcome.DECLINED.value, *scope, GROUPING_WINDOW]
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
        scope, params = scoped(guild_id=guild_id, story=story, since=since)
        where = "WHERE " + scope.removeprefix(" AND ") if scope else ""
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
        where, scope = scoped(guild_id=guild_id, story=story)
        query += where
        params: list[object] = [*_ANSWERED, Outcome.DECLINED.value, *_ANSWERED, LOW_CONFIDENCE, start, *scope]
        with self._lock:
            row = self._db.execute(query, params).fetchone()
        asked, answered, declined, low = (int(n) for n in row)
        return Rates(since=since, asked=asked, answered=answered, declined=declined, low_confidence=low)


def _nearest(engine: Engine, question: str) -> tuple[Suggestion, ...]:
    """The entries the engine ranks closest to a question (it declined them, but they are where to teach)."""
    ranked = engine.rank(engine.analyse(question))
    picked = [s for s in ranked if s.entry_id in engine.kb.entries][:NEAREST_ENTRIES]
    return tuple(Suggestion(s.entry_id, engine.kb.entries[s.entry_id].questions[0]) for s in picked)
