"""The tantivy first stage: analysed terms in, (doc id, BM25 score) out, and a warm index on disk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.answering.cache import content_key
from bot.answering.tantivy_index import RetrievalIndex, index_key

DOCS = [
    (10, "flood insur @ada-brandel"),
    (20, "flood river bill"),
    (30, "river bridg close"),
    (40, "paus contract @vaskor-lab"),
]


@pytest.fixture
def index(tmp_path: Path) -> RetrievalIndex:
    return RetrievalIndex.build(tmp_path / "index", DOCS)


def test_the_doc_sharing_the_rarest_terms_comes_first_with_the_callers_id(index: RetrievalIndex) -> None:
    hits = index.search(["flood", "insur"], 10)
    assert [doc for doc, _ in hits] == [10, 20]
    assert hits[0][1] > hits[1][1] > 0


def test_doc_ids_are_the_searchs_docs_in_its_order(index: RetrievalIndex) -> None:
    for terms in (["flood", "insur"], ["river", "bridg"], ["two words"], []):
        assert index.doc_ids(terms, 3) == [doc for doc, _ in index.search(terms, 3)]
    assert index.doc_ids(["river", "bridg"], 3)[0] == 30


def test_terms_are_matched_as_given_not_analysed_again(index: RetrievalIndex) -> None:
    assert [doc for doc, _ in index.search(["@ada-brandel"], 10)] == [10]
    assert index.search(["Flood"], 10) == []  # no lower-casing: the engine's analysis is the only one
    assert index.search(["contracts"], 10) == []  # no stemming either


def test_limit_and_empty_questions(index: RetrievalIndex) -> None:
    assert len(index.search(["flood", "river"], 2)) == 2
    assert index.search([], 10) == []
    assert index.search(["", "  "], 10) == []
    assert index.search(["flood"], 0) == []


def test_a_build_that_fails_leaves_nothing_where_a_reader_would_look(tmp_path: Path) -> None:
    def failing() -> Iterator[tuple[int, str]]:
        yield DOCS[0]
        raise OSError("the knowledge files went away")

    with pytest.raises(OSError, match="went away"):
        RetrievalIndex.build(tmp_path / "bad", failing())
    assert list(tmp_path.iterdir()) == []  # neither the index nor its scratch directory


def test_open_or_build_is_warm_the_second_time_and_keeps_one_index(tmp_path: Path) -> None:
    root = tmp_path / "retrieval"
    first, warm = RetrievalIndex.open_or_build(root, "key-a", lambda: DOCS)
    assert not warm and first.doc_count == len(DOCS)

    def must_not_build() -> list[tuple[int, str]]:
        raise AssertionError("a warm index was rebuilt")

    second, warm = RetrievalIndex.open_or_build(root, "key-a", must_not_build)
    assert warm
    assert second.search(["bridg"], 5) == first.search(["bridg"], 5)
    RetrievalIndex.open_or_build(root, "key-b", lambda: DOCS[:1])
    assert sorted(p.name for p in root.iterdir()) == ["key-b"]


def test_a_damaged_index_is_rebuilt(tmp_path: Path) -> None:
    root = tmp_path / "retrieval"
    RetrievalIndex.open_or_build(root, "key", lambda: DOCS)
    (root / "key" / "meta.json").write_text("not json", encoding="utf-8")
    rebuilt, warm = RetrievalIndex.open_or_build(root, "key", lambda: DOCS)
    assert not warm
    assert [doc for doc, _ in rebuilt.search(["bridg"], 5)] == [30]
    assert [p.name for p in root.iterdir()] == ["key"]  # nothing of the damaged one is left beside it


def test_an_index_in_memory_answers_as_one_on_disk(index: RetrievalIndex) -> None:
    memory = RetrievalIndex.in_memory(DOCS)
    assert memory.path is None and memory.doc_count == len(DOCS)
    for terms in (["flood", "insur"], ["river"], ["@vaskor-lab", "bill"]):
        assert memory.search(terms, 10) == index.search(terms, 10)
    assert memory.doc_freq("flood") == 2 and memory.doc_freq("absent") == 0


def test_the_key_follows_the_knowledge_files(tmp_path: Path) -> None:
    (tmp_path / "entries.yaml").write_text("entries: []\n", encoding="utf-8")
    before = index_key(content_key(tmp_path))
    assert index_key(content_key(tmp_path)) == before
    (tmp_path / "entries.yaml").write_text("entries: [] # edited\n", encoding="utf-8")
    assert index_key(content_key(tmp_path)) != before
