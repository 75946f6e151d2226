"""The first stage alone: the engine's (tantivy, its rarer terms, candidates scored again) against tantivy
alone on the same analysed terms (every term, BM25's order).

Both are given the analysed terms of each answerable question (`Engine.analyse`); what is compared is the
time of that stage alone, whether the right entry is among the first FEATURED distinct entries (those
the engine's features see) and among the first RECALL_AT, the time to build the index and to open it warm.

The engine's stage is reached through its private parts (`_best_phrasings`, its docs): this module is
the one place that does, and has to follow the engine's internals when they change.
"""

from __future__ import annotations

import gc
import json
import time
from pathlib import Path
from typing import Any

from bot.answering.ranking import FEATURED
from bot.benchmark.measure import peak_rss_mb, read_questions, timings

RECALL_AT = 50  # distinct entries a later stage could re-rank
# Docs asked of tantivy alone to find RECALL_AT distinct entries: an entry has about five docs, and the
# right one's are usually near each other.
SEARCH_LIMIT = 250


def _engine_stage(engine: Any, terms: tuple[str, ...]) -> list[int]:
    """Entry numbers of the engine's shortlist for a question's terms, best first (as in `Engine.rank`)."""
    ids = engine._term_id
    query = {ids[t]: t for t in dict.fromkeys(terms) if t in ids}
    if not query:
        return []
    weight = engine._weight(frozenset(terms))
    return [entry for entry, _, _ in engine._best_phrasings(query, weight)]


def _recall(found: list[tuple[int, list[int]]]) -> dict[str, float]:
    asked = len(found) or 1
    return {
        "recall": sum(right in entries[:RECALL_AT] for right, entries in found) / asked,
        "recall_featured": sum(right in entries[:FEATURED] for right, entries in found) / asked,
    }


def prepare(directory: Path, questions_file: Path, cache_dir: Path, index_root: Path, out: Path) -> dict[str, Any]:
    """The engine's stage on every answerable question, warm from the engine cache; its index built again
    from its docs, and opened warm; and, in `out`, what the child for tantivy alone needs: each question's
    terms and right entry, each doc's entry, and where that index is."""
    from bot.answering.cache import load_engine
    from bot.answering.tantivy_index import RetrievalIndex

    engine, _ = load_engine(directory, cache_dir)
    entry_number = {entry_id: n for n, entry_id in enumerate(engine.kb.entries)}
    asked = [
        (engine.analyse(q.text).terms, entry_number[q.entry_id]) for q in read_questions(questions_file) if q.entry_id
    ]
    gc.collect()
    times: list[float] = []
    found: list[tuple[int, list[int]]] = []
    for terms, right in asked:
        start = time.perf_counter()
        shortlist = _engine_stage(engine, terms)
        times.append((time.perf_counter() - start) * 1000)
        found.append((right, shortlist))
    stage = {**timings(times), **_recall(found)}

    start = time.perf_counter()
    index = RetrievalIndex.build(index_root / f"alone-{directory.name}", engine._first_stage_docs())
    build_seconds = time.perf_counter() - start
    where = engine._first_stage.path  # in the engine cache's directory, where `load_engine` keeps it
    start = time.perf_counter()
    if where is not None:
        RetrievalIndex.open(where)
    open_seconds = time.perf_counter() - start
    out.write_text(
        json.dumps({"questions": asked, "doc_entry": list(engine._doc_entry), "index": str(index.path)}),
        encoding="utf-8",
    )
    return {"engine": {**stage, "build_seconds": build_seconds, "open_seconds": open_seconds}}


def search(prepared: Path) -> dict[str, Any]:
    """Tantivy alone: open the index warm and ask it every question's terms, all of them, each entry ranked by
    its best doc's BM25 score (a fresh process: its own memory)."""
    from bot.answering.tantivy_index import RetrievalIndex

    data = json.loads(prepared.read_text(encoding="utf-8"))
    doc_entry: list[int] = data["doc_entry"]
    start = time.perf_counter()
    index = RetrievalIndex.open(Path(data["index"]))
    open_seconds = time.perf_counter() - start
    gc.collect()
    times: list[float] = []
    found: list[tuple[int, list[int]]] = []
    for terms, right in data["questions"]:
        start = time.perf_counter()
        entries = list(dict.fromkeys(doc_entry[doc] for doc, _ in index.search(terms, SEARCH_LIMIT)))
        times.append((time.perf_counter() - start) * 1000)
        found.append((right, entries))
    return {**timings(times), **_recall(found), "open_seconds": open_seconds, "peak_rss_mb": peak_rss_mb()}
