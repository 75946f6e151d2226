"""Asking for someone's words by what they are, in the reader's words ("what did the ferry chief say?"): the one
person whose role, organisation and description fit is quoted; two who fit alike, or a role nobody holds, are
declined kindly, with the close people offered."""

from __future__ import annotations

import pytest

from bot.answering import Engine
from bot.answering.answer import Outcome


@pytest.mark.parametrize(
    ("question", "speaker"),
    [
        ("what did the ferry chief say", "nora-quist"),  # "chief" for the authority's chief executive
        ("what did the ferry boss say?", "nora-quist"),
        ("what did the ceo say", "nora-quist"),  # the everyday form of "chief executive"
        ("what did the director say", "omar-feld"),  # his own role word beats another's "chief"
        ("what did the bakery owner say", "lila-moss"),  # she "has run a bakery": her description says it
        ("what did the bakery proprietor think", "lila-moss"),
        ("what did the activist say", "sam-ortiz"),  # a coalition's co-founder
        ("what did the campaigner say", "sam-ortiz"),
        ("what did the coalition campaigner say", "sam-ortiz"),
        ("what did the mom say", "dana-fry"),  # the everyday words for a parent
        ("what did the dad say", "dana-fry"),
        ("what did the mother say?", "dana-fry"),
    ],
)
def test_a_role_in_the_readers_words_finds_the_one_person_it_describes(
    harbour: Engine, question: str, speaker: str
) -> None:
    answer = harbour.ask(question)
    assert answer.outcome == Outcome.QUOTES
    assert answer.speaker_id == speaker
    assert answer.quotes


@pytest.mark.parametrize(
    "question",
    [
        "what did the council member say",  # two council members: never guess between them
        "what did the council members say?",
    ],
)
def test_two_people_who_fit_alike_are_offered_not_guessed(harbour: Engine, question: str) -> None:
    answer = harbour.ask(question)
    assert answer.outcome == Outcome.DECLINED
    assert answer.speaker_id is None
    offered = " ".join(s.question for s in answer.suggestions)
    assert "Ruth Amado" in offered
    assert "Ben Okoro" in offered


@pytest.mark.parametrize(
    "question",
    [
        "what did the mayor say",  # nobody in the story is a mayor
        "what did the google ceo say",  # the story's chief executive runs no such company
        "what did the police chief say",
    ],
)
def test_a_role_the_story_does_not_hold_is_declined(harbour: Engine, question: str) -> None:
    answer = harbour.ask(question)
    assert answer.outcome == Outcome.DECLINED
    assert not answer.quotes


def test_a_topic_after_the_role_is_not_read_as_part_of_who_is_meant(harbour: Engine) -> None:
    answer = harbour.ask("what did the bakery owner say about the ferry")
    assert answer.speaker_id == "lila-moss" or answer.matched_question == "How do the cuts hit shops by the terminal?"


def test_a_role_within_an_organisation_named_finds_its_person(harbour: Engine) -> None:
    assert harbour.ask("what did the ferry authority chief say").speaker_id == "nora-quist"


@pytest.mark.parametrize(
    ("name", "speaker"),
    [("the ferry chief", "nora-quist"), ("the bakery owner", "lila-moss"), ("the campaigner", "sam-ortiz")],
)
def test_a_quote_look_up_by_role_finds_the_person(harbour: Engine, name: str, speaker: str) -> None:
    result = harbour.quote(name)
    assert result.speaker_id == speaker
    assert result.quotes


def test_a_quote_look_up_by_a_shared_role_offers_both_people(harbour: Engine) -> None:
    result = harbour.quote("the council member")
    assert result.speaker_id is None
    assert set(result.suggestions) >= {"Ruth Amado", "Ben Okoro"}
    assert "more than one person" in result.message.lower()


def test_a_quote_look_up_by_a_role_nobody_holds_finds_nobody(harbour: Engine) -> None:
    assert harbour.quote("the mayor").speaker_id is None


def test_a_role_the_organisations_people_do_not_hold_offers_its_people(harbour: Engine) -> None:
    answer = harbour.ask("what did the council spokesperson say")  # the council's members speak, no spokesperson
    assert answer.outcome == Outcome.DECLINED
    assert {"What did Ruth Amado say?", "What did Ben Okoro say?"} <= {s.question for s in answer.suggestions}


def test_an_organisation_a_description_names_is_known_by_its_short_name(harbour: Engine) -> None:
    # "the board member on the HTG": the guild is named in her description, and "on" still says who
    assert harbour.ask("what did the board member on the htg say").speaker_id == "lila-moss"
    assert harbour.quote("the htg board member").speaker_id == "lila-moss"


@pytest.mark.parametrize(
    ("question", "plain"),
    [("who is the bakery owner", "who is Lila Moss"), ("who's the bakery proprietor?", "who is Lila Moss")],
)
def test_who_is_the_role_is_answered_as_who_is_the_person(harbour: Engine, question: str, plain: str) -> None:
    answer, expected = harbour.ask(question), harbour.ask(plain)
    assert expected.outcome == Outcome.ANSWERED
    assert answer.outcome == Outcome.ANSWERED
    assert answer.matched_question == expected.matched_question
    assert answer.question == question


def test_who_is_the_role_of_someone_the_story_does_not_name_is_declined(harbour: Engine) -> None:
    assert harbour.ask("who is the google ceo").outcome == Outcome.DECLINED
    assert harbour.ask("who is the mayor").outcome == Outcome.DECLINED


def test_a_role_word_in_the_name_of_an_organisation_a_description_names_does_not_name_the_person(
    harbour: Engine,
) -> None:
    # The budget director chairs the "Harbour Advocates Forum": that says what the forum is, not that he is
    # an advocate; the coalition's co-founder is.
    assert harbour.ask("what did the advocate say").speaker_id == "sam-ortiz"


def test_a_role_in_a_description_names_the_person(harbour: Engine) -> None:
    assert harbour.ask("what did the tenants organizer say").speaker_id == "ruth-amado"
