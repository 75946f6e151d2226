"""Latency of `Engine.ask` on the shipped story: every question of the evaluation sets, asked in a loop.

    python -m benchmarks.ask_latency [--rounds 5] [SET.yaml ...]

Prints the median and the 99th percentile in milliseconds. The target (issue 9): a median well under
1 ms on the shipped story.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bot.answering import Engine
from bot.answering.evaluation import load_cases
from bot.knowledge import bundled_knowledge_dir, load_knowledge

SETS = [Path("tests/eval/questions.yaml"), Path("tests/eval/blind.yaml")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="*", type=Path, default=SETS)
    parser.add_argument("--rounds", type=int, default=5, help="times each question is asked (default: %(default)s)")
    args = parser.parse_args()
    engine = Engine(load_knowledge(bundled_knowledge_dir()))
    questions = [case.question for path in args.sets if path.exists() for case in load_cases(path)]
    for question in questions:  # warm the caches a running bot has warm
        engine.ask(question)
    times: list[float] = []
    for _ in range(args.rounds):
        for question in questions:
            start = time.perf_counter()
            engine.ask(question)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p99 = times[min(len(times) - 1, int(0.99 * len(times)))]
    print(
        f"{len(questions)} questions x {args.rounds}: median {statistics.median(times):.3f} ms, "
        f"p99 {p99:.3f} ms, max {times[-1]:.3f} ms"
    )


if __name__ == "__main__":
    main()
