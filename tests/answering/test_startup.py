"""Start-up: what a front end pays before its first reader (`warm_up`), and what the collector is left with."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from stories.conftest import two_stories

from bot.answering import Engine, general_english
from bot.answering.cache import load_engine
from bot.answering.startup import warm_up
from bot.answering.stories import StoryEngines
from bot.knowledge import bundled_knowledge_dir, grounding, load_knowledge
from bot.knowledge.library import load_library

EVAL = Path(__file__).parents[1] / "eval"


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    """What a test froze goes back to the collector's care afterwards: other tests' objects are not frozen."""
    yield
    gc.unfreeze()


def _tracked(obj: object) -> bool:
    """Whether the cyclic collector still walks `obj` (frozen objects are in none of its generations)."""
    return any(o is obj for o in gc.get_objects())


def _answers(engine: Engine, questions: list[str]) -> list[tuple[object, ...]]:
    return [(a.outcome, a.entry and a.entry.id, a.confidence, a.suggestions) for a in map(engine.ask, questions)]


def test_a_warmed_up_engine_answers_every_question_as_one_that_was_not() -> None:
    questions = [item["q"] for item in yaml.safe_load((EVAL / "questions.yaml").read_text())]
    plain, warmed = (Engine(load_knowledge(bundled_knowledge_dir())) for _ in range(2))
    warm_up(warmed, names=("StoryBot",))
    assert _answers(warmed, questions) == _answers(plain, questions)


def test_warm_up_reads_the_word_lists_a_first_question_would_read() -> None:
    general_english._table.cache_clear()
    grounding._english.cache_clear()
    grounding.is_english_word.cache_clear()
    warm_up(Engine(load_knowledge(bundled_knowledge_dir())))
    assert general_english._table.cache_info().currsize == 1
    assert grounding._english.cache_info().currsize == 1


def test_after_warm_up_the_collector_leaves_the_engine_alone() -> None:
    engine = Engine(load_knowledge(bundled_knowledge_dir()))
    assert _tracked(engine)
    warm_up(engine)
    assert not _tracked(engine) and not _tracked(engine.kb)
    assert engine.ask("who is Greer?").answered  # frozen, it answers as before


def test_entries_a_warm_engine_reads_later_are_left_out_of_collections_too(tmp_path: Path) -> None:
    knowledge = Path(shutil.copytree(bundled_knowledge_dir(), tmp_path / "kb"))
    load_engine(knowledge, tmp_path / "cache")
    warm, was_warm = load_engine(knowledge, tmp_path / "cache")
    assert was_warm
    last = list(warm.kb.entries)[-1]  # its blob is not read by an open
    entry = warm.kb.entries[last]
    assert not _tracked(entry) and not _tracked(entry.questions)


def test_warm_up_of_a_library_works_out_which_words_name_each_story(tmp_path: Path) -> None:
    router = StoryEngines.of_library(load_library(two_stories(tmp_path / "stories")))
    warm_up(router)
    assert "_marks" in router.__dict__  # read from every entry of every story: not in a reader's question
    assert not any(_tracked(engine) for engine in router.engines.values())
