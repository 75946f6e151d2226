"""Files parsed by an earlier reload are validated but not parsed again; any change to a file parses it again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from curation_fixtures import count_yaml_parses

from bot.knowledge import KnowledgeError, bundled_knowledge_dir, load_knowledge
from bot.knowledge.loader import knowledge_files
from bot.knowledge.parsed import SUFFIX, ParsedFiles


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    return Path(shutil.copytree(bundled_knowledge_dir(), tmp_path / "kb"))


def _edit(knowledge: Path) -> Path:
    entries = sorted((knowledge / "entries").glob("*.yaml"))[0]
    entries.write_text(entries.read_text(encoding="utf-8") + "\n# a curator's note\n", encoding="utf-8")
    return entries


def test_a_reload_parses_only_the_file_that_changed_and_loads_the_same_base(
    knowledge: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = len(knowledge_files(knowledge))
    load_knowledge(knowledge, parsed=ParsedFiles(tmp_path / "parsed"))
    parses = count_yaml_parses(monkeypatch)
    again = load_knowledge(knowledge, parsed=ParsedFiles(tmp_path / "parsed"))
    assert parses == []
    edited = _edit(knowledge)
    kept = ParsedFiles(tmp_path / "parsed")
    reloaded = load_knowledge(knowledge, parsed=kept)
    assert parses == [edited.read_text(encoding="utf-8")] and kept.hits == files - 1
    plain = load_knowledge(knowledge)
    assert reloaded == plain and reloaded.fingerprint != again.fingerprint


def test_a_kept_file_that_cannot_be_read_is_parsed_again(knowledge: Path, tmp_path: Path) -> None:
    load_knowledge(knowledge, parsed=ParsedFiles(tmp_path / "parsed"))
    for kept in (tmp_path / "parsed").glob(f"*{SUFFIX}"):
        kept.write_bytes(b"not a pickle")
    assert load_knowledge(knowledge, parsed=ParsedFiles(tmp_path / "parsed")) == load_knowledge(knowledge)


def test_a_broken_edit_is_reported_as_without_kept_files(knowledge: Path, tmp_path: Path) -> None:
    load_knowledge(knowledge, parsed=ParsedFiles(tmp_path / "parsed"))
    sources = knowledge / "sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8") + "\nnot: [valid\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as kept:
        load_knowledge(knowledge, parsed=ParsedFiles(tmp_path / "parsed"))
    with pytest.raises(KnowledgeError) as plain:
        load_knowledge(knowledge)
    assert str(kept.value) == str(plain.value)


def test_after_a_reload_only_the_files_as_they_are_now_are_kept(knowledge: Path, tmp_path: Path) -> None:
    load_knowledge(knowledge, parsed=ParsedFiles(tmp_path / "parsed"))
    before = {p.name for p in (tmp_path / "parsed").glob(f"*{SUFFIX}")}
    _edit(knowledge)
    kept = ParsedFiles(tmp_path / "parsed")
    load_knowledge(knowledge, parsed=kept)
    kept.prune()
    after = {p.name for p in (tmp_path / "parsed").glob(f"*{SUFFIX}")}
    assert len(after) == len(before) == len(knowledge_files(knowledge))
    assert len(before - after) == 1  # the edited file's older bytes
