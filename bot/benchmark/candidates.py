"""The first stage alone: the engine's own candidate stage against `bot.answering.tantivy_index` on tantivy.

Both are given the same analysed terms of each answerable question (`Engine.analyse`) and asked for
candidates; what is compared is the time of that stage alone, whether the right entry is among the
first RECALL_AT distinct entries, the time to build each index and, for tantivy, to open it warm.

The engine's stage is reached through its private index (`_best_phrasings` and the doc arrays):
this module is the one place that does, so that the comparison can be made before the two are wired
together. It has to follow the engine's internals when they change.
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.benchmark.measure import peak_rss_mb, read_questions, timings

RECALL_AT = 50  # distinct entries a later stage would re-rank
# Phrasings asked of tantivy to find RECALL_AT distinct entries: an entry has about four phrasings,
# and the right one's are usually near each other.
SEARCH_LIMIT = 250


def engine_docs(engine: Any) -> Iterator[tuple[int, list[str]]]:
    """(doc number, analysed terms) of every doc of the engine's index: phrasings and keyword lists."""
    text, offsets, flat = engine._term_text, engine._doc_offsets, engine._doc_terms
    for doc in range(len(offsets) - 1):
        yield doc, [text[t] for t in flat[offsets[doc] : offsets[doc + 1]]]


def _engine_stage(engine: Any, terms: tuple[str, ...]) -> list[int]:
    """Entry numbers of the engine's shortlist for a question's terms, best first (as in `Engine.rank`)."""
    wanted = frozenset(terms)
    if not wanted:
        return []
    ids = engine._term_id
    query = {ids[t]: t for t in wanted if t in ids}
    return [entry for entry, _, _ in engine._best_phrasings(query, engine._weight(wanted))]


def prepare(directory: Path, questions_file: Path, cache_dir: Path, index_root: Path, out: Path) -> dict[str, Any]:
    """The engine's stage on every answerable question; the tantivy index built from the engine's terms;
    and, in `out`, what the tantivy child needs: each question's terms and right entry, each doc's entry."""
    from bot.answering.cache import load_engine
    from bot.answering.matcher import Engine
    from bot.answering.tantivy_index import RetrievalIndex, index_key

    engine, _ = load_engine(directory, cache_dir)
    entry_number = {entry_id: n for n, entry_id in enumerate(engine.kb.entries)}
    asked = [
        (engine.analyse(q.text).terms, entry_number[q.entry_id]) for q in read_questions(questions_file) if q.entry_id
    ]
    gc.collect()
    times, found = [], 0
    for terms, right in asked:
        start = time.perf_counter()
        shortlist = _engine_stage(engine, terms)
        times.append((time.perf_counter() - start) * 1000)
        found += right in shortlist[:RECALL_AT]
    stage = {**timings(times), "recall": found / len(asked) if asked else 0.0}

    start = time.perf_counter()
    index = RetrievalIndex.build(index_root / index_key(directory), engine_docs(engine))
    tantivy_build = time.perf_counter() - start
    out.write_text(
        json.dumps({"questions": asked, "doc_entry": list(engine._doc_entry), "index": str(index.path)}),
        encoding="utf-8",
    )
    kb = engine.kb
    del engine, index
    gc.collect()
    start = time.perf_counter()
    Engine(kb)  # the engine's index alone, from a loaded knowledge base
    engine_build = time.perf_counter() - start
    return {"engine": {**stage, "build_seconds": engine_build}, "tantivy_build_seconds": tantivy_build}


def search(prepared: Path) -> dict[str, Any]:
    """Open the tantivy index warm and ask it every question's terms (a fresh process: its own memory)."""
    from bot.answering.tantivy_index import RetrievalIndex

    data = json.loads(prepared.read_text(encoding="utf-8"))
    doc_entry: list[int] = data["doc_entry"]
    start = time.perf_counter()
    index = RetrievalIndex.open(Path(data["index"]))
    open_seconds = time.perf_counter() - start
    gc.collect()
    times, found = [], 0
    for terms, right in data["questions"]:
        start = time.perf_counter()
        entries = dict.fromkeys(doc_entry[doc] for doc, _ in index.search(terms, SEARCH_LIMIT))
        shortlist = list(entries)[:RECALL_AT]
        times.append((time.perf_counter() - start) * 1000)
        found += right in shortlist
    asked = len(data["questions"])
    return {
        **timings(times),
        "recall": found / asked if asked else 0.0,
        "open_seconds": open_seconds,
        "docs": index.doc_count,
        "peak_rss_mb": peak_rss_mb(),
    }
