"""`storybot train --phrasings N`: the fit learns from each story only as sparse as N phrasings an entry."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from bot.answering import Engine
from bot.answering.decision import Decision
from bot.answering.training import Story, copies, story_samples
from bot.cli import main
from bot.knowledge import bundled_knowledge_dir, load_knowledge

STORIES = Path(__file__).parents[1] / "eval" / "stories"
WATER = STORIES / "water"  # two phrasings an entry, a few with three


def test_a_richly_curated_story_is_learnt_from_as_curated_and_cut_unless_asked_for_sparse_copies_only() -> None:
    kb = load_knowledge(bundled_knowledge_dir())  # ten or more phrasings an entry
    assert copies(kb) == [None, 3, 2]
    assert copies(kb, phrasings=3) == [3, 2]
    assert copies(kb, phrasings=2) == [2]


def test_a_story_already_that_sparse_is_learnt_from_once_as_curated() -> None:
    kb = load_knowledge(WATER / "knowledge")
    assert copies(kb) == [None, 2]  # cut to three keeps every phrasing: the story as curated
    assert copies(kb, phrasings=3) == [None, 2]
    assert copies(kb, phrasings=2) == [2]
    assert copies(load_knowledge(Path(__file__).parent / "riverton"), phrasings=2) == [None]


def test_train_with_phrasings_writes_a_decision_that_answers_and_declines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("scipy")
    out = tmp_path / "decision.json"
    story = ["--kb", str(WATER / "knowledge"), str(WATER / "questions.yaml")]
    assert main(["train", *story, "--phrasings", "2", "--out", str(out)]) == 0
    assert "decision written" in capsys.readouterr().out
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["fitted_on"]["phrasings"] == 2
    engine = Engine(load_knowledge(WATER / "knowledge"), Decision.from_json(written))
    answered = engine.ask("how much is the deal with aquanova worth??").entry
    assert answered is not None and answered.id == "desalination-contract"
    assert engine.ask("what is the weather on mars?").entry is None


def test_train_phrasings_below_one_is_bad_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    story = ["--kb", str(WATER / "knowledge"), str(WATER / "questions.yaml")]
    assert main(["train", *story, "--phrasings", "0", "--out", str(tmp_path / "d.json")]) == 2
    assert "--phrasings" in capsys.readouterr().err
    assert not (tmp_path / "d.json").exists()


def test_the_curated_weight_sets_how_much_the_story_as_curated_counts_beside_its_cut_copies() -> None:
    story = Story(WATER / "knowledge", (WATER / "questions.yaml",))
    found = story_samples(story, random.Random(0), curated=0.5)  # noqa: S311 - repeatable, not a secret
    weights = {(s.source, s.weight) for s in found if s.source in ("off-topic", "cut phrasing")}
    assert weights == {("off-topic", 0.5), ("cut phrasing", 1.0)}  # off-topic questions go with the curated copy


def test_a_negative_curated_weight_is_bad_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    story = ["--kb", str(WATER / "knowledge"), str(WATER / "questions.yaml")]
    assert main(["train", *story, "--curated-weight", "-1", "--out", str(tmp_path / "d.json")]) == 2
    assert "--curated-weight" in capsys.readouterr().err
