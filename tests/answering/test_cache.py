"""The engine cache: a warm start answers exactly as a cold one, and any change to the files means a cold start."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest
import yaml

from bot.answering import cache
from bot.answering.cache import load_engine
from bot.answering.engine_file import Ids
from bot.knowledge import bundled_knowledge_dir

EVAL = Path(__file__).parents[1] / "eval"


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    return Path(shutil.copytree(bundled_knowledge_dir(), tmp_path / "kb"))


def questions() -> list[str]:
    return [
        item["q"] for name in ("questions.yaml", "blind.yaml") for item in yaml.safe_load((EVAL / name).read_text())
    ]


def test_a_warm_start_answers_every_question_as_the_cold_start(knowledge: Path, tmp_path: Path) -> None:
    cold, was_warm = load_engine(knowledge, tmp_path / "cache")
    warm, is_warm = load_engine(knowledge, tmp_path / "cache")
    assert (was_warm, is_warm) == (False, True)
    for question in questions():
        a, b = cold.ask(question), warm.ask(question)
        assert (b.outcome, b.entry and b.entry.id, b.confidence, b.matched_question, b.suggestions) == (
            a.outcome,
            a.entry and a.entry.id,
            a.confidence,
            a.matched_question,
            a.suggestions,
        ), question
    assert warm.kb == cold.kb
    assert warm.quote("Greer") == cold.quote("Greer")


def test_an_edited_or_added_file_means_a_cold_start(knowledge: Path, tmp_path: Path) -> None:
    load_engine(knowledge, tmp_path / "cache")
    entries = sorted((knowledge / "entries").glob("*.yaml"))[0]
    entries.write_text(entries.read_text() + "\n# a curator's note\n")
    _, warm = load_engine(knowledge, tmp_path / "cache")
    assert not warm
    (knowledge / "notes.txt").write_text("anything")
    _, warm = load_engine(knowledge, tmp_path / "cache")
    assert not warm
    assert len(list((tmp_path / "cache").glob("*.engine"))) == 1  # one knowledge base, one cache file


def test_a_damaged_cache_file_means_a_cold_start_not_a_crash(knowledge: Path, tmp_path: Path) -> None:
    load_engine(knowledge, tmp_path / "cache")
    (cached,) = (tmp_path / "cache").glob("*.engine")
    cached.write_bytes(cached.read_bytes()[: len(cached.read_bytes()) // 2])
    engine, warm = load_engine(knowledge, tmp_path / "cache")
    assert not warm
    assert engine.ask("which company walked away from facial recognition first?").answered


def test_an_edit_that_keeps_the_files_size_and_modification_time_means_a_cold_start(
    knowledge: Path, tmp_path: Path
) -> None:
    load_engine(knowledge, tmp_path / "cache")
    entries = sorted((knowledge / "entries").glob("*.yaml"))[0]
    before = entries.stat()
    text = entries.read_text(encoding="utf-8")
    edited = text.replace("a", "o", 1)
    assert edited != text and len(edited.encode()) == len(text.encode())
    entries.write_text(edited, encoding="utf-8")
    os.utime(entries, ns=(before.st_atime_ns, before.st_mtime_ns))  # as a copy tool that keeps times does
    _, warm = load_engine(knowledge, tmp_path / "cache")
    assert not warm


def test_a_stamped_start_reads_no_knowledge_file(
    knowledge: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "RACY_SECONDS", 0.0)  # as if the files had been copied long ago
    load_engine(knowledge, tmp_path / "cache")

    def no_reading(directory: Path) -> None:
        raise AssertionError("the knowledge files were read although their sizes and times were stamped")

    monkeypatch.setattr(cache, "folder_digest", no_reading)
    _, warm = load_engine(knowledge, tmp_path / "cache")
    assert warm


def test_a_file_changed_this_very_moment_gets_no_stamp(knowledge: Path, tmp_path: Path) -> None:
    load_engine(knowledge, tmp_path / "cache")
    load_engine(knowledge, tmp_path / "cache")
    assert not list((tmp_path / "cache").glob(f"*{cache.STAMP_SUFFIX}"))  # its files were copied just now


def test_a_warm_engines_entries_read_as_the_cold_ones_in_the_same_order(knowledge: Path, tmp_path: Path) -> None:
    cold, _ = load_engine(knowledge, tmp_path / "cache")
    warm, _ = load_engine(knowledge, tmp_path / "cache")
    first = next(iter(cold.kb.entries))
    assert warm.kb.entries[first] == cold.kb.entries[first]  # one read, before any walk over them all
    assert list(warm.kb.entries) == list(cold.kb.entries)
    assert list(warm.kb.entries.values()) == list(cold.kb.entries.values())
    assert len(warm.kb.entries) == len(cold.kb.entries) and first in warm.kb.entries
    assert "no-such-entry" not in warm.kb.entries and warm.kb.entries.get("no-such-entry") is None
    with pytest.raises(KeyError):
        warm.kb.entries["no-such-entry"]
    plain = pickle.loads(pickle.dumps(warm.kb.entries))  # noqa: S301 - just written
    assert type(plain) is dict and plain == dict(cold.kb.entries)  # a plain dict anywhere else


def test_a_warm_engine_cached_again_opens_as_the_first(knowledge: Path, tmp_path: Path) -> None:
    cold, _ = load_engine(knowledge, tmp_path / "cache")
    warm, _ = load_engine(knowledge, tmp_path / "cache")
    next(iter(warm.kb.entries.values()))  # one entry already unpickled
    copy = tmp_path / "again.engine"
    with copy.open("wb") as handle:
        cache.dump(warm, handle)
    again = cache.open_engine(copy)
    assert again is not None and again.kb == cold.kb


def test_entry_ids_are_found_by_their_text_even_when_two_share_a_checksum() -> None:
    # "plumless" and "buckeroo" have the same CRC-32: the table must tell them apart by their text.
    strings = ["alpha-1", "plumless", "naïve-café", "buckeroo", "z"]
    ids = Ids.of(strings)
    assert list(ids) == strings and len(ids) == 5 and ids[-1] == "z" and ids[1:3] == strings[1:3]
    assert [ids.find(s) for s in strings] == [0, 1, 2, 3, 4]
    assert ids.find("buckeroo ") is None and ids.find("") is None
    with pytest.raises(IndexError):
        ids[5]
    again = pickle.loads(pickle.dumps(ids))  # noqa: S301 - just written
    assert list(again) == strings and again.find("buckeroo") == 3
