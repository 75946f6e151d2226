"""Four general faults in matching, each on the invented Riverton story (or a small knowledge base built
here): abbreviations in a context sentence, the nearest correction, pronouns in a part with its own
subject, and acronyms of the story's own phrases."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering import Engine, Outcome
from bot.knowledge import load_knowledge

RIVERTON = Path(__file__).parent / "riverton"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_knowledge(RIVERTON))


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("Our PR team keeps asking me about this. How did the council vote on the library?", "vote-result"),
        ("The CEO of my company asked me. How much does closing the branch save?", "savings"),
        ("I read the FAQ twice and still wonder. Who cast the deciding vote?", "deciding-vote"),
    ],
)
def test_a_common_abbreviation_in_a_context_sentence_is_no_unknown_name(
    engine: Engine, question: str, entry: str
) -> None:
    answer = engine.ask(question)
    assert answer.outcome is Outcome.ANSWERED, answer.text
    assert answer.entry is not None and answer.entry.id == entry


def test_an_unknown_capitalised_name_in_a_context_sentence_still_counts(engine: Engine) -> None:
    # "Zorblatt" is no one in the story: the question is about him, not about the council's own vote.
    answer = engine.ask("Councillor Zorblatt spoke for an hour. How did Zorblatt vote on the library?")
    assert answer.outcome is Outcome.DECLINED
