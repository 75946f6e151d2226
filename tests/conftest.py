"""Fixtures shared by the whole suite: the engines over the shipped story and over a library of two
stories, and for the tests that run the `storybot` command in-process (test_cli, test_cli_start,
test_readme) an empty environment."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from curation_fixtures import kb_dir, record_change, store  # noqa: F401 - offered to every test
from stories.conftest import two_stories

from bot.answering import Engine, stories
from bot.answering.normalize import Vocabulary
from bot.answering.stories import StoryEngines
from bot.cli import common
from bot.knowledge import KnowledgeBase, bundled_knowledge_dir, cross_check, load_knowledge
from bot.knowledge.library import load_library
from bot.knowledge.model import Entry


@pytest.fixture(autouse=True, scope="session")
def own_data_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test writes to the user's own data folder (where engines are cached): the default one is temporary."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg")))
        yield


@pytest.fixture
def cli_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from an empty folder (no `.env`) with no StoryBot settings in the environment."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("STORYBOT_", "DISCORD_")):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def story_engine() -> Engine:
    """The engine over the shipped story, built once for the session: the tests that take it only read it."""
    return Engine(load_knowledge(bundled_knowledge_dir()))


@pytest.fixture(scope="session")
def two_story_engines(tmp_path_factory: pytest.TempPathFactory) -> StoryEngines:
    """Engines over a library of the shipped story and the water story, built once; tests only read them."""
    return StoryEngines.of_library(load_library(two_stories(tmp_path_factory.mktemp("stories"))))


@pytest.fixture
def cli_reuses_engine(monkeypatch: pytest.MonkeyPatch, story_engine: Engine) -> None:
    """The CLI still loads and validates the knowledge every time; only the matcher's index is reused."""

    def engine_for(kb: KnowledgeBase, index_dir: Path | None = None) -> Engine:
        return story_engine if kb.fingerprint == story_engine.kb.fingerprint else Engine(kb, index_dir=index_dir)

    monkeypatch.setattr(common, "Engine", engine_for)
    monkeypatch.setattr(stories, "Engine", engine_for)  # the engines `ask` and `quote` route between


@pytest.fixture
def proofs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the entries whose answers a load proves grounded."""
    proven: list[str] = []
    check = cross_check._check_grounding

    def counted(v: object, grounding: object, ordinal: int, entry: Entry) -> None:
        proven.append(entry.id)
        check(v, grounding, ordinal, entry)  # type: ignore[arg-type]

    monkeypatch.setattr(cross_check, "_check_grounding", counted)
    return proven


@pytest.fixture(scope="module")
def english() -> Vocabulary:
    """General English alone, with no story's words."""
    return Vocabulary()
