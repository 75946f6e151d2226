"""How close `storybot extract` comes to the hand-curated quotes of the shipped story.

Drafts the shipped article afresh and compares its quotes with `knowledge/quotes.yaml`: precision
and recall of the quote texts, then of who said them (see `QuoteQuality` for the exact rules).

    python -m benchmarks.extract_quality [--kb DIR] [--show]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):
    # Run as a file: make the repository's top level importable, as `python -m` does.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.curation.extract import extract, quote_quality, quotes_match
from bot.knowledge import bundled_knowledge_dir, load_knowledge


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--kb", type=Path, help="curated knowledge directory (default: the shipped one)")
    parser.add_argument("--show", action="store_true", help="list every drafted quote and whether it matched")
    args = parser.parse_args(argv)
    curated = load_knowledge(args.kb or bundled_knowledge_dir())
    for source in curated.sources.values():
        draft = extract(source.text, source_id=source.id)
        quality = quote_quality(draft, curated)
        print(f"{source.id}: {quality.drafted} quotes drafted, {quality.curated} curated, {quality.matched} matched")
        print(f"  quote text   precision {quality.text_precision:6.1%}   recall {quality.text_recall:6.1%}")
        print(
            f"  attribution  precision {quality.attribution_precision:6.1%}   recall {quality.attribution_recall:6.1%}"
            f"   ({quality.attribution_correct} right of {quality.attribution_claimed} claimed)"
        )
        if args.show:
            for quote in draft.quotes:
                hit = next((c for c in curated.quotes.values() if quotes_match(quote.text, c.text)), None)
                theirs = (hit.speaker or "null") if hit else "-"
                print(f"  {'MATCH' if hit else 'EXTRA'} {quote.speaker or 'null':<22} {theirs:<22} {quote.text[:50]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
