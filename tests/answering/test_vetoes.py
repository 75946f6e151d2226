"""An entry that gives no answer of the kind a question asks for is never the confident answer, however much of
the question's wording it shares. Asked on the small invented Millford story."""

from __future__ import annotations

import pytest

from bot.answering import Engine, Outcome, answer_kinds
from bot.answering.ranking import FEATURES
from bot.answering.vetoes import HELD_AT, held


def test_a_when_question_is_declined_when_the_entry_gives_no_time(millford: Engine) -> None:
    # The vote entry says how the board voted, never when: answering it would be a wrong confident answer.
    answer = millford.ask("when did the board vote on the housing block?")
    assert answer.outcome is Outcome.DECLINED


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("where will the housing block be built?", "site"),  # "On Ash Lane." gives a place
        ("when will construction begin?", "timeline"),
        ("how much will the block cost?", "cost"),
        ("how did the board vote on the housing block?", "vote"),
    ],
)
def test_an_entry_that_gives_the_asked_kind_is_still_answered(millford: Engine, question: str, entry: str) -> None:
    answer = millford.ask(question)
    assert answer.outcome is Outcome.ANSWERED, answer.text
    assert answer.entry is not None and answer.entry.id == entry


@pytest.mark.parametrize(("question", "pronoun"), [("when will it begin?", "it"), ("where will they live?", "they")])
def test_a_pronoun_asked_alone_is_asked_about_not_guessed(millford: Engine, question: str, pronoun: str) -> None:
    # Nothing says what the pronoun stands for: one verb in common with an entry is no ground for an answer.
    answer = millford.ask(question)
    assert answer.outcome is Outcome.DECLINED
    assert f"\u201c{pronoun}\u201d" in answer.text
    assert answer.suggestions


def test_a_question_that_names_its_topic_beside_a_pronoun_is_answered(millford: Engine) -> None:
    answer = millford.ask("when will construction on it begin?")
    assert answer.outcome is Outcome.ANSWERED and answer.entry is not None and answer.entry.id == "timeline"


def test_the_confidence_is_held_only_when_the_asked_kind_is_lacking() -> None:
    lacking = tuple(1.0 if name == "lacks_asked_kind" else 0.0 for name in FEATURES)
    assert held(0.95, lacking) == HELD_AT
    assert held(0.2, lacking) == 0.2
    assert held(0.95, (0.0,) * len(FEATURES)) == 0.95


def test_the_confidence_is_held_below_answering_whatever_the_decision_answers_from() -> None:
    lacking = tuple(1.0 if name == "lacks_asked_kind" else 0.0 for name in FEATURES)
    for answer_at in (0.7, 0.5, 0.4, 0.3):
        assert held(0.95, lacking, answer_at) < answer_at


def test_what_party_someone_is_in_is_declined_when_no_party_is_named(riverton: Engine) -> None:
    # The entry about the councillor says who she is and how she voted, never which party she belongs to.
    assert riverton.ask("what party is priya raman in?").outcome is Outcome.DECLINED
    assert riverton.ask("who is priya raman?").outcome is Outcome.ANSWERED


@pytest.mark.parametrize(
    ("answer", "gives"),
    [
        ("Quintero, a Democrat from the valley, filed the bill.", True),
        ("She sits for the Green Party.", True),
        ("The decision should be made through an open, democratic process.", False),
        ("She is a councillor who voted against the plan.", False),
    ],
)
def test_a_party_is_given_by_its_name_or_the_word(answer: str, gives: bool) -> None:
    assert answer_kinds.asked("what party is she in") & answer_kinds.PARTY
    assert bool(answer_kinds.given(answer, True) & answer_kinds.PARTY) is gives


def test_an_entry_s_own_phrasing_is_never_held() -> None:
    # The curators (or a moderator teaching it) said the entry answers this very question.
    own = tuple(
        1.0 if name in ("lacks_asked_kind", "phrasing_covers_question", "question_covers_phrasing") else 0.0
        for name in FEATURES
    )
    assert held(0.95, own) == 0.95
