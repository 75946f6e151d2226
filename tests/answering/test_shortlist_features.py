"""A story's shortlist features, worked out at once (`shortlist_features`), are those `ranking.candidate` gives
one entry at a time (the path of an archive): the same features to the last bit, so the same ranking, the same
confidence and the same answers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering import Engine
from bot.knowledge import bundled_knowledge_dir, load_knowledge

RIVERTON = Path(__file__).parent / "riverton"

# Questions a reader might type: plain, misspelt, chatty, about people, and some the story cannot answer.
SHIPPED_QUESTIONS = [
    "did amazon stop selling its face recognition software to the cops?",
    "why did ibm walk away from facial recognition",
    "whos evan greer",
    "what did gilliard think of the ring doorbell deals?",
    "how many police departments have partnered up with ring",
    "wat did microsofts boss say about it",
    "what did Tim Cook say about face scanning?",
    "how long is the amazon pause supposed to last",
    "is google doing the same thing?",
    "hey bot, what's the weather like in paris",
    "what is mijente and what do they want",
]
RIVERTON_QUESTIONS = [
    "how did the council vote on the library?",
    "how much money does shutting the branch save",
    "who was the deciding vote",
    "when will the library close for good",
    "what did the mayor of another town say",
]


def _compare(engine: Engine, questions: list[str]) -> None:
    rows = engine._rows
    assert rows is not None  # a story: its features are worked out at once
    for question in questions:
        at_once = engine.ranked(question)
        engine._rows = None  # as an archive's engine: one entry at a time
        try:
            one_by_one = engine.ranked(question)
        finally:
            engine._rows = rows
        assert at_once == one_by_one, question
        assert engine.confidence(at_once) == engine.confidence(one_by_one)


@pytest.mark.parametrize(("directory", "questions"), [(None, SHIPPED_QUESTIONS), (RIVERTON, RIVERTON_QUESTIONS)])
def test_a_story_features_its_shortlist_as_one_entry_at_a_time_would(
    directory: Path | None, questions: list[str]
) -> None:
    engine = Engine(load_knowledge(directory or bundled_knowledge_dir()))
    _compare(engine, questions)
    assert any(engine.ranked(q) for q in questions)  # the questions reach the features at all


def test_an_archive_features_one_entry_at_a_time() -> None:
    engine = Engine(load_knowledge(RIVERTON))
    engine._rows = None
    assert engine.ask("how did the council vote on the library?").answered
