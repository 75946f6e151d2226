"""An amount typed the short way ("10k", "412m", "a grand") meets the amount the knowledge base writes out."""

from __future__ import annotations

import pytest

from bot.answering.normalize import Vocabulary


@pytest.fixture(scope="module")
def english() -> Vocabulary:
    return Vocabulary()


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("did they pay $10k", "did they pay $10,000"),
        ("a £412m contract", "a £412 million contract"),
        ("a 1.2bn deal", "a 1.2 billion deal"),
        ("2.5m people", "2.5 million people"),
        ("5 grand", "$5,000"),
        ("it cost a grand", "it cost $1,000"),
        ("a grand a month", "$1,000 a month"),
        ("3 bn", "3 billion"),
    ],
)
def test_a_short_amount_meets_the_written_one(english: Vocabulary, typed: str, written: str) -> None:
    assert english.words(typed) == english.words(written)


@pytest.mark.parametrize(
    "kept", ["a grand jury", "the grand opening", "route 9b", "flat 4b", "5 m away", "covid-19 b cells"]
)
def test_words_that_only_look_like_amounts_stay(english: Vocabulary, kept: str) -> None:
    assert not {"000", "million", "billion"} & set(english.words(kept))


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("is the ride more than 40 min", "is the ride more than 40 minutes"),
        ("a 3hr wait", "a 3 hour wait"),
        ("closed for 2 wks", "closed for 2 weeks"),
        ("in the job for 16 yrs", "in the job for 16 years"),
        ("every 10 mins", "every 10 minutes"),
    ],
)
def test_a_span_of_time_typed_short_meets_the_written_one(english: Vocabulary, typed: str, written: str) -> None:
    assert [english.term(w) for w in english.words(typed)] == [english.term(w) for w in english.words(written)]


@pytest.mark.parametrize("kept", ["the min wage", "the hr department", "a sec please"])
def test_a_unit_without_a_number_stays(english: Vocabulary, kept: str) -> None:
    assert english.words(kept) == kept.split()
