"""Chat shorthand, sound-alike spellings and British words, read as the words meant, on the invented
Riverton story (a library branch the council votes to close)."""

from __future__ import annotations

import pytest

from bot.answering import Engine, Outcome
from bot.answering.normalize import general_vocabulary
from bot.answering.spelling import everyday_word


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("ngl tbh how did the council vote on the elm st branch rn", "vote-result"),
        ("lowkey who broke the tie fr", "deciding-vote"),
        ("imo idk y they r closing it, how much does it save", "savings"),
        ("wat happens 2 the staff w/ the branch gone", "staff-jobs"),
        ("wich person cast the deciding vote lol", "deciding-vote"),
        ("how mutch money does closing the branch save", "savings"),
        ("how much money dose closing the branch save", "savings"),
        ("will elm st get a bookmobile or wut", "bookmobile"),
    ],
)
def test_a_question_in_chat_shorthand_is_answered(riverton: Engine, question: str, entry: str) -> None:
    answer = riverton.ask(question)
    assert answer.outcome is Outcome.ANSWERED, answer.text
    assert answer.entry is not None and answer.entry.id == entry


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("ngl tbh idk imo smh when does it close", "when does it close"),
        ("how long were people stuck w/ no power", "how long were people stuck with outage"),
        ("wats up w/ the vote", "what is up with the vote"),
        ("wich one of thier staff", "which one of their staff"),
        ("which court have the parents lodged their claim in", "which court have the parents filed their claim in"),
        ("how much is the leccy bill", "how-many is the electricity bill"),
        ("what time do the lil kids get picked up", "what time do the little kids get picked up"),
        ("which commish voted against it", "which commissioner voted against it"),
        ("is the union big mad about it", "is the union angry about it"),
        ("how big are the classes, for the youngest i mean", "how big are the classes for the youngest"),
        ("how meny branches r there", "how-many branches are there"),
        ("how lond is it closed for", "how long is it closed for"),
        ("howmuch does it save", "how-many does it save"),
    ],
)
def test_shorthand_is_written_out_before_phrases_read_it(typed: str, read: str) -> None:
    assert " ".join(general_vocabulary().words(typed)) == read


def test_shorthand_that_a_phrase_spells_waits_for_the_phrase() -> None:
    # "u" is "you" in chat, but "u.s." is a country and "petrol station" one place.
    assert general_vocabulary().words("the u.s. petrol station") == ["the", "usa", "gas", "station"]


@pytest.mark.parametrize(
    ("british", "american"),
    [("flogging", "selling"), ("flogged", "sold"), ("demo", "protest"), ("redundancies", "layoffs")],
)
def test_british_news_words_read_as_the_american_ones(british: str, american: str) -> None:
    vocab = general_vocabulary()
    assert vocab.term(british) == vocab.term(american)


def test_a_sound_alike_is_read_as_the_word_meant_only_when_the_story_never_uses_it(riverton: Engine) -> None:
    assert ("dose", "does") in riverton.analyse("how much money dose closing the branch save").corrections
    assert general_vocabulary().english.sound_alikes["dose"] == "does"


@pytest.mark.parametrize(("typed", "meant"), [("residnets", "residents"), ("custmers", "customers")])
def test_a_typo_of_an_everyday_word_is_read_as_that_word(typed: str, meant: str) -> None:
    assert everyday_word(typed) == meant


@pytest.mark.parametrize("word", ["whole", "brenamen", "cat"])
def test_a_word_or_a_name_is_not_taken_for_an_everyday_typo(word: str) -> None:
    assert everyday_word(word) is None
