"""Scores from answers, each anchor's best cut-off, and the tables `storybot bench` prints."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.answering.ranking import FEATURED
from bot.benchmark.data import Question

ANSWERS_HEADER = (
    "method",
    "build s",
    "median ms",
    "p99 ms",
    "max ms",
    "top-1",
    "near-miss declines",
    "off-topic declines",
    "top-1 at ≥97% declines",
    "peak MB",
)
DECLINE_FLOOR = 0.97  # the bar for near-miss and off-topic declines
STAGE_HEADER = (
    "first stage",
    "build s",
    "warm open s",
    "median ms",
    "p99 ms",
    "max ms",
    f"recall@{FEATURED}",
    "recall@50",
    "peak MB",
)
LOAD_HEADER = (
    "MB",
    "phrasings",
    "bare YAML s",
    "cold load s",
    "×bare",
    "cold peak MB",
    "warm load s",
    "ask --kb process s",
    "reload s",
    "p99 ms during reload",
    "max ms during reload",
)


def score(
    questions: Sequence[Question], answers: Sequence[Sequence[Any]], cut_off: float | None = None
) -> dict[str, float]:
    """top-1 over answerable questions, and the share of near-misses and of off-topic questions declined.

    An answer is (entry or None, score); with a cut-off, answers scoring below it are declines.
    """
    right = answerable = 0
    declined = {"near-miss": 0, "off-topic": 0}
    asked = {"near-miss": 0, "off-topic": 0}
    for question, (entry, value) in zip(questions, answers, strict=True):
        if cut_off is not None and value < cut_off:
            entry = None
        if question.entry_id is not None:
            answerable += 1
            right += entry == question.entry_id
        else:
            asked[question.kind] += 1
            declined[question.kind] += entry is None
    return {
        "top1": right / answerable if answerable else 0.0,
        "near_miss_declines": declined["near-miss"] / asked["near-miss"] if asked["near-miss"] else 0.0,
        "off_topic_declines": declined["off-topic"] / asked["off-topic"] if asked["off-topic"] else 0.0,
        "right": right + declined["near-miss"] + declined["off-topic"],
    }


def best_cut_off(questions: Sequence[Question], answers: Sequence[Sequence[Any]]) -> tuple[float, dict[str, float]]:
    """The cut-off that gets the most questions right (answered right or declined right), and its scores;
    of equal ones, the lowest. Tuned on the questions it is scored on, which flatters the anchor."""
    candidates = [*sorted({float(value) for _, value in answers}), float("inf")]
    best = (0.0, score(questions, answers, 0.0))
    for cut_off in candidates:
        figures = score(questions, answers, cut_off)
        if figures["right"] > best[1]["right"]:
            best = (cut_off, figures)
    return best


def top1_with_declines(
    questions: Sequence[Question], answers: Sequence[Sequence[Any]], floor: float = DECLINE_FLOOR
) -> float:
    """The best top-1 a method reaches with a cut-off that still declines `floor` of the near-misses and of
    the off-topic questions: the lowest such cut-off, since a higher one only answers less."""
    for cut_off in [0.0, *sorted({float(value) for _, value in answers})]:
        figures = score(questions, answers, cut_off)
        if figures["near_miss_declines"] >= floor and figures["off_topic_declines"] >= floor:
            return figures["top1"]
    return 0.0


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(header: Sequence[str], rows: list[list[str]]) -> list[str]:
    return [_row(header), "|" + "---|" + "---:|" * (len(header) - 1), *map(_row, rows)]


def _pct(value: float) -> str:
    return f"{value:.1%}"


def format_table(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [f"Machine: {m['processor']}, {m['cpus']} CPUs, Python {m['python']}, {m['platform']}; load {m['load']}"]
    for size, r in results["sizes"].items():
        lines += ["", f"### {int(size):,} entries", ""]
        rows = []
        for name, method in r["methods"].items():
            label = name if method.get("cut_off") is None else f"{name}, cut-off {method['cut_off']:.3g}"
            rows.append(
                [
                    label,
                    f"{method['build_seconds']:.2f}",
                    f"{method['median_ms']:.2f}",
                    f"{method['p99_ms']:.2f}",
                    f"{method['max_ms']:.1f}",
                    _pct(method["top1"]),
                    _pct(method["near_miss_declines"]),
                    _pct(method["off_topic_declines"]),
                    _pct(method["top1_at_floor"]),
                    f"{method['peak_rss_mb']:.0f}",
                ]
            )
        lines += _table(ANSWERS_HEADER, rows)
        lines.append("")
        stage_rows = [
            [
                name,
                f"{stage['build_seconds']:.2f}",
                f"{stage['open_seconds']:.4f}",
                f"{stage['median_ms']:.2f}",
                f"{stage['p99_ms']:.2f}",
                f"{stage['max_ms']:.1f}",
                _pct(stage["recall_featured"]),
                _pct(stage["recall"]),
                f"{stage['peak_rss_mb']:.0f}",
            ]
            for name, stage in r["first_stage"].items()
        ]
        lines += _table(STAGE_HEADER, stage_rows)
        lines.append("")
        load, reload = r["load"], r["during_reload"]
        lines += _table(
            ("entries", *LOAD_HEADER),
            [
                [
                    f"{int(size):,}",
                    f"{r['megabytes']:.1f}",
                    f"{r['phrasings']}",
                    f"{load['bare_yaml_seconds']:.2f}",
                    f"{load['cold_seconds']:.2f}",
                    f"{load['cold_seconds'] / load['bare_yaml_seconds']:.2f}",
                    f"{load['cold_peak_rss_mb']:.0f}",
                    f"{load['warm_seconds']:.2f}",
                    f"{load['ask_process_seconds']:.2f}",
                    f"{reload['reload_seconds']:.1f}",
                    f"{reload['p99_ms']:.1f}",
                    f"{reload['max_ms']:.1f}",
                ]
            ],
        )
    return "\n".join(lines)
