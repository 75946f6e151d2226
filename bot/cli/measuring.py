"""Measuring the engine: `eval` scores it on question sets, `train` fits its decision, `bench` times it."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.answering.evaluation import CaseError, Report, cut_phrasings, evaluate, load_cases
from bot.answering.startup import warm_up
from bot.answering.stories import evaluate_story
from bot.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    _stories,
    build_engine,
)
from bot.knowledge import bundled_knowledge_dir
from bot.knowledge.loader import display_path
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.answering.training import Story


def _figures_line(report: Report) -> str:
    """The summary: answers, declines and quote look-ups right, and the calibration error."""
    figures = [
        f"{label} {report.right[expect]}/{report.total[expect]} ({report.accuracy(expect):.1%})"
        for expect, label in (("answer", "answered right"), ("decline", "declined right"), ("quotes", "quote look-ups"))
        if report.total[expect]
    ]
    return "; ".join(figures) + f"; calibration error (ECE) {report.calibration_error:.3f}"


def _report_lines(report: Report) -> list[str]:
    lines = [
        f"  {kind:<14} {report.right_by_kind[kind]:>4}/{total:<4} {report.right_by_kind[kind] / total:.0%}"
        for kind, total in sorted(report.by_kind.items())
    ]
    lines.append(_figures_line(report))
    if report.total["answer"]:
        lines.append(f"right entry ranked first, answered or not: {report.ranked_first}/{report.total['answer']}")
    if report.seconds:
        times = sorted(report.seconds)
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        lines.append(f"time per question: median {statistics.median(times) * 1e3:.2f} ms, p99 {p99 * 1e3:.2f} ms")
    return lines


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    try:
        sets = [(path, load_cases(path)) for path in args.questions]
    except CaseError as exc:
        print(f"storybot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    stories = _stories(args, settings)
    if len(stories) > 1 and args.story is None:
        print("storybot: a question set is about one story; pass --story ID (see `storybot stories`).", file=sys.stderr)
        return EXIT_USAGE
    engine = stories.engine(args.story) if args.story else stories.engine()
    if args.phrasings:
        engine = build_engine(cut_phrasings(engine.kb, args.phrasings))
    # The time per question is what a reader waits: the one-time costs of a first question (the English word
    # list, read in a few hundred milliseconds) are paid before it, as the bot pays them at start-up.
    warm_up(engine if len(stories) == 1 or args.phrasings else stories)
    total = Report()
    for path, cases in sets:
        if len(stories) == 1 or args.phrasings:
            report = evaluate(engine, cases)
        else:  # asked of every story, as a reader would: right only when answered right from this story
            report = evaluate_story(stories, str(args.story), cases, routed=not args.alone)
        total.merge(report)
        for case, answer in report.failures if args.show_failures else ():
            got = answer.entry.id if answer.entry else answer.speaker_id or answer.outcome.value
            wanted = case.entries or case.speaker or case.mentions or case.expect
            print(f"  MISS [{case.kind}] {case.question!r}: got {got} ({answer.confidence:.2f}), wanted {wanted}")
        print(f"{display_path(path)}:")
        print("\n".join(_report_lines(report)))
    if len(sets) > 1:
        print("all sets:")
        print("\n".join(_report_lines(total)))
    return EXIT_OK


def cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    from bot.answering.training import CURATED_WEIGHT, Story, feature_table, leave_one_out, score_story, train

    stories = [Story(Path(group[0]), tuple(Path(p) for p in group[1:])) for group in args.also or ()]
    if args.questions:
        stories.append(Story(args.kb or settings.knowledge_dir or bundled_knowledge_dir(), tuple(args.questions)))
    if not stories:
        print("storybot: give question sets to learn from (and --also DIR SET... for other stories)", file=sys.stderr)
        return EXIT_USAGE
    if args.phrasings is not None and args.phrasings < 1:
        print("storybot: --phrasings takes a whole number of 1 or more", file=sys.stderr)
        return EXIT_USAGE
    curated = CURATED_WEIGHT if args.curated_weight is None else args.curated_weight
    if curated < 0:
        print("storybot: --curated-weight takes a weight of 0 or more", file=sys.stderr)
        return EXIT_USAGE
    if args.leave_one_out and args.score:
        print("storybot: --leave-one-out scores the stories fitted on; give no --score with it", file=sys.stderr)
        return EXIT_USAGE
    try:
        for group in (*(s.sets for s in stories), *(tuple(Path(p) for p in g[1:]) for g in args.score or ())):
            for path in group:
                load_cases(path)
        if args.leave_one_out:
            return _leave_one_out(stories, leave_one_out(stories, args.near_misses, args.phrasings, curated))
        result = train(stories, near_misses=args.near_misses, phrasings=args.phrasings, curated=curated)
    except (CaseError, ValueError) as exc:
        print(f"storybot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print("fitted feature weights (match stage):")
    print("\n".join(feature_table(result.decision)))
    print("samples: " + ", ".join(f"{source} {count}" for source, count in sorted(result.counts.items())))
    held = result.held_out
    if held.total:
        print("held out (a decision fitted without these questions):")
        for source in sorted(held.total):
            print("  " + held.line(source))
        ece = Report(calibration=held.calibration).calibration_error
        print(f"  calibration error (ECE) {ece:.3f}")
    notes: dict[str, object] = {
        "stories": [str(display_path(s.knowledge)) for s in stories],
        "sets": [str(display_path(p)) for s in stories for p in s.sets],
        "samples": dict(sorted(result.counts.items())),
        "held_out": {source: f"{held.right[source]}/{held.total[source]}" for source in sorted(held.total)},
    }
    if args.phrasings is not None:
        notes["phrasings"] = args.phrasings
    notes["curated_weight"] = curated
    for group in args.score or ():
        unseen = Story(Path(group[0]), tuple(Path(p) for p in group[1:]))
        print(f"held-out story {display_path(unseen.knowledge)} (not fitted on):")
        print("\n".join(_report_lines(score_story(result.decision, unseen))))
    args.out.write_text(json.dumps(result.decision.to_json(notes), indent=2) + "\n", encoding="utf-8")
    print(f"decision written to {display_path(args.out)}")
    return EXIT_OK


def _leave_one_out(stories: Sequence[Story], reports: Sequence[Report]) -> int:
    """One summary line per story (never its per-kind figures: a story may be a held-out judge) and the means."""
    print("each story scored by a decision fitted on the other stories (nothing written):")
    for story, report in zip(stories, reports, strict=True):
        ranked = f"; right entry ranked first {report.ranked_first}/{report.total['answer']}"
        print(f"  {display_path(story.knowledge)}: {_figures_line(report)}{ranked if report.total['answer'] else ''}")
    means = [
        f"{label} {statistics.fmean(r.accuracy(expect) for r in reports):.1%}"
        for expect, label in (("answer", "answered right"), ("decline", "declined right"))
    ]
    print(f"mean of the {len(reports)} stories held out: " + ", ".join(means))
    return EXIT_OK


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    from bot.benchmark import bench, format_table

    try:
        sizes = [int(part) for part in args.sizes.split(",") if part.strip()]
    except ValueError:
        print("storybot: --sizes takes whole numbers separated by commas, e.g. 1000,10000", file=sys.stderr)
        return EXIT_USAGE
    if not sizes or min(sizes) < 1:
        print("storybot: --sizes needs at least one size of 1 or more", file=sys.stderr)
        return EXIT_USAGE
    results = bench(sizes, keep=args.keep)
    print(format_table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {display_path(args.json)}")
    return EXIT_OK
