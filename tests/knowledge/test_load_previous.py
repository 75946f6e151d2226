"""A reload's load (`load_knowledge(..., previous=...)`) proves grounded again only the entries of files that
changed, when every source, person and quote is as it was; what it loads, and every problem it reports, are
those of a load without it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeError, bundled_knowledge_dir, load_knowledge
from bot.knowledge.fields import check_mapping
from bot.knowledge.problems import _Record

SOURCE = Path("sources") / "tech-police-surveillance-2020.txt"


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    return Path(shutil.copytree(bundled_knowledge_dir(), tmp_path / "kb"))


def _first_entries(knowledge: Path) -> Path:
    return sorted((knowledge / "entries").glob("*.yaml"))[0]


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(knowledge: Path, previous: object = None) -> str:
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(knowledge, previous=previous)  # type: ignore[arg-type]
    return str(raised.value)


def _ids_in(path: Path) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {line.split("id:", 1)[1].strip() for line in lines if line.lstrip().startswith("- id:")}


def test_only_the_entries_of_an_edited_file_are_proven_again(knowledge: Path, proofs: list[str]) -> None:
    before = load_knowledge(knowledge)
    assert len(proofs) == len(before.entries)
    edited = _first_entries(knowledge)
    _replace(edited, "      - What is Fight for the Future?\n", "      - What is the Fight for the Future group?\n")
    proofs.clear()
    loaded = load_knowledge(knowledge, previous=before)
    assert set(proofs) == _ids_in(edited) and len(proofs) < len(before.entries)
    cold = load_knowledge(knowledge)
    assert loaded == cold and loaded.file_digests == cold.file_digests != before.file_digests


def test_an_edit_that_breaks_grounding_is_reported_as_without_the_previous_base(knowledge: Path) -> None:
    before = load_knowledge(knowledge)
    _replace(
        _first_entries(knowledge), "is a digital advocacy nonprofit;", "is a digital advocacy nonprofit of 300 staff;"
    )
    assert "300" in _problems(knowledge, before)
    assert _problems(knowledge, before) == _problems(knowledge)


def test_a_changed_source_proves_every_entry_again(knowledge: Path, proofs: list[str]) -> None:
    before = load_knowledge(knowledge)
    _replace(knowledge / SOURCE, "deputy director of the digital advocacy nonprofit", "deputy head of the nonprofit")
    proofs.clear()
    message = _problems(knowledge, before)
    assert set(proofs) - _ids_in(_first_entries(knowledge))  # entries of files as they were, proven again
    assert "not word for word in the source" in message and message == _problems(knowledge)


def test_a_quote_gone_that_an_unchanged_entry_cites_is_reported(knowledge: Path) -> None:
    before = load_knowledge(knowledge)
    quotes = knowledge / "quotes.yaml"
    text = quotes.read_text(encoding="utf-8")
    start = text.index("  - id: greer-both-ways")
    quotes.write_text(text[:start] + text[text.index("  - id:", start + 1) :], encoding="utf-8")
    message = _problems(knowledge, before)
    assert "greer-both-ways" in message and message == _problems(knowledge)


def test_only_an_edited_file_is_checked_field_by_field_and_its_mistakes_are_reported_alike(
    knowledge: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = load_knowledge(knowledge)
    edited = _first_entries(knowledge)
    _replace(edited, "    questions:\n", "    qestions: [a misspelt field]\n    questions:\n")
    checked: list[int] = []

    def counted(v: object, rec: _Record, *rest: object) -> bool:
        checked.append(rec.file)
        return check_mapping(v, rec, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr("bot.knowledge.loader.check_mapping", counted)
    message = _problems(knowledge, before)
    assert "unknown field `qestions`" in message and message == _problems(knowledge)
    checked.clear()
    _problems(knowledge, before)
    assert len(set(checked)) == 1  # the edited file's records only
