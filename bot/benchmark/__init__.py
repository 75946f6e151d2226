"""`storybot bench`: synthetic knowledge bases of real English, from one story's size to an archive's.

For each size it generates a base (`data`), then measures in one run, each in a fresh process
(`measure`): a bare YAML parse, the engine's cold and warm load, the engine on every question
(through `Engine.ask`) and while a reload runs, each anchor on the same questions (`anchors`), and
the first stage alone, the engine's against tantivy alone (`candidates`). `table` prints the figures.
"""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.answering.cache import cache_folder
from bot.benchmark.anchors import ANCHORS
from bot.benchmark.data import generate
from bot.benchmark.measure import ask_process, child, read_questions
from bot.benchmark.table import best_cut_off, format_table, score, top1_with_declines

__all__ = ["bench", "format_table", "machine"]

ENGINE = "StoryBot engine"
ENGINE_STAGE = "engine's first stage"
TANTIVY_ALONE = "tantivy alone on the engine's terms"


def machine() -> dict[str, Any]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "load": " ".join(f"{x:.1f}" for x in load),
    }


def _stopwords() -> frozenset[str]:
    """Words the engine drops as filler, so that no topic is made of them."""
    from bot.answering import normalize

    return frozenset(getattr(normalize, "STOPWORDS", frozenset()))


def bench_size(size: int, root: Path, scratch: Path) -> dict[str, Any]:
    directory = root / str(size)
    data_dir = scratch / f"data-{size}"  # the data directory `storybot ask` is given: the cache is warm for it
    cache_dir = cache_folder(data_dir, directory)
    start = time.perf_counter()
    generated = generate(directory, size, stopwords=_stopwords())
    generate_seconds = time.perf_counter() - start
    questions_file = root / f"{size}-questions.json"
    questions_file.write_text(json.dumps([dataclasses.asdict(q) for q in generated.questions]), encoding="utf-8")
    (root / f"{size}-questions.txt").write_text("\n".join(q.text for q in generated.questions) + "\n", encoding="utf-8")
    phrasings_file = scratch / f"{size}-phrasings.json"
    phrasings_file.write_text(json.dumps(generated.phrasings), encoding="utf-8")
    questions = read_questions(questions_file)

    bare = child("bare", str(directory))
    cold = child("load", str(directory), str(cache_dir))
    warm = child("load", str(directory), str(cache_dir))
    ask = ask_process(directory, next(q.text for q in questions if q.entry_id), data_dir)
    engine = child("answers", str(directory), str(questions_file), str(cache_dir))
    methods: dict[str, Any] = {
        ENGINE: {
            **{k: engine[k] for k in ("median_ms", "p99_ms", "max_ms", "peak_rss_mb")},
            **score(questions, engine["answers"]),
            "build_seconds": cold["seconds"],
            "cut_off": None,
            "top1_at_floor": top1_with_declines(questions, engine["answers"]),
            "answers": engine["answers"],
        }
    }
    for name in ANCHORS:
        measured = child("anchor", name, str(phrasings_file), str(questions_file))
        cut_off, figures = best_cut_off(questions, measured["answers"])
        kept = ("build_seconds", "median_ms", "p99_ms", "max_ms", "peak_rss_mb")
        at_floor = top1_with_declines(questions, measured["answers"])
        methods[measured["name"]] = {**{k: measured[k] for k in kept}, **figures, "cut_off": cut_off}
        methods[measured["name"]] |= {"top1_at_floor": at_floor, "answers": measured["answers"]}

    prepared = scratch / f"{size}-first-stage.json"
    stage = child(
        "prepare", str(directory), str(questions_file), str(cache_dir), str(scratch / "retrieval"), str(prepared)
    )
    searched = child("search", str(prepared))
    first_stage = {
        # Its peak is a warm load's from the engine cache: the whole engine, knowledge base included.
        ENGINE_STAGE: {**stage["engine"], "peak_rss_mb": warm["peak_rss_mb"]},
        TANTIVY_ALONE: {**searched, "build_seconds": stage["engine"]["build_seconds"]},
    }
    return {
        "entries": size,
        "phrasings": len(generated.phrasings),
        "megabytes": sum(f.stat().st_size for f in directory.rglob("*") if f.is_file()) / 2**20,
        "generate_seconds": generate_seconds,
        "methods": methods,
        "first_stage": first_stage,
        "load": {
            "bare_yaml_seconds": bare["seconds"],
            "bare_yaml_peak_rss_mb": bare["peak_rss_mb"],
            "cold_seconds": cold["seconds"],
            "cold_peak_rss_mb": cold["peak_rss_mb"],
            "warm_seconds": warm["seconds"],
            "warm_peak_rss_mb": warm["peak_rss_mb"],
            "ask_process_seconds": ask["seconds"],
        },
        "during_reload": engine["during_reload"],
        "questions": [dataclasses.asdict(q) for q in questions],
    }


def bench(sizes: Sequence[int], keep: Path | None = None) -> dict[str, Any]:
    results: dict[str, Any] = {"machine": machine(), "sizes": {}}
    with tempfile.TemporaryDirectory(prefix="storybot-bench-") as scratch:
        root = keep or Path(scratch)
        root.mkdir(parents=True, exist_ok=True)
        for size in sizes:
            results["sizes"][str(size)] = bench_size(size, root, Path(scratch))
    results["machine"]["load_after"] = machine()["load"]
    return results
