"""A later part of a message that leaves out its topic ("... and where?", "what's the new one?") is read as a
question of its own and completed from the part before; a rambling frame around a question is set aside."""

from __future__ import annotations

import pytest

from bot.answering import Engine
from bot.answering.reading import Reader


@pytest.fixture(scope="module")
def reader() -> Reader:
    return Reader()


# (message, its parts as typed)
ELLIPTICAL = [
    ("who's running the new bridge project and where?", ["who's running the new bridge project", "where?"]),
    ("what did the county ban, and for how long?", ["what did the county ban", "for how long?"]),
    ("what's the old speed limit and what's the new one", ["what's the old speed limit", "what's the new one"]),
    ("when did the strike begin and when did it end?", ["when did the strike begin", "when did it end?"]),
    ("who chairs the old board and the new one?", ["who chairs the old board", "the new one?"]),
    (
        "how many trucks does the city own, and on how many routes?",
        ["how many trucks does the city own", "on how many routes?"],
    ),
]


@pytest.mark.parametrize(("message", "parts"), ELLIPTICAL)
def test_an_elliptical_part_is_a_question_of_its_own(reader: Reader, message: str, parts: list[str]) -> None:
    assert list(reader.read(message).parts) == parts


def test_an_elliptical_part_takes_the_topic_of_the_part_before(reader: Reader) -> None:
    assert reader.read("who's running the new bridge project and where?").completed[1] == (
        "where running the new bridge project"
    )
    assert reader.read("what did the county ban, and for how long?").completed[1] == "for how long the county ban"
    assert reader.read("what's the old speed limit and what's the new one").completed[1] == "what's the new speed"
    assert reader.read("when did the strike begin and when did it end?").completed[1] == "when did the strike end"
    assert reader.read("who chairs the old board and the new one?").completed[1] == "who chairs the new one"


def test_a_pronoun_stands_for_what_was_asked_about_not_for_when(reader: Reader) -> None:
    # "it" is the program and the library, not the year or the month they were closed in
    assert "year" not in reader.read("which firm paused the program for a year? which one quit it?").completed[1]
    completed = reader.read("when did the council close the library in march and why did it do that?").completed[1]
    assert "library" in completed
    assert "march" not in completed


@pytest.mark.parametrize(
    "message",
    [
        "who is the mayor and what did she say about the budget?",  # the pronoun is a person: the engine's part
        "how many buses were cut? also what did the union say",  # a topic of its own
        "which stations close and why?",  # one question: its answer gives the reason
    ],
)
def test_a_part_with_a_topic_of_its_own_is_not_completed(reader: Reader, message: str) -> None:
    assert not any(reader.read(message).completed)


def test_and_why_stays_one_question(reader: Reader) -> None:
    assert reader.read("which stations close and why?").parts == ("which stations close and why?",)


@pytest.mark.parametrize(
    ("message", "question"),
    [
        (
            "my sister drives that road every day and she is fuming about it, anyway what i really want to know is "
            "how long the detour will last",
            "how long the detour will last",
        ),
        (
            "i work nights so i only caught half of it on the radio, did the article say how many jobs are going",
            "how many jobs are going",
        ),
        (
            "ok so we were debating this at lunch and all i'm asking is whether the vote was unanimous",
            "did the vote was unanimous",
        ),
    ],
)
def test_a_rambling_frame_around_the_question_is_set_aside(reader: Reader, message: str, question: str) -> None:
    assert reader.read(message).parts == (question,)


def test_the_reply_answers_both_parts_with_the_first_on_top(story_engine: Engine) -> None:
    answer = story_engine.ask("who is the microsoft ceo and the ibm one?")
    assert answer.answered and len(answer.parts) == 2
    assert answer.entry is not None and answer.parts[0].entry == answer.entry
    assert "Nadella" in answer.text
    assert answer.parts[1].answered and answer.parts[1].question == "the ibm one?"


def test_a_rambling_message_is_answered_from_its_question(story_engine: Engine) -> None:
    answer = story_engine.ask(
        "ok so my roommate and i argued about this all night, she thinks it was a pr stunt, anyway what i "
        "really want to know is how many police departments ring works with"
    )
    assert answer.answered and "400" in answer.text
