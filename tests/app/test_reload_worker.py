"""A reload of a large knowledge base builds in a worker process and swaps the new engine in whole: the edit
is live when the reload returns, a broken edit keeps the old engine and says why, and what the worker
built is the next start's warm cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.answering import Engine, cache
from bot.app import live_engine
from bot.app.live_engine import EngineHolder
from bot.knowledge import KnowledgeError, bundled_knowledge_dir, load_knowledge

QUESTION = "which company walked away from facial recognition first?"


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    return Path(shutil.copytree(bundled_knowledge_dir(), tmp_path / "kb"))


def in_a_worker(holder: EngineHolder) -> EngineHolder:
    holder.worker_min_bytes = 0  # the bundled story is small; treat it as a large one
    return holder


async def test_an_edit_is_live_when_a_worker_reload_returns_and_the_next_start_is_warm(
    knowledge: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    holder = in_a_worker(EngineHolder(Engine(load_knowledge(knowledge)), knowledge, data_dir=tmp_path / "data"))
    entries = sorted((knowledge / "entries").glob("*.yaml"))[0]
    entries.write_text(entries.read_text(encoding="utf-8") + "\n# a curator's note\n", encoding="utf-8")

    def not_here(*_: object) -> None:
        raise AssertionError("the knowledge base was built in the bot's own process")

    monkeypatch.setattr(live_engine, "load_knowledge", not_here)
    monkeypatch.setattr(live_engine, "Engine", not_here)
    reloaded = await holder.reload()
    on_disk = load_knowledge(knowledge).fingerprint
    assert reloaded.changed and reloaded.current.fingerprint == on_disk
    assert holder.version == 1 and holder.engine.kb.fingerprint == on_disk
    assert holder.engine.ask(QUESTION).answered
    engine, warm = cache.load_engine(knowledge, cache.cache_folder(tmp_path / "data", knowledge))
    assert warm and engine.kb.fingerprint == on_disk


async def test_a_broken_edit_keeps_the_old_engine_and_says_where_it_is_broken(knowledge: Path, tmp_path: Path) -> None:
    live = Engine(load_knowledge(knowledge))
    holder = in_a_worker(EngineHolder(live, knowledge, data_dir=tmp_path / "data"))
    sources = knowledge / "sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8") + "\nnot: [valid\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as raised:
        await holder.reload()
    with pytest.raises(KnowledgeError) as expected:
        load_knowledge(knowledge)
    assert str(raised.value) == str(expected.value)  # the same problems, lines and columns as a load here
    assert raised.value.problems and raised.value.problems == expected.value.problems
    assert holder.engine is live and holder.version == 0


async def test_an_unchanged_knowledge_base_is_not_swapped(knowledge: Path) -> None:
    live = Engine(load_knowledge(knowledge))
    holder = in_a_worker(EngineHolder(live, knowledge))  # no data directory: the worker hands over a file
    reloaded = await holder.reload(full=True)
    assert not reloaded.changed and holder.engine is live and holder.version == 0
