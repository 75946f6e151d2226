"""A reload parses only the knowledge files that changed since the last one: the others' parsed data is kept
in the data directory, beside the engine cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from curation_fixtures import count_yaml_parses

from bot.answering import Engine
from bot.app.live_engine import EngineHolder
from bot.knowledge import bundled_knowledge_dir, load_knowledge

QUESTION = "which company walked away from facial recognition first?"


@pytest.mark.parametrize("worker", [False, True], ids=["thread", "worker process"])
async def test_a_second_reload_parses_only_the_edited_file(
    worker: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    knowledge = Path(shutil.copytree(bundled_knowledge_dir(), tmp_path / "kb"))
    holder = EngineHolder(Engine(load_knowledge(knowledge)), knowledge, data_dir=tmp_path / "data")
    holder.worker_min_bytes = 0 if worker else 2**40
    entries = sorted((knowledge / "entries").glob("*.yaml"))[0]
    entries.write_text(entries.read_text(encoding="utf-8") + "\n# one note\n", encoding="utf-8")
    assert (await holder.reload()).changed
    parsed = count_yaml_parses(monkeypatch)
    entries.write_text(entries.read_text(encoding="utf-8") + "\n# another note\n", encoding="utf-8")
    reloaded = await holder.reload(full=True)
    if not worker:  # a worker process parses out of this test's sight; what it loads is checked alike
        assert parsed == [entries.read_text(encoding="utf-8")]
    assert reloaded.changed and reloaded.current == load_knowledge(knowledge)
    assert holder.engine.ask(QUESTION).answered
