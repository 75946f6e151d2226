"""Scoring a draft against hand-made truth: quotations, speakers and kinds, as the benchmark reports them.

The truth format is the one of tests/extract/articles (see its README): each real quotation with its
speaker's name (or null), and each named person, organisation and place with its kind and aliases.
A curated knowledge base can stand as truth for its own source (`truth_from_knowledge`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.curation.extract.draft import Draft
from bot.curation.extract.quality import quotes_match
from bot.knowledge.model import KnowledgeBase, Speaker


@dataclass(frozen=True, slots=True)
class TruthEntity:
    name: str
    kind: str  # person | organisation | place
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> set[str]:
        return {n.casefold() for n in (self.name, *self.aliases)}


@dataclass(frozen=True, slots=True)
class Truth:
    """What an article really holds: its quotations (text, speaker name or None) and named entities."""

    text: str
    title: str | None
    quotes: tuple[tuple[str, str | None], ...]
    entities: tuple[TruthEntity, ...]

    def entity(self, name: str | None) -> TruthEntity | None:
        return None if name is None else next((e for e in self.entities if e.name == name), None)


def load_truth(article: Path) -> Truth:
    """An article and the `<slug>.truth.yaml` beside it."""
    data: dict[str, Any] = yaml.safe_load(article.with_suffix(".truth.yaml").read_text("utf-8"))
    entities = tuple(
        TruthEntity(e["name"], e["kind"], tuple(e.get("aliases") or ())) for e in data.get("entities") or ()
    )
    quotes = tuple((q["text"], q.get("speaker")) for q in data.get("quotes") or ())
    return Truth(article.read_text("utf-8"), data.get("title"), quotes, entities)


def truth_from_knowledge(kb: KnowledgeBase, source_id: str) -> Truth:
    """A curated knowledge base's quotes and people, as the truth for one of its sources."""
    source = kb.sources[source_id]
    entities = tuple(TruthEntity(s.name, s.kind.value, s.aliases) for s in kb.speakers.values())
    quotes = tuple(
        (q.text, kb.speakers[q.speaker].name if q.speaker else None)
        for q in kb.quotes.values()
        if q.source == source_id
    )
    return Truth(source.text, source.title, quotes, entities)


@dataclass(slots=True)
class Score:
    """Counts behind the figures; `misses` says what went wrong, when asked for."""

    drafted: int = 0
    real: int = 0
    matched: int = 0
    speaker_right: int = 0
    kinds_judged: int = 0
    kinds_right: int = 0
    duplicated: int = 0
    unknown: int = 0
    titles: int = 0
    titles_right: int = 0
    confusion: dict[tuple[str, str], int] = field(default_factory=dict)  # (drafted kind, true kind) → count
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in ("drafted", "real", "matched", "speaker_right", "kinds_judged", "kinds_right"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("duplicated", "unknown", "titles", "titles_right"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for pair, count in other.confusion.items():
            self.confusion[pair] = self.confusion.get(pair, 0) + count

    @staticmethod
    def share(part: int, whole: int) -> float:
        return part / whole if whole else 1.0

    @property
    def precision(self) -> float:
        """Drafted quotations that are real ones."""
        return self.share(self.matched, self.drafted)

    @property
    def recall(self) -> float:
        """Real quotations that were drafted."""
        return self.share(self.matched, self.real)

    @property
    def speakers(self) -> float:
        """Of the real quotations drafted, those credited rightly (null is right only where the text says nobody)."""
        return self.share(self.speaker_right, self.matched)

    @property
    def kinds(self) -> float:
        """Of the drafted entities that are entities of the truth, those of the right kind."""
        return self.share(self.kinds_right, self.kinds_judged)


def score(draft: Draft, truth: Truth, *, show: bool = False) -> Score:
    """Compare a draft with the truth of its article."""
    result = Score(drafted=len(draft.quotes), real=len(truth.quotes))
    if truth.title is not None:
        result.titles, result.titles_right = 1, int(draft.source.title == truth.title)
    _score_quotes(draft, truth, result, show)
    drafted = [(_names(p), p.kind.value, p.name) for p in draft.people]
    drafted += [({place.casefold()}, "place", place) for place in draft.places]
    _score_kinds(truth.entities, drafted, result, show)
    return result


def _names(person: Speaker) -> set[str]:
    return {n.casefold() for n in person.names}


def _score_quotes(draft: Draft, truth: Truth, result: Score, show: bool) -> None:
    unmatched = list(truth.quotes)
    for quote in draft.quotes:
        hit = next((t for t in unmatched if quotes_match(quote.text.rstrip(","), t[0].rstrip(","))), None)
        if hit is None:
            if show:
                result.misses.append(f"  EXTRA   {quote.text[:70]!r}")
            continue
        unmatched.remove(hit)
        result.matched += 1
        drafted = draft.person(quote.speaker)
        wanted = truth.entity(hit[1])
        if hit[1] is None:
            right = drafted is None
        else:
            right = drafted is not None and bool(_names(drafted) & (wanted.names if wanted else {hit[1].casefold()}))
        result.speaker_right += right
        if show and not right:
            result.misses.append(
                f"  SPEAKER {drafted.name if drafted else None!r} should be {hit[1]!r}: {quote.text[:60]!r}"
            )
    if show:
        result.misses += [f"  MISSED  {text[:70]!r}" for text, _ in unmatched]


def _score_kinds(
    entities: Sequence[TruthEntity], drafted: Iterable[tuple[set[str], str, str]], result: Score, show: bool
) -> None:
    seen: dict[str, int] = {}
    for names, kind, label in drafted:
        # The truth entity sharing a name; its full name wins over a shared surname.
        found = sorted((e for e in entities if e.names & names), key=lambda e: e.name.casefold() not in names)
        if not found:
            result.unknown += 1
            if show:
                result.misses.append(f"  UNKNOWN {kind} {label!r}")
            continue
        entity = found[0]
        seen[entity.name] = seen.get(entity.name, 0) + 1
        result.kinds_judged += 1
        result.kinds_right += kind == entity.kind
        if kind != entity.kind:
            result.confusion[kind, entity.kind] = result.confusion.get((kind, entity.kind), 0) + 1
        if show and kind != entity.kind:
            result.misses.append(f"  KIND    {label!r} drafted {kind}, is {entity.kind}")
    result.duplicated = sum(1 for n in seen.values() if n > 1)
