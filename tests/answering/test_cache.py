"""The engine cache: a warm start answers exactly as a cold one, and any change to the files means a cold start."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.answering.cache import load_engine
from bot.knowledge import bundled_knowledge_dir

EVAL = Path(__file__).parents[1] / "eval"


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    return Path(shutil.copytree(bundled_knowledge_dir(), tmp_path / "kb"))


def questions() -> list[str]:
    return [
        item["q"] for name in ("questions.yaml", "blind.yaml") for item in yaml.safe_load((EVAL / name).read_text())
    ]


def test_a_warm_start_answers_every_question_as_the_cold_start(knowledge: Path, tmp_path: Path) -> None:
    cold, was_warm = load_engine(knowledge, tmp_path / "cache")
    warm, is_warm = load_engine(knowledge, tmp_path / "cache")
    assert (was_warm, is_warm) == (False, True)
    for question in questions():
        a, b = cold.ask(question), warm.ask(question)
        assert (b.outcome, b.entry and b.entry.id, b.confidence, b.matched_question, b.suggestions) == (
            a.outcome,
            a.entry and a.entry.id,
            a.confidence,
            a.matched_question,
            a.suggestions,
        ), question
    assert warm.kb == cold.kb
    assert warm.quote("Greer") == cold.quote("Greer")


def test_an_edited_or_added_file_means_a_cold_start(knowledge: Path, tmp_path: Path) -> None:
    load_engine(knowledge, tmp_path / "cache")
    entries = sorted((knowledge / "entries").glob("*.yaml"))[0]
    entries.write_text(entries.read_text() + "\n# a curator's note\n")
    _, warm = load_engine(knowledge, tmp_path / "cache")
    assert not warm
    (knowledge / "notes.txt").write_text("anything")
    _, warm = load_engine(knowledge, tmp_path / "cache")
    assert not warm
    assert len(list((tmp_path / "cache").glob("*.engine"))) == 1  # one knowledge base, one cache file


def test_a_damaged_cache_file_means_a_cold_start_not_a_crash(knowledge: Path, tmp_path: Path) -> None:
    load_engine(knowledge, tmp_path / "cache")
    (cached,) = (tmp_path / "cache").glob("*.engine")
    cached.write_bytes(cached.read_bytes()[: len(cached.read_bytes()) // 2])
    engine, warm = load_engine(knowledge, tmp_path / "cache")
    assert not warm
    assert engine.ask("which company walked away from facial recognition first?").answered
