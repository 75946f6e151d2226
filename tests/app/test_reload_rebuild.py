"""A reload rebuilds the engine from the one the data directory holds for the folder, and says so in a log line;
without a usable one (none yet, unreadable, its search index gone) it builds in full and says why. Either way
the live engine is the one a cold build of the files makes, and a broken edit still changes nothing."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest
from engine_state import differences, engine_state

from bot.answering import Engine
from bot.answering.cache import cache_folder, index_root
from bot.app.live_engine import EngineHolder
from bot.knowledge import KnowledgeError, bundled_knowledge_dir, load_knowledge

QUESTION = "which company walked away from facial recognition first?"
REBUILT = "rebuilding the index from the previous engine's"


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    return Path(shutil.copytree(bundled_knowledge_dir(), tmp_path / "kb"))


def _holder(knowledge: Path, data: Path, *, worker: bool = False) -> EngineHolder:
    holder = EngineHolder(Engine(load_knowledge(knowledge)), knowledge, data_dir=data)
    holder.worker_min_bytes = 0 if worker else 2**40
    return holder


def _ask_more(knowledge: Path, number: int) -> None:
    """A curator's edit: one more phrasing for the first entry of the first file."""
    path = sorted((knowledge / "entries").glob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    first = text.index("questions:") + len("questions:")
    marker = text.index("- ", first)  # the first phrasing's dash, at the list's own indentation
    indent = text[text.rindex("\n", 0, marker) + 1 : marker]
    added = f"- is there an update number {number} on it?\n{indent}"
    path.write_text(text[:marker] + added + text[marker:], encoding="utf-8")


def _reload_log(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bot.app.live_engine" and "index" in r.getMessage()]


def _is_cold_built(engine: Engine, knowledge: Path) -> bool:
    return differences(engine_state(engine), engine_state(Engine(load_knowledge(knowledge)))) == []


async def test_a_reload_after_an_edit_rebuilds_from_the_engine_before_it(
    knowledge: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    holder = _holder(knowledge, tmp_path / "data")
    _ask_more(knowledge, 1)
    assert (await holder.reload()).changed
    _ask_more(knowledge, 2)
    assert (await holder.reload()).changed
    log = _reload_log(caplog)
    assert "building the index in full (no engine in the data directory yet)" in log[0]
    assert REBUILT in log[1]
    assert holder.engine.ask("is there an update number 2 on it?").answered
    assert _is_cold_built(holder.engine, knowledge)


async def test_a_worker_reload_rebuilds_to_the_cold_built_engine(knowledge: Path, tmp_path: Path) -> None:
    holder = _holder(knowledge, tmp_path / "data", worker=True)
    for number in (1, 2):
        _ask_more(knowledge, number)
        assert (await holder.reload()).changed
    assert _is_cold_built(holder.engine, knowledge)


@pytest.mark.parametrize("damage", ["truncated", "search index removed"])
async def test_without_a_usable_previous_engine_a_reload_builds_in_full_and_says_why(
    damage: str, knowledge: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "data"
    holder = _holder(knowledge, data)
    _ask_more(knowledge, 1)
    await holder.reload()
    if damage == "truncated":
        (engine,) = cache_folder(data, knowledge).glob("*.engine")
        engine.write_bytes(engine.read_bytes()[:1000])
        why = "the previous engine could not be read"
    else:
        shutil.rmtree(index_root(data, knowledge))
        why = "the previous engine's search index is gone"
    caplog.set_level(logging.INFO)
    _ask_more(knowledge, 2)
    assert (await holder.reload()).changed
    assert f"building the index in full ({why})" in _reload_log(caplog)[-1]
    assert _is_cold_built(holder.engine, knowledge)


async def test_a_broken_edit_after_a_rebuild_keeps_the_live_engine(knowledge: Path, tmp_path: Path) -> None:
    holder = _holder(knowledge, tmp_path / "data", worker=True)
    _ask_more(knowledge, 1)
    await holder.reload()
    live = holder.engine
    _ask_more(knowledge, 1)  # the same phrasing twice in one entry
    with pytest.raises(KnowledgeError, match="already belongs to this entry"):
        await holder.reload()
    assert holder.engine is live and holder.engine.ask(QUESTION).answered


async def test_an_engine_of_other_code_is_neither_rebuilt_from_nor_trusted_for_its_proofs(
    knowledge: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    proofs: list[str],
) -> None:
    holder = _holder(knowledge, tmp_path / "data")
    _ask_more(knowledge, 1)
    await holder.reload()
    proofs.clear()
    monkeypatch.setattr("bot.answering.reusable.code_digest", lambda: b"other code")
    caplog.set_level(logging.INFO)
    _ask_more(knowledge, 2)
    assert (await holder.reload()).changed
    assert "building the index in full (the previous engine was built by other code)" in _reload_log(caplog)[-1]
    assert len(proofs) == len(holder.engine.kb.entries)  # every answer proven grounded again
