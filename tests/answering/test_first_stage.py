"""The engine's first stage on tantivy: in memory without a data directory, on disk beside the engine cache,
and the same answers however the engine was made (built, unpickled, reopened or rebuilt)."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest
import yaml

from bot.answering import Engine, retrieval
from bot.answering.cache import load_engine
from bot.answering.tantivy_index import RetrievalIndex
from bot.knowledge import bundled_knowledge_dir, load_knowledge

EVAL = Path(__file__).parents[1] / "eval"


def questions() -> list[str]:
    return [item["q"] for item in yaml.safe_load((EVAL / "questions.yaml").read_text())][:60]


def _answers(engine: Engine) -> list[tuple[object, ...]]:
    return [
        (a.outcome, a.entry and a.entry.id, round(a.confidence, 9), a.suggestions) for a in map(engine.ask, questions())
    ]


@pytest.fixture(scope="module")
def built() -> Engine:
    return Engine(load_knowledge(bundled_knowledge_dir()))


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    return Path(shutil.copytree(bundled_knowledge_dir(), tmp_path / "kb"))


def test_an_engine_without_a_data_directory_keeps_its_index_in_memory_and_survives_pickling(built: Engine) -> None:
    assert built._first_stage.path is None
    again = pickle.loads(pickle.dumps(built))  # noqa: S301 - our own engine; its tantivy handle is rebuilt
    assert again._first_stage is not built._first_stage
    assert _answers(again) == _answers(built)


def test_a_cached_engine_keeps_its_index_beside_the_cache_and_reopens_it_warm(
    built: Engine, knowledge: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    cold, _ = load_engine(knowledge, cache)
    where = cold._first_stage.path
    assert where is not None and where.parent == cache / "retrieval" and (where / "meta.json").is_file()

    def must_not_build(*_: object) -> RetrievalIndex:
        raise AssertionError("a warm engine rebuilt its index")

    monkeypatch.setattr(RetrievalIndex, "build", must_not_build)
    monkeypatch.setattr(RetrievalIndex, "in_memory", must_not_build)
    warm, was_warm = load_engine(knowledge, cache)
    assert was_warm and warm._first_stage.path == where
    assert _answers(warm) == _answers(cold) == _answers(built)


def test_a_warm_engine_whose_index_was_removed_builds_it_again(knowledge: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cold, _ = load_engine(knowledge, cache)
    assert cold._first_stage.path is not None
    shutil.rmtree(cold._first_stage.path)
    warm, was_warm = load_engine(knowledge, cache)
    assert was_warm and warm._first_stage.path is not None and (warm._first_stage.path / "meta.json").is_file()
    assert _answers(warm) == _answers(cold)


def test_an_edit_gives_the_index_a_new_key_and_the_old_one_goes(knowledge: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    before, _ = load_engine(knowledge, cache)
    entries = sorted((knowledge / "entries").glob("*.yaml"))[0]
    entries.write_text(entries.read_text() + "\n# a curator's note\n")
    after, _ = load_engine(knowledge, cache)
    assert after._first_stage.path != before._first_stage.path
    assert [p.name for p in (cache / "retrieval").iterdir()] == [after._first_stage.path.name]  # type: ignore[union-attr]


def test_a_question_of_common_words_only_is_still_gathered_by_its_rarest(
    built: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    question = "which company walked away from facial recognition first?"
    expected = built.ask(question)
    assert expected.answered
    # As in an archive, where every word of the question is in thousands of docs: none would gather.
    monkeypatch.setattr(retrieval, "READ_ALL_DOCS", 0)
    monkeypatch.setattr(retrieval, "MIN_COMMON", 0)
    monkeypatch.setattr(retrieval, "COMMON_SHARE", 0.0)
    answer = built.ask(question)
    assert answer.answered and answer.entry == expected.entry


def test_a_story_read_all_at_once_answers_as_one_gathered_by_tantivy(
    built: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    at_once = _answers(built)
    monkeypatch.setattr(retrieval, "READ_ALL_DOCS", 0)
    assert _answers(built) == at_once


def test_the_shortlist_holds_only_entries_that_share_a_word_with_the_question(built: Engine) -> None:
    analysis = built.analyse("facial recognition paused")
    ids = built._term_id
    query = {ids[t]: t for t in analysis.terms if t in ids}
    shortlist = built._best_phrasings(query, built._weight(analysis.terms))
    assert shortlist and len(shortlist) <= retrieval.SHORTLIST
    scores = [score for _, score, _ in shortlist]
    assert scores == sorted(scores, reverse=True)
    bags = built._bag_offsets, built._bag_terms
    for entry, _, doc in shortlist:
        assert built._doc_entry[doc] == entry
        assert set(bags[1][bags[0][entry] : bags[0][entry + 1]]) & set(query)
