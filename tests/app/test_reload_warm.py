"""After a reload, the first reader's question finds the new engine ready: what it would build on first use
was built before the swap, and the collector leaves the new engine alone."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from stories.conftest import two_stories

from bot.answering import Engine, acronyms, stories
from bot.answering.cache import open_stories
from bot.app.live_engine import EngineHolder, LibraryHolder
from bot.knowledge import bundled_knowledge_dir, load_knowledge

ACRONYM = "what does QZX stand for?"  # the first such question reads the whole base for its acronym table


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()


def _edit(folder: Path) -> None:
    entries = sorted((folder / "entries").glob("*.yaml"))[0]
    entries.write_text(entries.read_text(encoding="utf-8") + "\n# a curator's note\n", encoding="utf-8")


def _nothing_built_on_first_use(monkeypatch: pytest.MonkeyPatch) -> None:
    def built_in_a_question(*_: object) -> None:
        raise AssertionError("a reader's question built a table of the whole knowledge base")

    monkeypatch.setattr(acronyms, "counted_table", built_in_a_question)
    monkeypatch.setattr(stories, "_marks", built_in_a_question)


@pytest.mark.parametrize("worker", [False, True], ids=["thread", "worker process"])
async def test_the_first_question_after_a_reload_builds_nothing(
    worker: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    knowledge = Path(shutil.copytree(bundled_knowledge_dir(), tmp_path / "kb"))
    holder = EngineHolder(Engine(load_knowledge(knowledge)), knowledge)  # no cache written: nothing built for it
    holder.worker_min_bytes = 0 if worker else 2**40
    _edit(knowledge)
    assert (await holder.reload()).changed
    _nothing_built_on_first_use(monkeypatch)
    holder.engine.ask(ACRONYM)
    assert not any(o is holder.engine for o in gc.get_objects())  # frozen: no collection walks it


async def test_the_first_question_after_a_library_reload_routes_without_reading_every_story(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = two_stories(tmp_path / "stories")
    library = LibraryHolder(open_stories(directory, None), directory)
    library.holders[library.stories.default].worker_min_bytes = 2**40
    library.stories.ask("what happened?")  # the router as it was before the reload has read its stories
    _edit(library.default.directory())
    assert (await library.reload()).changed
    _nothing_built_on_first_use(monkeypatch)
    assert library.stories.ask("what happened?") is not None
