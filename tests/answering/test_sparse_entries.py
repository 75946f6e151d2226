"""Entries with two phrasings each (the invented story in `riverton/`): found by what their people are
called and how readers misspell or shorten them, and a decision fitted so that it generalises."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering import Engine, Outcome
from bot.answering import answer_kinds as kinds
from bot.answering.evaluation import Case
from bot.knowledge import load_knowledge

RIVERTON = Path(__file__).parent / "riverton"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_knowledge(RIVERTON))


@pytest.mark.parametrize(
    ("question", "speaker"),
    [
        ("what did the councillor say", "priya-raman"),  # a role of one word that is no one else's
        ("what did the representative say?", "tom-becker"),
        ("what did rahman say", "priya-raman"),  # a surname spelt by ear
        ("wat did okafur say about it", "dana-okafor"),
    ],
)
def test_roles_and_misspelt_names_find_the_quoted_person(engine: Engine, question: str, speaker: str) -> None:
    answer = engine.ask(question)
    assert answer.outcome is Outcome.QUOTES, answer.text
    assert answer.speaker_id == speaker


def test_a_role_inside_another_name_is_not_that_person(engine: Engine) -> None:
    assert engine.analyse("what did the london councillor say").speakers == ()
    assert engine.analyse("what did the councillor say").speakers == ("priya-raman",)


def test_a_clipped_word_is_read_as_the_word_it_shortens(engine: Engine) -> None:
    assert engine.analyse("will elm street get a bookmob").corrections == (("bookmob", "bookmobile"),)
    answer = engine.ask("will elm street get a bookmob?")
    assert answer.answered and answer.entry is not None and answer.entry.id == "bookmobile"


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("how-many staff work there", kinds.NUMBER),
        ("how much money does it save", kinds.NUMBER),
        ("when does the branch close", kinds.TIME),
        ("what year was it built", kinds.TIME),
        ("who broke the tie", kinds.PERSON),
        ("what replaces the branch", 0),
    ],
)
def test_the_kind_of_answer_a_question_asks_for(question: str, asked: int) -> None:
    assert kinds.asked(question) == asked


def test_the_kinds_of_answer_an_entry_gives() -> None:
    assert kinds.given("The council voted 5 to 4 at the end of March.", False) == kinds.NUMBER | kinds.TIME
    assert kinds.given("About eleven staff.", False) == kinds.NUMBER
    assert kinds.given("A bookmobile replaces the branch.", True) == kinds.PERSON


def test_each_part_of_a_message_is_labelled_by_its_own_words(engine: Engine) -> None:
    pytest.importorskip("scipy")
    from bot.answering.training import samples

    case = Case(
        "how did the council vote on the branch, and how much money does closing it save?",
        "answer",
        "multipart",
        mentions=("5 to 4", "310,000"),
    )
    found = samples(engine, [case])
    assert len(found) == 2
    rights = [{e for e, ok in zip(_ids(engine, s.question), s.labels, strict=True) if ok} for s in found]
    assert rights == [{"vote-result"}, {"savings"}]


def _ids(engine: Engine, part: str) -> list[str]:
    return [s.entry_id for s in engine.rank(engine.analyse(part))]


def test_fitted_weights_keep_the_side_their_meaning_gives_them() -> None:
    pytest.importorskip("scipy")
    from bot.answering.training import logistic

    # The first feature goes with the label; the second against it, though its sign says it may only help.
    rows = [(1.0, 1.0), (1.0, 0.0), (0.0, 1.0), (0.0, 0.0)] * 5
    labels = [True, True, False, False] * 5
    labels[0] = labels[4] = False  # ...so that, free, the second feature would learn a negative weight
    free, _ = logistic(rows, labels, (0, 0), 1.0)
    signed, _ = logistic(rows, labels, (1, 1), 1.0)
    assert free[0] > 0 and free[1] < 0
    assert signed[0] > 0 and signed[1] == 0.0
