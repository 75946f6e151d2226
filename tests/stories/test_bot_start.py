"""Starting the bot over a library of stories keeps each story's built engine for a warm start next time."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bot.answering import Engine, cache
from bot.answering.stories import StoryEngines
from bot.cli import common, running
from bot.knowledge import KnowledgeBase
from bot.settings import Settings


def _start(library: Path, data: Path) -> StoryEngines | None:
    args = argparse.Namespace(kb=library, story=None)
    return running._bot_engines(args, Settings(knowledge_dir=library, data_dir=data))[1]


def test_a_second_start_of_a_library_builds_no_engine(
    library_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _start(library_dir, tmp_path / "data")
    assert first is not None and sorted(first.refs) == ["police-surveillance", "water"]
    for story in first.refs:
        folder = Path(first.engine(story).kb.directory)
        assert list(cache.cache_folder(tmp_path / "data", folder).glob("*.engine")), story

    def no_building(*_: object) -> None:
        raise AssertionError("the library was loaded to build its engines although their cache was warm")

    monkeypatch.setattr(cache, "load_library", no_building)
    second = _start(library_dir, tmp_path / "data")
    assert second is not None
    for story, engine in second.engines.items():
        assert engine.kb.fingerprint == first.engine(story).kb.fingerprint
        assert engine.ask("what is the contract worth?").story is None  # an engine is a story's own, unlabelled


def test_after_an_edit_to_one_story_only_that_story_is_built_again(
    library_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _start(library_dir, tmp_path / "data")
    assert first is not None
    water = Path(first.engine("water").kb.directory)
    edited = sorted(water.rglob("*.yaml"))[-1]
    edited.write_text(edited.read_text(encoding="utf-8") + "\n# a curator's note\n", encoding="utf-8")
    built: list[str] = []

    def counting(kb: KnowledgeBase, index_dir: Path | None = None) -> Engine:
        built.append(Path(kb.directory).name)
        return Engine(kb, index_dir=index_dir)

    monkeypatch.setattr(common, "Engine", counting)
    second = _start(library_dir, tmp_path / "data")
    assert second is not None and built == [water.name]
    assert second.engine("police-surveillance").kb.fingerprint == first.engine("police-surveillance").kb.fingerprint
