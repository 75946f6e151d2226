"""Entries with two phrasings each (the invented story in `riverton/`): found by what their people are
called and how readers misspell or shorten them, and a decision fitted so that it generalises."""

from __future__ import annotations

import pytest

from bot.answering import Engine, Outcome
from bot.answering import answer_kinds as kinds
from bot.answering.evaluation import Case
from bot.answering.ranking import FEATURES


@pytest.mark.parametrize(
    ("question", "speaker"),
    [
        ("what did the councillor say", "priya-raman"),  # a role of one word that is no one else's
        ("what did the representative say?", "tom-becker"),
        ("what did rahman say", "priya-raman"),  # a surname spelt by ear
        ("wat did okafur say about it", "dana-okafor"),
    ],
)
def test_roles_and_misspelt_names_find_the_quoted_person(riverton: Engine, question: str, speaker: str) -> None:
    answer = riverton.ask(question)
    assert answer.outcome is Outcome.QUOTES, answer.text
    assert answer.speaker_id == speaker


def test_a_role_inside_another_name_is_not_that_person(riverton: Engine) -> None:
    assert riverton.analyse("what did the london councillor say").speakers == ()
    assert riverton.analyse("what did the councillor say").speakers == ("priya-raman",)


def test_a_clipped_word_is_read_as_the_word_it_shortens(riverton: Engine) -> None:
    assert riverton.analyse("will elm street get a bookmob").corrections == (("bookmob", "bookmobile"),)
    answer = riverton.ask("will elm street get a bookmob?")
    assert answer.answered and answer.entry is not None and answer.entry.id == "bookmobile"


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("how-many staff work there", kinds.NUMBER),
        ("how much money does it save", kinds.NUMBER | kinds.MONEY),
        ("how much tax does the library pay", kinds.NUMBER | kinds.MONEY),
        ("how much snow fell", kinds.NUMBER),
        ("how-many taxpayer funded branches are there", kinds.NUMBER),  # a count, whatever the deals cost
        ("how-many did the library pay for the van", kinds.NUMBER | kinds.MONEY),
        ("how-many is the library tax bill", kinds.NUMBER | kinds.MONEY),
        ("when does the branch close", kinds.TIME),
        ("what year was it built", kinds.TIME),
        ("who broke the tie", kinds.SOMEONE),
        ("which company runs the bookmobile", kinds.SOMEONE),
        ("who is the mayor of the town", kinds.SOMEONE | kinds.PERSON),
        ("where will the bookmobile stop", kinds.PLACE),
        ("which cities closed a branch", kinds.PLACE),
        ("what city is the library in", kinds.PLACE),
        ("what are city councils doing about it", 0),  # "city" here is not what is asked for
        ("what replaces the branch", 0),
    ],
)
def test_the_kind_of_answer_a_question_asks_for(question: str, asked: int) -> None:
    assert kinds.asked(question) == asked


def test_the_kinds_of_answer_an_entry_gives() -> None:
    # (the council is who voted: "who voted for it?" is answered by it)
    assert (
        kinds.given("The council voted 5 to 4 at the end of March.", False) == kinds.NUMBER | kinds.TIME | kinds.SOMEONE
    )
    assert kinds.given("About eleven staff.", False) & kinds.NUMBER
    assert kinds.given("A bookmobile replaces the branch.", True) == kinds.PERSON | kinds.SOMEONE
    assert kinds.given("It saves $310,000 a year.", False) & kinds.MONEY
    assert not kinds.given("It saves 310,000 gallons.", False) & kinds.MONEY
    assert kinds.given("The bookmobile will stop in Ashford twice a week.", False) & kinds.PLACE
    assert not kinds.given("The bookmobile will stop twice a week.", False) & kinds.PLACE
    assert kinds.given("The branch is run by the Hale Trust.", False) & kinds.SOMEONE
    assert not kinds.given("The branch closes in March.", False) & (kinds.SOMEONE | kinds.PLACE)
    # The day of a date is not a count: "how many came to the March 3 meeting?" is not answered by it.
    assert kinds.given("The meeting was on March 3.", False) == kinds.TIME
    assert kinds.given("It met on the 3rd of March with 40 residents.", False) & kinds.NUMBER
    assert kinds.given("It has run since 2015.", False) & kinds.NUMBER  # a year says how long
    # "Who should decide?" is answered by who they are as well as by a name.
    assert kinds.given("Residents should decide, not the library's staff.", False) & kinds.SOMEONE
    assert kinds.given("Her farm lies outside the town of Ashford.", False) & kinds.PLACE


@pytest.mark.parametrize(("word", "is_kind"), [("company", True), ("cities", True), ("year", True), ("tax", False)])
def test_a_word_for_a_kind_of_answer_is_told_from_a_thing(word: str, is_kind: bool) -> None:
    assert kinds.is_kind_word(word) is is_kind


def test_each_part_of_a_message_is_labelled_by_its_own_words(riverton: Engine) -> None:
    pytest.importorskip("scipy")
    from bot.answering.training import samples

    case = Case(
        "how did the council vote on the branch, and how much money does closing it save?",
        "answer",
        "multipart",
        mentions=("5 to 4", "310,000"),
    )
    found = samples(riverton, [case])
    assert len(found) == 2
    rights = [{e for e, ok in zip(_ids(riverton, s.question), s.labels, strict=True) if ok} for s in found]
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


def _features(engine: Engine, question: str, entry_id: str) -> dict[str, float]:
    ranked = engine.rank(engine.analyse(question))
    found = next(s for s in ranked if s.entry_id == entry_id)
    return dict(zip(FEATURES, found.features, strict=True))


def test_an_entry_without_the_kind_of_detail_asked_for_is_marked(riverton: Engine) -> None:
    # The staff entry has a count, but no sum of money and no place.
    assert _features(riverton, "how many staff does the branch have?", "staff-jobs")["lacks_asked_kind"] == 0.0
    assert _features(riverton, "how much money do the branch staff earn?", "staff-jobs")["lacks_asked_kind"] == 1.0
    assert _features(riverton, "where will the branch staff work?", "staff-jobs")["lacks_asked_kind"] == 1.0
    # The bookmobile stops on a named street: a place.
    assert _features(riverton, "where will the bookmobile stop?", "bookmobile")["lacks_asked_kind"] == 0.0


def test_an_entry_that_never_speaks_of_the_thing_asked_for_is_marked(riverton: Engine) -> None:
    assert _features(riverton, "what savings does closing the branch bring?", "savings")["lacks_asked_thing"] == 0.0
    # "staff" is a word of the story, but the vote entry never speaks of them.
    assert _features(riverton, "what staff voted on the branch?", "vote-result")["lacks_asked_thing"] == 1.0
    # "company" asks for a name, which the entry may give without the word.
    assert _features(riverton, "which company cast the deciding vote?", "deciding-vote")["lacks_asked_thing"] == 0.0
