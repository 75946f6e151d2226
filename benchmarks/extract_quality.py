"""How close `storybot extract` comes to hand-made truth, article by article.

Drafts every article in tests/extract/articles (each with a `<slug>.truth.yaml` beside it, format in
that folder's README) and the shipped story (its truth is the curated `knowledge/` directory), and
prints, per article and overall:

- quote text: precision (drafted quotations that are real ones) and recall (real ones drafted);
- speakers: of the real quotations drafted, the share credited to the right speaker (null when the
  text does not say who is right only as null);
- kinds: of the drafted people and organisations that are a named entity of the truth, the share
  with the right kind (a place drafted as an organisation is wrong; a place listed as a place is
  right); also how many truth entities were drafted twice, and drafted names the truth lacks.

    python -m benchmarks.extract_quality [--article SLUG] [--show]

`--show` lists each quotation's verdict: use it on the shipped story only, because the held-out
articles stand for text the extractor was never tuned to.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

if __package__ in (None, ""):
    # Run as a file: make the repository's top level importable, as `python -m` does.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.curation.extract import extract, quotes_match
from bot.knowledge import bundled_knowledge_dir, load_knowledge

ARTICLES = Path(__file__).resolve().parents[1] / "tests" / "extract" / "articles"
SHIPPED = "shipped"


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
    quotes: tuple[tuple[str, str | None], ...]
    entities: tuple[TruthEntity, ...]

    def entity(self, name: str | None) -> TruthEntity | None:
        return None if name is None else next((e for e in self.entities if e.name == name), None)


@dataclass(slots=True)
class Score:
    drafted: int = 0
    real: int = 0
    matched: int = 0
    speaker_right: int = 0
    kinds_judged: int = 0
    kinds_right: int = 0
    duplicated: int = 0
    unknown: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in ("drafted", "real", "matched", "speaker_right", "kinds_judged", "kinds_right"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.duplicated += other.duplicated
        self.unknown += other.unknown

    @staticmethod
    def share(part: int, whole: int) -> float:
        return part / whole if whole else 1.0

    @property
    def precision(self) -> float:
        return self.share(self.matched, self.drafted)

    @property
    def recall(self) -> float:
        return self.share(self.matched, self.real)

    @property
    def speakers(self) -> float:
        return self.share(self.speaker_right, self.matched)

    @property
    def kinds(self) -> float:
        return self.share(self.kinds_right, self.kinds_judged)

    def line(self, label: str) -> str:
        return (
            f"{label:<22} quotes {self.matched:>2}/{self.real:<2} drafted {self.drafted:>2}  "
            f"precision {self.precision:6.1%}  recall {self.recall:6.1%}  "
            f"speakers {self.speakers:6.1%}  kinds {self.kinds:6.1%} ({self.kinds_right}/{self.kinds_judged})  "
            f"duplicates {self.duplicated}  unknown names {self.unknown}"
        )


def load_truth(article: Path) -> Truth:
    data: dict[str, Any] = yaml.safe_load(article.with_suffix(".truth.yaml").read_text("utf-8"))
    entities = tuple(
        TruthEntity(e["name"], e["kind"], tuple(e.get("aliases") or ())) for e in data.get("entities") or ()
    )
    quotes = tuple((q["text"], q.get("speaker")) for q in data.get("quotes") or ())
    return Truth(article.read_text("utf-8"), quotes, entities)


def shipped_truth() -> Truth:
    kb = load_knowledge(bundled_knowledge_dir())
    source = next(iter(kb.sources.values()))
    entities = tuple(TruthEntity(s.name, s.kind.value, s.aliases) for s in kb.speakers.values())
    quotes = tuple(
        (q.text, kb.speakers[q.speaker].name if q.speaker else None)
        for q in kb.quotes.values()
        if q.source == source.id
    )
    return Truth(source.text, quotes, entities)


def _names(item: Any) -> set[str]:
    return {n.casefold() for n in item.names}


def score(truth: Truth, *, source_id: str, show: bool = False) -> Score:
    draft = extract(truth.text, source_id=source_id)
    result = Score(drafted=len(draft.quotes), real=len(truth.quotes))
    people = {p.id: p for p in draft.people}
    unmatched = list(truth.quotes)
    for quote in draft.quotes:
        hit = next((t for t in unmatched if quotes_match(quote.text.rstrip(","), t[0].rstrip(","))), None)
        if hit is None:
            if show:
                result.misses.append(f"  EXTRA  {quote.text[:70]!r}")
            continue
        unmatched.remove(hit)
        result.matched += 1
        drafted = people.get(quote.speaker) if quote.speaker else None
        wanted = truth.entity(hit[1])
        right = (
            drafted is None
            if hit[1] is None
            else drafted is not None and bool(_names(drafted) & (wanted.names if wanted else {hit[1].casefold()}))
        )
        result.speaker_right += right
        if show and not right:
            who = drafted.name if drafted else None
            result.misses.append(f"  SPEAKER {who!r} should be {hit[1]!r}: {quote.text[:60]!r}")
    if show:
        result.misses += [f"  MISSED {text[:70]!r}" for text, _ in unmatched]
    drafted_kinds = [(_names(p), p.kind.value, p.name) for p in draft.people]
    drafted_kinds += [({place.casefold()}, "place", place) for place in getattr(draft, "places", ())]
    _score_kinds(truth.entities, drafted_kinds, result, show)
    return result


def _score_kinds(
    entities: Sequence[TruthEntity], drafted: Iterable[tuple[set[str], str, str]], result: Score, show: bool
) -> None:
    seen: dict[str, int] = {}
    for names, kind, label in drafted:
        # The truth entity sharing a name; its full name wins over a shared surname.
        found = [e for e in entities if e.names & names]
        found.sort(key=lambda e: e.name.casefold() not in names)
        if not found:
            result.unknown += 1
            if show:
                result.misses.append(f"  UNKNOWN {kind} {label!r}")
            continue
        entity = found[0]
        seen[entity.name] = seen.get(entity.name, 0) + 1
        result.kinds_judged += 1
        result.kinds_right += kind == entity.kind
        if show and kind != entity.kind:
            result.misses.append(f"  KIND {label!r} drafted {kind}, is {entity.kind}")
    result.duplicated = sum(1 for n in seen.values() if n > 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--article", help=f"score only this article (a file stem, or {SHIPPED!r})")
    parser.add_argument("--show", action="store_true", help="list every miss (on the shipped story only, please)")
    args = parser.parse_args(argv)
    cases = [(SHIPPED, shipped_truth)] + [
        (path.stem, lambda path=path: load_truth(path)) for path in sorted(ARTICLES.glob("*.txt"))
    ]
    if args.article:
        cases = [case for case in cases if case[0] == args.article]
        if not cases:
            parser.error(f"no article {args.article!r}")
    total = Score()
    for name, truth in cases:
        result = score(truth(), source_id=name, show=args.show)
        total.add(result)
        print(result.line(name))
        for miss in result.misses:
            print(miss)
    if len(cases) > 1:
        print(total.line("overall"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
