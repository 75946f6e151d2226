"""A declined part is asked again with the sentences before it: never with one sentence twice, which
would count its words double and sway the match towards whatever that sentence is about."""

from __future__ import annotations

import pytest

from bot.answering import Engine
from bot.answering.asking import in_context
from bot.answering.reading import Reading
from bot.knowledge.text import clean


def test_a_question_is_read_after_the_sentence_before_it() -> None:
    assert in_context("The council voted.", "why did it close?") == "The council voted. why did it close?"


@pytest.mark.parametrize("context", ["The council voted.", "the council voted", "THE COUNCIL VOTED!"])
def test_a_sentence_the_question_already_holds_is_not_added_again(context: str) -> None:
    question = "The council voted. Why did it close?"
    assert in_context(context, question) == question


def test_a_sentence_is_not_taken_for_a_word_it_starts() -> None:
    assert in_context("the vote", "the voters said what?") == "the vote the voters said what?"


def _asked(engine: Engine, monkeypatch: pytest.MonkeyPatch, reading: Reading) -> list[str]:
    """Every text the engine matched while answering a message read as `reading`."""
    seen: list[str] = []
    ask_one = engine._ask_one

    def spy(question: str) -> object:
        seen.append(question)
        return ask_one(question)

    monkeypatch.setattr(engine._reader, "read", lambda *_: reading)
    monkeypatch.setattr(engine, "_ask_one", spy)
    engine.ask(reading.asked)
    return seen


def test_a_declined_part_holding_its_context_is_not_asked_with_it_twice(
    riverton: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A part that was joined to the sentence before it, while that sentence is also its context (as the
    # reader gives it, in its own spelling).
    part = "The weather was bad. What did it cost?"
    reading = Reading(part, part, (part,), ("the weather was bad",), (("the weather was bad",),), (False,))
    seen = _asked(riverton, monkeypatch, reading)
    assert seen
    for text in seen:
        assert clean(text).count("the weather was bad") == 1, text


def test_a_declined_part_is_still_tried_with_the_sentences_before_it(
    riverton: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    part = "What did it cost?"
    reading = Reading(part, part, (part,), ("The weather was bad.",), (("The weather was bad.",),), (False,))
    seen = _asked(riverton, monkeypatch, reading)
    assert "The weather was bad. What did it cost?" in seen
