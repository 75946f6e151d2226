"""What the engine hands to every front end: an `Answer` to a question, a `QuoteResult` for a name.

Front ends (the CLI, the Discord adapter) only format these; they never decide anything.
`to_json` is the stable JSON contract of `storybot ask --json` and `storybot quote --json`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from bot.knowledge.model import Entry, KnowledgeBase, Quote, Source

# An answer the engine is less sure of than this (a calibrated probability) is shown with a caution to
# readers and counted as low-confidence in moderators' stats.
LOW_CONFIDENCE = 0.75


class Outcome(StrEnum):
    ANSWERED = "answered"  # an entry of the knowledge base answers the question
    QUOTES = "quotes"  # the question asked what someone said; their quotes answer it
    DECLINED = "declined"  # the story does not say, or the engine is not sure enough
    SMALL_TALK = "small_talk"  # a greeting or thanks: a friendly reply, no answer
    INVALID = "invalid"  # empty, unreadable or oversized input: a kind message
    OTHER_LANGUAGE = "other_language"  # not in English: a polite note that the bot answers in English


@dataclass(frozen=True, slots=True)
class QuoteView:
    """A quote ready to show: verbatim text, who said it (or that nobody knows), and where."""

    quote: Quote
    speaker: str  # display name, or the honest "unattributed" wording
    role: str | None
    source: Source


@dataclass(frozen=True, slots=True)
class EvidenceView:
    source: Source
    excerpt: str


MAX_SUGGESTIONS = 3  # "did you mean" offers in one reply


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A "did you mean" offer: a question the knowledge base can answer."""

    entry_id: str
    question: str
    story: str | None = None  # the story's id, when the bot holds several


@dataclass(frozen=True, slots=True)
class StoryRef:
    """Which story an answer comes from (see `bot.answering.stories`)."""

    id: str
    title: str


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    outcome: Outcome
    text: str  # the curated answer, or a kind decline / small-talk / input message
    confidence: float  # in [0, 1]
    entry: Entry | None = None
    matched_question: str | None = None  # the phrasing the engine understood the question as
    evidence: tuple[EvidenceView, ...] = ()
    quotes: tuple[QuoteView, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    speaker_id: str | None = None  # for QUOTES: whose quotes these are
    language: str | None = None  # for OTHER_LANGUAGE: the language detected (see `language.detect`)
    off_topic: bool = False  # for DECLINED: nothing in the story comes close; suggestions are starters
    # A message that asks several things: the answer to each part, in order (this answer is the first
    # answered one). Empty for a message that asks one thing.
    parts: tuple[Answer, ...] = ()
    story: StoryRef | None = None  # the story it is answered from (None: no story, or "which story?")

    @property
    def answered(self) -> bool:
        """True only when the reply carries an answer from the knowledge base."""
        return self.outcome in (Outcome.ANSWERED, Outcome.QUOTES)


@dataclass(frozen=True, slots=True)
class QuoteResult:
    """The answer to a look-up by name (`/quote doe`)."""

    query: str
    speaker_id: str | None
    speaker: str | None  # display name of the speaker found
    role: str | None
    quotes: tuple[QuoteView, ...]
    suggestions: tuple[str, ...]  # names to try when nobody matched
    message: str  # a one-line summary or a kind "nobody by that name" note
    story: StoryRef | None = None  # the story quoting them, when the bot holds several


def offering(text: str, suggestions: Sequence[Suggestion]) -> str:
    """A decline's text, asking "did you mean" when it offers entries."""
    return f"{text} Did you mean one of these?" if suggestions else text


def quote_view(kb: KnowledgeBase, quote: Quote) -> QuoteView:
    return QuoteView(
        quote=quote,
        speaker=kb.speaker_label(quote.speaker),
        role=kb.speaker_role(quote.speaker),
        source=kb.sources[quote.source],
    )


def quote_json(view: QuoteView) -> dict[str, Any]:
    data: dict[str, Any] = {"speaker": view.speaker, "text": view.quote.text, "source": view.source.id}
    if view.role:
        data["role"] = view.role
    if view.quote.attribution_note:
        data["attribution_note"] = view.quote.attribution_note
    return data


def to_json(answer: Answer) -> dict[str, Any]:
    """The `storybot ask --json` object. Keys and types are a contract other tools rely on.

    The top-level fields are those of the first answered part of the message; `parts` holds the
    answer object of every part (one, for a message that asks one thing).
    """
    return {**_answer_json(answer), "parts": [_answer_json(part) for part in answer.parts or (answer,)]}


def _answer_json(answer: Answer) -> dict[str, Any]:
    return {
        "question": answer.question,
        "answered": answer.answered,
        "answer": answer.text,
        "entry": answer.entry.id if answer.entry else None,
        "confidence": round(answer.confidence, 3),
        "quotes": [quote_json(q) for q in answer.quotes],
        "sources": [{"id": e.source.id, "title": e.source.title, "excerpt": e.excerpt} for e in answer.evidence],
        "suggestions": [s.question for s in answer.suggestions],
        "matched_question": answer.matched_question,
        "outcome": answer.outcome.value,
        "story": story_json(answer.story),
        # Which story each suggestion is from, when the bot holds several ("which story?" offers one each).
        **({"suggested": [suggestion_json(s) for s in answer.suggestions]} if _from_stories(answer) else {}),
    }


def story_json(story: StoryRef | None) -> dict[str, str] | None:
    return {"id": story.id, "title": story.title} if story else None


def suggestion_json(suggestion: Suggestion) -> dict[str, Any]:
    return {"story": suggestion.story, "entry": suggestion.entry_id, "question": suggestion.question}


def _from_stories(answer: Answer) -> bool:
    return any(s.story for s in answer.suggestions)


def quote_result_json(result: QuoteResult) -> dict[str, Any]:
    """The `storybot quote --json` object."""
    return {
        "query": result.query,
        "speaker": result.speaker,
        "role": result.role,
        "quotes": [quote_json(q) for q in result.quotes],
        "suggestions": list(result.suggestions),
        "message": result.message,
        "story": story_json(result.story),
    }


def combined(asked: str, answers: list[Answer]) -> Answer:
    """One reply to a message: the first answered part up front, every part (once per entry) in `parts`."""
    if len(answers) == 1:
        return replace(answers[0], question=asked) if answers[0].outcome is not Outcome.INVALID else answers[0]
    seen: set[tuple[str | None, str | None]] = set()
    parts: list[Answer] = []
    for answer in answers:
        key = (answer.entry.id if answer.entry else None, answer.speaker_id)
        if answer.answered and key in seen:
            continue  # "who is she? what does she do?" answered by one entry: shown once
        seen.add(key)
        parts.append(answer)
    first = next((a for a in parts if a.answered), parts[0])
    return replace(first, question=asked, parts=tuple(parts) if len(parts) > 1 else ())
