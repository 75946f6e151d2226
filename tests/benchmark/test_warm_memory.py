"""An engine opened warm from its cache answers without bringing the rest of the archive into memory.

Entries stay pickled, each on its own, until one is read; scoring a question's candidates reads the text of
their phrasings, which the engine keeps itself, so only the entries an answer shows are read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.answering.cache import load_engine
from bot.answering.engine_file import FileBytes, LazyEntries
from bot.benchmark.data import ANSWERABLE_KINDS, generate

SIZE = 1000  # enough entries that reading the candidates' would show


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    root = tmp_path_factory.mktemp("warm")
    generated = generate(root / "kb", SIZE)
    asked = [q.text for q in generated.questions if q.kind in ANSWERABLE_KINDS and q.entry_id]
    load_engine(root / "kb", root / "cache")  # cold: builds and writes the cache
    return root / "kb", root / "cache", asked


def test_a_warm_engine_reads_only_the_entry_it_answers_with(
    archive: tuple[Path, Path, list[str]],
) -> None:
    directory, cache_dir, asked = archive
    engine, warm = load_engine(directory, cache_dir)
    assert warm
    entries = engine.kb.entries
    assert isinstance(entries, LazyEntries)
    answered = 0
    for text in asked[:20]:
        answer = engine.ask(text)
        if answer.entry is None:
            continue
        answered += 1
        assert answer.matched_question in answer.entry.questions
        # The answer's own entry; the other candidates' entries stay unread.
        assert list(entries._entries) == [answer.entry.id]
        break
    assert answered == 1


def test_a_warm_engine_answers_as_the_engine_it_was_built_as(
    archive: tuple[Path, Path, list[str]],
) -> None:
    directory, cache_dir, asked = archive
    cold, _ = load_engine(directory, None)
    warm, opened = load_engine(directory, cache_dir)
    assert opened
    for text in asked[:40]:
        a, b = cold.ask(text), warm.ask(text)
        assert (a.entry.id if a.entry else None, a.matched_question, a.confidence) == (
            b.entry.id if b.entry else None,
            b.matched_question,
            b.confidence,
        )


def test_a_warm_engine_maps_its_index_and_reads_its_entries_from_the_file(
    archive: tuple[Path, Path, list[str]],
) -> None:
    directory, cache_dir, _ = archive
    cold, _ = load_engine(directory, None)
    warm, _ = load_engine(directory, cache_dir)
    # Views of the cache file, not copies: a process holds the pages its questions touch.
    assert isinstance(warm._doc_terms, memoryview) and warm._doc_terms.readonly
    assert list(warm._doc_terms) == list(cold._doc_terms) and list(warm._doc_weight) == list(cold._doc_weight)
    entries = warm.kb.entries
    assert isinstance(entries, LazyEntries) and isinstance(entries._data, FileBytes)
    assert isinstance(warm._phrasing_bytes, FileBytes)  # read a few phrasings at a time
    assert [warm._phrasing(d) for d in range(50)] == [cold._phrasing(d) for d in range(50)]


def test_the_memory_measurement_follows_a_process_from_its_start_to_its_answers(
    archive: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    directory, cache_dir, asked = archive
    questions = tmp_path / "questions.json"
    questions.write_text(json.dumps([{"text": text, "kind": "typo", "entry_id": None} for text in asked[:5]]))
    # A process of its own, as the command runs: in the test process, its peak is whatever earlier tests reached.
    command = [sys.executable, "-m", "bot.benchmark", "memory", str(directory), str(questions), str(cache_dir)]
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=300)
    steps = json.loads(done.stdout.splitlines()[-1])["steps"]
    assert list(steps) == ["start", "open", "general English", "language lists", "answers", "answers again"]
    assert steps["open"]["warm"] == 1.0
    peaks = [step["peak_rss_mb"] for step in steps.values()]
    assert peaks == sorted(peaks) and peaks[-1] > peaks[0]


def test_where_files_cannot_be_read_at_an_offset_the_cache_maps_what_it_would_read(
    archive: tuple[Path, Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    directory, cache_dir, asked = archive
    reading, _ = load_engine(directory, cache_dir)
    read = [(a.entry, a.matched_question, a.confidence) for a in map(reading.ask, asked[:10])]
    monkeypatch.delattr(os, "pread")  # as on Windows
    mapping, opened = load_engine(directory, cache_dir)
    assert opened and isinstance(mapping.kb.entries, LazyEntries)
    assert isinstance(mapping.kb.entries._data, memoryview)
    assert [(a.entry, a.matched_question, a.confidence) for a in map(mapping.ask, asked[:10])] == read
