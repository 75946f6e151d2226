"""Fixtures shared by the whole suite: the engines over the shipped story and over a library of two
stories, and for the tests that run the `storybot` command in-process (test_cli, test_cli_start,
test_readme) an empty environment; for the curation tests a copy of the bundled knowledge folder, a store, and
a moderator's change recorded in its audit trail."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from stories.conftest import two_stories

from bot.answering import Engine, stories
from bot.answering.stories import StoryEngines
from bot.cli import common
from bot.curation.store import STORE_FILE, Store
from bot.knowledge import KnowledgeBase, bundled_knowledge_dir, load_knowledge
from bot.knowledge.library import load_library


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

    def engine_for(kb: KnowledgeBase) -> Engine:
        return story_engine if kb.fingerprint == story_engine.kb.fingerprint else Engine(kb)

    monkeypatch.setattr(common, "Engine", engine_for)
    monkeypatch.setattr(stories, "Engine", engine_for)  # the engines `ask` and `quote` route between


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    """A copy of the bundled knowledge folder for a test to change (without hidden files, an editor's or a
    cache's)."""
    return Path(shutil.copytree(bundled_knowledge_dir(), tmp_path / "kb", ignore=shutil.ignore_patterns(".*")))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A new store where StoryBot keeps it in a data directory of its own (`tmp_path / "data"`)."""
    opened = Store(tmp_path / "data" / STORE_FILE)
    yield opened
    opened.close()


RecordChange = Callable[..., int]  # (store, summary, **any field of the change to set) -> the change's id


@pytest.fixture
def record_change() -> RecordChange:
    """Records a moderator's teach in a store's audit trail, the fields a test does not name filled in."""

    def record(store: Store, summary: str, **fields: Any) -> int:
        change: dict[str, Any] = {
            "at": datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
            "user_id": 1,
            "user_name": "mod",
            "action": "teach",
            "target": "what-is-ring",
            "file": "entries/ring.yaml",
            "before": "a",
            "after": "b",
        }
        return store.record_change(summary=summary, **(change | fields))

    return record
