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
