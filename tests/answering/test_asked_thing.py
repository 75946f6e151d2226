"""The thing a question names as what it asks for (`asked_thing`), and the near misses made from it for fitting
(`near_misses`)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from bot.answering.asked_thing import asked_words
from bot.answering.matcher import Engine
from bot.answering.near_misses import asked_detail_cases
from bot.answering.training import Story, story_samples
from bot.knowledge.text import clean


@pytest.mark.parametrize(
    ("question", "thing"),
    [
        ("how many votes did the budget get on the council", "votes"),
        ("how much damage did the storm do", "damage"),
        ("which hospitals took in the patients", "hospitals"),
        ("what is the utility's annual profit", "profit"),
        ("what was the mayor's salary last year", "salary"),
    ],
)
def test_the_thing_a_question_asks_for_is_found(question: str, thing: str) -> None:
    assert thing in asked_words(clean(question))


@pytest.mark.parametrize(
    "question",
    [
        "what is redlining",  # asks what the word means
        "what is the union trying to do",  # asks what they do
        "which company won the contract",  # a name answers it, whatever the entry calls the company
        "how many miles long is the new line",  # a number answers it
        "how much money did the district save",  # a sum answers it
        "in what context did the firm walk away",  # no thing of its own
        "what's the name of the new school",
    ],
)
def test_a_question_that_names_no_detail_has_no_asked_thing(question: str) -> None:
    assert asked_words(clean(question)) == ()


def test_a_near_miss_asks_of_its_entry_a_thing_it_never_speaks_of(story_engine: Engine) -> None:
    cases = asked_detail_cases(story_engine, random.Random(1))  # noqa: S311 - repeatable, not secret
    assert cases
    assert all(case.expect == "decline" for case in cases)
    for case in cases:
        (thing,) = asked_words(case.question)[:1]
        term = story_engine._term_id.get(story_engine._vocab.term(thing))
        assert term is not None  # a word the story knows: the question looks answerable
    # the same stream gives the same questions: a fit is repeatable
    assert [c.question for c in asked_detail_cases(story_engine, random.Random(1))] == [  # noqa: S311
        c.question for c in cases
    ]


def test_training_learns_from_near_misses_only_when_asked(tmp_path: Path) -> None:
    water = Path(__file__).parents[1] / "eval" / "stories" / "water"
    asked = tmp_path / "questions.yaml"  # a few of the story's questions are enough to fit on
    asked.write_text(yaml.safe_dump(yaml.safe_load((water / "questions.yaml").read_text())[:8]))
    story = Story(water / "knowledge", (asked,))
    plain = story_samples(story, random.Random(1))  # noqa: S311 - repeatable, not secret
    with_near = story_samples(story, random.Random(1), near_misses=0.5)  # noqa: S311
    assert len(with_near) > len(plain)
    extra = [s for s in with_near if s.weight == 0.5]
    assert extra and all(s.expect == "decline" for s in extra)
