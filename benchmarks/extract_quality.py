"""How close `storybot extract` comes to hand-made truth, article by article.

Drafts every article in tests/extract/articles (each with a `<slug>.truth.yaml` beside it, format in
that folder's README) and the shipped story (its truth is the curated `knowledge/` directory), and
prints, per article and overall:

- quote text: precision (drafted quotations that are real ones) and recall (real ones drafted);
- speakers: of the real quotations drafted, the share credited to the right speaker (null when the
  text does not say who is right only as null);
- kinds: of the drafted people, organisations and places that are named entities of the truth, the
  share of the right kind (a place drafted as an organisation is wrong; a place listed as a place is
  right); also truth entities drafted more than once, drafted names the truth lacks, and titles.

    python -m benchmarks.extract_quality [--article SLUG] [--show]

`--show` lists each miss: use it on the shipped story only, because the held-out articles stand for
text the extractor was never tuned to.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):
    # Run as a file: make the repository's top level importable, as `python -m` does.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.curation.extract import extract
from bot.curation.extract.truth import Score, Truth, load_truth, score, truth_from_knowledge
from bot.knowledge import bundled_knowledge_dir, load_knowledge

ARTICLES = Path(__file__).resolve().parents[1] / "tests" / "extract" / "articles"
SHIPPED = "shipped"


def cases() -> list[tuple[str, Callable[[], Truth]]]:
    """Every article with a truth: the shipped story first, then the held-out ones by name."""

    def shipped() -> Truth:
        kb = load_knowledge(bundled_knowledge_dir())
        return truth_from_knowledge(kb, next(iter(kb.sources)))

    held_out = [(path.stem, lambda path=path: load_truth(path)) for path in sorted(ARTICLES.glob("*.txt"))]
    return [(SHIPPED, shipped), *held_out]


def score_article(name: str, truth: Truth, *, show: bool = False) -> Score:
    return score(extract(truth.text, source_id=name), truth, show=show)


def line(label: str, result: Score) -> str:
    return (
        f"{label:<20} quotes {result.matched:>2}/{result.real:<2} drafted {result.drafted:>2}  "
        f"precision {result.precision:6.1%}  recall {result.recall:6.1%}  speakers {result.speakers:6.1%}  "
        f"kinds {result.kinds:6.1%} ({result.kinds_right}/{result.kinds_judged})  "
        f"duplicates {result.duplicated}  unknown {result.unknown}  title {result.titles_right}/{result.titles}"
        + "".join(f"\n{'':<20} kind drafted {a} is {b}: {n}" for (a, b), n in sorted(result.confusion.items()))
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--article", help=f"score only this article (a file stem, or {SHIPPED!r})")
    parser.add_argument("--show", action="store_true", help="list every miss (on the shipped story only, please)")
    args = parser.parse_args(argv)
    chosen = [case for case in cases() if args.article in (None, case[0])]
    if not chosen:
        parser.error(f"no article {args.article!r}")
    total = Score()
    for name, truth in chosen:
        result = score_article(name, truth(), show=args.show)
        total.add(result)
        print(line(name, result))
        for miss in result.misses:
            print(miss)
    if len(chosen) > 1:
        print(line("overall", total))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
