"""Scoring a draft's quotations against a curated knowledge base of the same article."""

from __future__ import annotations

from dataclasses import dataclass

from bot.curation.extract.draft import Draft
from bot.curation.extract.vocabulary import squash
from bot.knowledge.model import KnowledgeBase

_STRAIGHT = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"'})


def _normal(text: str) -> str:
    return squash(text.translate(_STRAIGHT))


def quotes_match(drafted: str, curated: str, overlap: float = 0.8) -> bool:
    """Equal once spacing and quote marks are normalised, or one inside the other covering ≥ `overlap`."""
    a, b = _normal(drafted), _normal(curated)
    if a == b:
        return bool(a)
    short, long = sorted((a, b), key=len)
    return bool(short) and short in long and len(short) >= overlap * len(long)


@dataclass(frozen=True, slots=True)
class QuoteQuality:
    """How a draft's quotations compare with a curated knowledge base's.

    Attribution is judged on matched quotations only. A drafted speaker (or a drafted null where
    the curator also has null) is a claim; a null where the curator names someone is an honest
    abstention, which costs recall but not precision.
    """

    drafted: int
    curated: int
    matched: int
    attribution_claimed: int
    attribution_correct: int

    @property
    def text_precision(self) -> float:
        return self.matched / self.drafted if self.drafted else 0.0

    @property
    def text_recall(self) -> float:
        return self.matched / self.curated if self.curated else 0.0

    @property
    def attribution_precision(self) -> float:
        return self.attribution_correct / self.attribution_claimed if self.attribution_claimed else 0.0

    @property
    def attribution_recall(self) -> float:
        return self.attribution_correct / self.matched if self.matched else 0.0


def quote_quality(draft: Draft, curated: KnowledgeBase) -> QuoteQuality:
    """Score the draft's quotes against the curated quotes of the same source text."""
    same_text = {s.id for s in curated.sources.values() if _normal(s.text) == _normal(draft.source.text)}
    wanted = [q for q in curated.quotes.values() if not same_text or q.source in same_text]
    unmatched = list(wanted)
    matched = claimed = correct = 0
    for quote in draft.quotes:
        found = next((c for c in unmatched if quotes_match(quote.text, c.text)), None)
        if found is None:
            continue
        unmatched.remove(found)
        matched += 1
        drafted = draft.person(quote.speaker)
        if drafted is None:
            if found.speaker is None:
                claimed, correct = claimed + 1, correct + 1
            continue
        claimed += 1
        if found.speaker is not None:
            theirs = {n.casefold() for n in curated.speakers[found.speaker].names}
            correct += bool(theirs & {n.casefold() for n in drafted.names})
    return QuoteQuality(len(draft.quotes), len(wanted), matched, claimed, correct)
