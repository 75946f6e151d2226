"""A record of the questions the bot answered or declined, so moderators can see what readers want to know.

Each question goes to the `Store` (SQLite, bounded, under `STORYBOT_DATA_DIR`): `/kb unanswered` groups the
declined ones, `/kb stats` counts them all. Personal data is minimal: the question, the user id and the
server id, never the conversation around it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from bot.answering import Answer, Outcome

if TYPE_CHECKING:
    from bot.curation.store import Store

log = logging.getLogger(__name__)

QUESTION_ROOM = 1000  # longer questions are kept shortened; nobody needs an essay to see a gap
RECORDED_OUTCOMES = frozenset({Outcome.ANSWERED, Outcome.QUOTES, Outcome.DECLINED})  # not greetings or bad input


@dataclass(frozen=True, slots=True)
class AskedQuestion:
    question: str
    outcome: Outcome
    entry_id: str | None  # the entry that answered it
    confidence: float
    user_id: int
    guild_id: int | None  # None: asked in a direct message
    suggestions: tuple[str, ...] = ()  # entry ids offered instead, for a declined question
    story: str | None = None  # the story that answered or declined it (None: no one story, e.g. "which story?")

    @classmethod
    def of(cls, answer: Answer, user_id: int, guild_id: int | None) -> AskedQuestion:
        return cls(
            question=answer.question[:QUESTION_ROOM],
            outcome=answer.outcome,
            entry_id=answer.entry.id if answer.entry else None,
            confidence=round(answer.confidence, 3),
            user_id=user_id,
            guild_id=guild_id,
            suggestions=tuple(s.entry_id for s in answer.suggestions),
            story=answer.story.id if answer.story else None,
        )


def worth_recording(answer: Answer) -> bool:
    return answer.outcome in RECORDED_OUTCOMES and bool(answer.question.strip())


class QuestionLog(Protocol):
    """Where asked questions go. `record` may block briefly (a database write); call it from a thread.

    It returns the question's id, which an answer's feedback buttons carry, or None if it keeps no ids.
    """

    def record(self, item: AskedQuestion) -> int | None: ...


class StoreQuestionLog:
    def __init__(self, store: Store) -> None:
        self.store = store

    def record(self, item: AskedQuestion) -> int | None:
        return self.store.record_question(
            question=item.question,
            outcome=item.outcome.value,
            entry_id=item.entry_id,
            confidence=item.confidence,
            user_id=item.user_id,
            guild_id=item.guild_id,
            suggestions=item.suggestions,
            story=item.story,
        )


class MemoryQuestionLog:
    """Keeps questions in memory; for tests."""

    def __init__(self) -> None:
        self.items: list[AskedQuestion] = []

    def record(self, item: AskedQuestion) -> int | None:
        self.items.append(item)
        return len(self.items)
