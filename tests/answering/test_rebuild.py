"""A rebuild (`Engine(kb, previous=...)`) makes the engine a cold build of the same files makes, reusing the
previous engine as the engine cache holds it: every table the same, and every question answered alike (the
same answer, entry and confidence), after each kind of edit a curator makes and after one edit upon another."""

from __future__ import annotations

import copy
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from engine_state import differences, engine_state

from bot.answering import Engine, entry_index
from bot.answering.engine_file import dump, load
from bot.answering.evaluation import load_cases
from bot.answering.index import Index
from bot.answering.rebuild_plan import why_not_reused
from bot.benchmark import _stopwords
from bot.benchmark.data import generate
from bot.knowledge import KnowledgeBase, bundled_knowledge_dir, load_knowledge
from bot.knowledge.model import Entry

EVAL = Path(__file__).parents[1] / "eval"
QUESTIONS = [case.question for name in ("questions", "blind", "discord") for case in load_cases(EVAL / f"{name}.yaml")]

Edit = Callable[[Path], None]


def _read(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _write(path: Path, data: Any) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _first_entries(kb: Path) -> Path:
    return sorted((kb / "entries").glob("*.yaml"))[0]


def _rephrase(kb: Path) -> None:
    path = _first_entries(kb)
    data = _read(path)
    data["entries"][0]["questions"][0] = "what did the zebra crossing campaign ask for?"
    _write(path, data)


def _add_entry(kb: Path) -> None:
    path = _first_entries(kb)
    data = _read(path)
    added = copy.deepcopy(data["entries"][1]) | {"id": "added", "questions": ["any word on the quokka parade?"]}
    data["entries"].insert(0, added)
    _write(path, data)


def _remove_entry(kb: Path) -> None:
    path = _first_entries(kb)
    data = _read(path)
    del data["entries"][0]
    _write(path, data)


def _move_entry(kb: Path) -> None:
    first, *_, last = sorted((kb / "entries").glob("*.yaml"))
    data, other = _read(first), _read(last)
    other["entries"].append(data["entries"].pop(0))
    _write(first, data)
    _write(last, other)


def _people(change: Callable[[list[dict[str, Any]]], None]) -> Edit:
    def edit(kb: Path) -> None:
        data = _read(kb / "people.yaml")
        change(data["people"])
        _write(kb / "people.yaml", data)

    return edit


def _new_role(people: list[dict[str, Any]]) -> None:
    people[0]["role"] = "campaign director"


def _new_alias(people: list[dict[str, Any]]) -> None:
    people[0]["aliases"] = [*people[0].get("aliases", []), "Evie"]


def _new_person(people: list[dict[str, Any]]) -> None:
    # Another holder of the first person's role: that role no longer names one person.
    first = people[0]
    people.append(
        {"id": "dana-whitfield", "name": "Dana Whitfield", "kind": "person", "aliases": ["Whitfield"]}
        | {"role": first["role"], "affiliation": first["affiliation"]}
    )


EDITS: dict[str, Edit] = {
    "a phrasing changed": _rephrase,
    "an entry added": _add_entry,
    "an entry removed": _remove_entry,
    "an entry moved to another file": _move_entry,
    "people.yaml: a role changed": _people(_new_role),
    "people.yaml: an alias added": _people(_new_alias),
    "people.yaml: a person added": _people(_new_person),
}


def as_cached(engine: Engine, folder: Path) -> Engine:
    """The engine as the engine cache holds it: written, and opened from the file."""
    path = folder / f"{random.getrandbits(32)}.engine"
    with path.open("wb") as handle:
        dump(engine, handle)
    with path.open("rb") as handle:
        opened = load(handle)
    assert isinstance(opened, Engine)
    return opened


@pytest.fixture
def story(tmp_path: Path) -> Path:
    return Path(shutil.copytree(bundled_knowledge_dir(), tmp_path / "kb"))


def rebuilt(kb: KnowledgeBase, previous: Engine) -> Engine:
    """`Engine(kb, previous=previous)`, which must not fall back on a cold build."""

    def cold(_: Index) -> None:
        raise AssertionError("the rebuild fell back on a cold build")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Index, "_build_index", cold)
        return Engine(kb, previous=previous)


def _rebuilt_and_cold(kb: Path, previous: Engine) -> tuple[Engine, Engine]:
    edited = load_knowledge(kb)
    return rebuilt(edited, previous), Engine(edited)


@pytest.mark.parametrize("edit", list(EDITS.values()), ids=list(EDITS))
def test_after_an_edit_the_rebuilt_engine_is_the_cold_built_one(edit: Edit, story: Path, tmp_path: Path) -> None:
    previous = as_cached(Engine(load_knowledge(story)), tmp_path)
    edit(story)
    rebuilt, cold = _rebuilt_and_cold(story, previous)
    assert differences(engine_state(rebuilt), engine_state(cold)) == []
    assert [rebuilt.ask(q) for q in QUESTIONS] == [cold.ask(q) for q in QUESTIONS]


def test_edit_upon_edit_each_rebuilt_from_the_last_stays_the_cold_built_engine(story: Path, tmp_path: Path) -> None:
    previous = as_cached(Engine(load_knowledge(story)), tmp_path)
    for name in ("a phrasing changed", "people.yaml: an alias added", "an entry removed", "an entry added"):
        EDITS[name](story)
        rebuilt, cold = _rebuilt_and_cold(story, previous)
        assert differences(engine_state(rebuilt), engine_state(cold)) == [], name
        previous = as_cached(rebuilt, tmp_path)
    assert [rebuilt.ask(q) for q in QUESTIONS] == [cold.ask(q) for q in QUESTIONS]


def test_the_bench_questions_are_answered_as_by_a_cold_build(tmp_path: Path) -> None:
    kb = tmp_path / "bench"
    generated = generate(kb, 300, stopwords=_stopwords())
    previous = as_cached(Engine(load_knowledge(kb)), tmp_path)
    path = _first_entries(kb)
    path.write_text(
        path.read_text(encoding="utf-8").replace("  questions:\n", "  questions:\n  - what changed overnight?\n", 1),
        encoding="utf-8",
    )
    _people(lambda people: people[0].update(role="budget director"))(kb)
    rebuilt, cold = _rebuilt_and_cold(kb, previous)
    questions = [q.text for q in generated.questions]
    assert [rebuilt.ask(q) for q in questions] == [cold.ask(q) for q in questions]
    assert differences(engine_state(rebuilt), engine_state(cold)) == []


def test_an_edit_to_one_entry_indexes_that_entry_alone(
    story: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    previous = as_cached(Engine(load_knowledge(story)), tmp_path)
    path = _first_entries(story)
    data = _read(path)
    edited = data["entries"][3]
    edited["questions"].append(f"{edited['questions'][0].rstrip('?')} now?")
    _write(path, data)
    indexed: list[str] = []
    add = entry_index.EntryIndexer.add

    def counted(indexer: entry_index.EntryIndexer, number: int, entry: Entry) -> None:
        indexed.append(entry.id)
        add(indexer, number, entry)

    monkeypatch.setattr(entry_index.EntryIndexer, "add", counted)
    rebuilt(load_knowledge(story), previous)
    assert indexed == [edited["id"]]


def test_an_engine_of_other_code_or_another_vocabulary_is_not_reused(
    story: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = load_knowledge(story)
    previous = as_cached(Engine(kb), tmp_path)
    assert why_not_reused(previous, kb) is None
    vocabulary = _read(story / "vocabulary.yaml")
    vocabulary["vocabulary"][0]["words"].append("hush-hush")
    _write(story / "vocabulary.yaml", vocabulary)
    assert why_not_reused(previous, load_knowledge(story)) == "the story's vocabulary changed"
    monkeypatch.setattr("bot.answering.reusable.code_digest", lambda: b"other code")
    assert why_not_reused(previous, kb) == "the previous engine was built by other code"
    # Handed one anyway, the engine is built cold: the same engine.
    assert differences(engine_state(Engine(kb, previous=previous)), engine_state(Engine(kb))) == []


def test_an_engine_built_here_serves_as_the_previous_one_too(story: Path) -> None:
    previous = Engine(load_knowledge(story))  # not through the cache: its entries are compared by value
    _rephrase(story)
    rebuilt_engine, cold = _rebuilt_and_cold(story, previous)
    assert differences(engine_state(rebuilt_engine), engine_state(cold)) == []
