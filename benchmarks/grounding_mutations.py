"""How many answers with one figure or one name changed the validator refuses.

For every curated answer of a knowledge base, each figure in it is changed to one no evidence gives
(400 → 1301), and its first name of a person or organisation is changed to "Google"; each changed
file is validated (the loader's own validation, with the change as an override, as `storybot validate`
would see it). A mutation counts as refused when validation fails with a problem that names the changed
word at the entry's answer.

    python -m benchmarks.grounding_mutations [--kb DIR] [--show]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

if __package__ in (None, ""):
    # Run as a file: make the repository's top level importable, as `python -m` does.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.knowledge import bundled_knowledge_dir, load_knowledge
from bot.knowledge.loader import knowledge_files, validate_knowledge

REPLACEMENT_NAME = "Google"
_DIGITS = re.compile(r"\d+")


def _answer_blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) of each entry's answer in a YAML file's text: from `answer:` to the next key."""
    blocks = []
    for match in re.finditer(r"^    answer:", text, re.MULTILINE):
        end = re.compile(r"^    [a-z_]+:", re.MULTILINE).search(text, match.end())
        blocks.append((match.end(), end.start() if end else len(text)))
    return blocks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--kb", type=Path, help="knowledge directory (default: the shipped one)")
    parser.add_argument("--show", action="store_true", help="list every mutation that was not refused")
    args = parser.parse_args(argv)
    directory = args.kb or bundled_knowledge_dir()
    kb = load_knowledge(directory)
    names = sorted({n for s in kb.speakers.values() for n in s.names if " " not in n}, key=len, reverse=True)
    counts = {"figure": [0, 0], "name": [0, 0]}
    for file in knowledge_files(directory):
        text = file.read_text(encoding="utf-8")
        for start, end in _answer_blocks(text):
            block = text[start:end]
            mutations = [("figure", m.start(), m.end(), str(int(m.group()) * 2 + 501)) for m in _DIGITS.finditer(block)]
            for name in names:
                found = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", block)
                if found:
                    mutations.append(("name", found.start(), found.end(), REPLACEMENT_NAME))
                    break
            for kind, low, high, new in mutations:
                changed = text[: start + low] + new + text[start + high :]
                _, problems = validate_knowledge(directory, {file: changed})
                refused = any(new in p.message for p in problems)
                counts[kind][0] += refused
                counts[kind][1] += 1
                if args.show and not refused:
                    print(f"not refused: {file.name}: {block[low:high]!r} → {new!r}")
    total = [sum(c[0] for c in counts.values()), sum(c[1] for c in counts.values())]
    for kind, (refused, made) in counts.items():
        print(f"{kind}s changed: refused {refused} of {made}")
    print(f"all: refused {total[0]} of {total[1]}")
    return 0 if total[0] == total[1] else 1


if __name__ == "__main__":
    raise SystemExit(main())
