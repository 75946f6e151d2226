"""A terse chat question ("bridge cost?", "council vote?") is read as the question it stands for."""

from __future__ import annotations

import pytest

from bot.answering.normalize import ENGLISH, Vocabulary
from bot.answering.terse import asked_in_full


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("new bridge cost", "how much new bridge cost"),
        ("ticket prices", "how much ticket prices"),
        ("council vote", "how council vote"),
        ("repair bill total", "how much repair bill total"),
    ],
)
def test_a_terse_question_gets_its_question_word(typed: str, meant: str) -> None:
    assert asked_in_full(typed, ENGLISH) == meant


@pytest.mark.parametrize(
    "kept",
    [
        "how much did the bridge cost",  # already a question
        "what was the council vote",
        "did the council vote",
        "cost",  # one word says nothing of what is asked about
        "the plan would raise what residents pay in fees and cost",  # too long to be terse
        "hearing date",  # "when hearing" meets the lawsuit as well as the hearing
    ],
)
def test_a_question_or_a_longer_text_is_left_alone(kept: str) -> None:
    assert asked_in_full(kept, ENGLISH) == kept


def test_a_terse_question_meets_the_phrasing_that_asks_it() -> None:
    english = Vocabulary()
    assert english.words("bridge cost?") == english.words("how much bridge cost")
    assert "how-many" in english.words("Bridge cost?")
