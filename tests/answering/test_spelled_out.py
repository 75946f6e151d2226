"""What initials stand for: "what does MRHA stand for?" is answered with the story's own spelled-out form,
from a name's alias or a phrase the story writes out, and initials no story spells out are not guessed.
Asked on the small invented Millford story and on the shipped one."""

from __future__ import annotations

import pytest

from bot.answering import Engine, Outcome
from bot.answering.spelled_out import initials_asked


@pytest.mark.parametrize(
    ("question", "entry", "spelled"),
    [
        ("what does MRHA stand for?", "vote", "Millford Regional Housing Authority"),
        ("whats mrha short for", "vote", "Millford Regional Housing Authority"),
        ("MRHA stands for what??", "vote", "Millford Regional Housing Authority"),
        ("what is the full name of the MRHA", "vote", "Millford Regional Housing Authority"),
        ("what does TRF stand for", "relief", "tenant relief fund"),  # the story's own phrase, no one's alias
        ("hey bot what do the letters TRF mean", "relief", "tenant relief fund"),
    ],
)
def test_what_initials_stand_for_is_the_story_s_spelled_out_form(
    millford: Engine, question: str, entry: str, spelled: str
) -> None:
    answer = millford.ask(question)
    assert answer.outcome is Outcome.ANSWERED, answer.text
    assert answer.entry is not None and answer.entry.id == entry
    assert spelled.casefold() in answer.text.casefold()


@pytest.mark.parametrize("question", ["what does QXZ stand for?", "what does the fire chief mean"])
def test_initials_the_story_never_spells_out_are_not_guessed(millford: Engine, question: str) -> None:
    answer = millford.ask(question)
    assert not answer.answered or "stands for" not in answer.text


def test_initials_the_shipped_story_never_spells_out_are_declined(story_engine: Engine) -> None:
    assert not story_engine.ask("what does QXZJ stand for?").answered


@pytest.mark.parametrize(
    ("asked", "letters"),
    [
        ("what does ccwd stand for", "ccwd"),
        ("what is the puc short for", "puc"),
        ("kvpl stands for what", "kvpl"),
        ("what does the ruling mean for tenants", None),
        ("what does he stand for", None),
    ],
)
def test_the_initials_a_question_asks_about(asked: str, letters: str | None) -> None:
    assert initials_asked(asked) == letters
