"""What teaching a question will do: the answer it will get, and questions built on a false premise."""

from __future__ import annotations

import pytest

from bot.answering import Engine
from bot.curation.teaching import preview, unknown_names


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("did google pause facial recognition", ["google"]),  # typed in lower case, still a name
        ("Did Google pause facial recognition?", ["Google"]),
        ("Has Palantir's software been paused too?", ["Palantir"]),  # with a possessive
        ("did ibm pause facial recognition", []),  # the story knows IBM
        ("What did Mijente's Gonzalez say?", []),
        ("did IBM stop facial reconition", []),  # a typo of a word the story uses is no name
        ("what colour were the protest signs?", []),  # ordinary words the story does not use
        ("Concurrent phrasing number 3 about the story?", []),
    ],
)
def test_unknown_names_are_names_the_story_never_uses(story_engine: Engine, question: str, names: list[str]) -> None:
    assert unknown_names(question, story_engine.kb) == names


def test_teaching_a_false_premise_to_an_entry_about_others_is_flagged(story_engine: Engine) -> None:
    shown = preview(story_engine, "which-companies-paused", "did google pause facial recognition")
    assert shown.warning is not None
    assert shown.warning.names == ("google",)
    assert "IBM" in shown.warning.about and "Amazon" in shown.warning.about
    assert shown.answer == story_engine.kb.entries["which-companies-paused"].answer  # what readers would get


def test_a_new_wording_of_what_the_entry_says_is_not_flagged(story_engine: Engine) -> None:
    shown = preview(story_engine, "what-is-mijente", "how big is mijente")
    assert shown.warning is None
    assert shown.now == "declined"
    assert shown.answer == story_engine.kb.entries["what-is-mijente"].answer


def test_the_preview_says_what_answers_the_question_now(story_engine: Engine) -> None:
    question = "Which company walked away from facial recognition?"
    now = story_engine.ask(question)
    assert now.answered and now.entry is not None
    shown = preview(story_engine, "ibm-walks-away", question)
    assert shown.now == f"answered by `{now.entry.id}`"


def test_an_unknown_name_taught_to_an_entry_about_nobody_is_not_a_premise_about_someone_else(
    story_engine: Engine,
) -> None:
    entry = next(e for e in story_engine.kb.entries.values() if not e.about and not e.quotes)
    shown = preview(story_engine, entry.id, "Did Palantir do this?")
    names_in_answer = [s.name for s in story_engine.kb.speakers.values() if s.name in entry.answer]
    assert (shown.warning is None) == (not names_in_answer)
