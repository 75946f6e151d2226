"""The way a question is phrased does not sink matching: the future said as "going to" or "supposed to",
words of aspect ("end up", "manage to"), "what's the reason for", and a vote asked about as "unanimous".
Asked on the small invented Millford story (whose initials test_spelled_out asks about)."""

from __future__ import annotations

import pytest

from bot.answering import Engine, Outcome
from bot.answering.normalize import Vocabulary
from bot.knowledge.text import clean


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("where is the housing block going to be built?", "site"),
        ("when is construction supposed to begin", "timeline"),
        ("when are they planning to finish the block", "timeline"),
        ("where do the families end up living during construction", "families"),
        ("was the vote unanimous?", "vote"),
        ("did the board vote unanimously for the block", "vote"),
        ("how much is the block expected to cost", "cost"),
    ],
)
def test_a_question_phrased_another_way_finds_its_entry(millford: Engine, question: str, entry: str) -> None:
    answer = millford.ask(question)
    assert answer.outcome is Outcome.ANSWERED, answer.text
    assert answer.entry is not None and answer.entry.id == entry


@pytest.mark.parametrize(
    ("asked", "plain"),
    [
        ("is the plant going to close", "will the plant close"),
        ("what did fares used to cost", "what did fares cost"),
        ("did she happen to say why", "did she say why"),
        ("did they manage to finish", "did they finish"),
        ("whats the reason for the delay", "why the delay"),
        ("who voted in favour of the plan", "who voted for the plan"),
        ("how longs the wait going to be", "how long will the wait be"),
        ("tryna figure out when the vote was", "when was the vote"),
    ],
)
def test_a_form_reads_as_the_plain_question(asked: str, plain: str) -> None:
    vocab = Vocabulary()
    terms = [vocab.term(w) for w in vocab.words(asked) if not vocab.is_filler(w)]
    assert terms == [vocab.term(w) for w in vocab.words(plain) if not vocab.is_filler(w)]


@pytest.mark.parametrize(
    "kept",
    [
        "are they going to the hearing",  # going somewhere, not the future
        "what happened to the plan",  # what befell it
        "how is the money used to pay",  # use, not the past
    ],
)
def test_a_form_that_means_something_else_is_kept(kept: str) -> None:
    vocab = Vocabulary()
    assert vocab.rewrite_phrases(clean(kept)) == kept
