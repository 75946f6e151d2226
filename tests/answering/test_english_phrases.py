"""General English phrases read as the words a story uses: a reader's British or everyday name for a thing,
and the letters of "i.e." and "e.g.", which are no words of the question."""

from __future__ import annotations

import pytest

from bot.answering.normalize import Vocabulary
from bot.knowledge.text import clean


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary()


@pytest.mark.parametrize(
    ("asked", "plain"),
    [
        ("what is the single fare, i.e. what does one trip cost", "what is the single fare what does one trip cost"),
        ("any fees, e.g. for parking", "any fees for parking"),
        ("what are the shop-owners arguing", "what are the shopkeepers arguing"),
        ("are the store owners mad", "are the shopkeepers mad"),
        ("how much is a monthly travelcard", "how much is a monthly pass"),
    ],
)
def test_a_phrase_reads_as_the_plain_words(vocab: Vocabulary, asked: str, plain: str) -> None:
    assert vocab.words(vocab.rewrite_phrases(clean(asked))) == vocab.words(vocab.rewrite_phrases(clean(plain)))


def test_shopkeepers_are_merchants(vocab: Vocabulary) -> None:
    read = vocab.rewrite_phrases(clean("the shop owners"))
    assert {vocab.term(w) for w in read.split()} >= {vocab.term("merchants")}
