"""`python -m bot.benchmark KIND ARGS...`: one measurement in a fresh process, printed as a JSON line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bot.benchmark import candidates, measure


def main(argv: list[str]) -> int:
    kind, *args = argv
    paths = [Path(a) for a in args]
    result: dict[str, Any]
    if kind == "bare":
        result = measure.bare_yaml(*paths)
    elif kind == "load":
        result = measure.load(*paths)
    elif kind == "answers":
        result = measure.answers(*paths)
    elif kind == "questions":
        directory, questions_file, cache_dir = paths[:3]
        result = measure.questions(directory, questions_file, cache_dir, *(int(a) for a in args[3:4]))
    elif kind == "memory":
        result = measure.memory(*paths)
    elif kind == "reload":
        result = measure.during_reload(*paths)
    elif kind == "anchor":
        result = measure.anchor(args[0], *paths[1:])
    elif kind == "prepare":
        result = candidates.prepare(*paths)
    elif kind == "search":
        result = candidates.search(*paths)
    else:
        sys.stderr.write(f"unknown measurement {kind!r}\n")
        return 2
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
