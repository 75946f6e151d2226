"""Follow-up questions on the shipped story: each reads as the reader meant it, given the previous answer."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answering import Answer, Engine, Outcome
from bot.answering.followup import Context, context_of, is_follow_up, resolve

HEADLINE = "which companies paused facial recognition?"


def conversation(story_engine: Engine, *questions: str) -> list[Answer]:
    """Ask in turn, each question with the context the previous answers left."""
    answers: list[Answer] = []
    context: Context | None = None
    for question in questions:
        answer = story_engine.ask(question, context)
        answers.append(answer)
        context = context_of(answer, story_engine.kb) or context
    return answers


def test_what_did_he_say_after_who_is_someone_gives_their_quotes(story_engine: Engine) -> None:
    _, said = conversation(story_engine, "who is geoffrey alpert?", "what did he say?")
    assert said.outcome is Outcome.QUOTES
    assert said.speaker_id == "geoffrey-alpert"
    assert said.quotes and all(q.quote.speaker == "geoffrey-alpert" for q in said.quotes)


def test_where_does_he_work_names_the_affiliation(story_engine: Engine) -> None:
    _, work = conversation(story_engine, "what did alpert say?", "where does he work?")
    assert work.answered
    assert "University of South Carolina" in work.text


def test_without_context_a_pronoun_is_not_guessed(story_engine: Engine) -> None:
    alone = story_engine.ask("what did he say?")
    assert not alone.answered


@pytest.mark.parametrize(
    ("first", "follow_up", "expect"),
    [
        ("who is geoffrey alpert?", "tell me more", "geoffrey-alpert"),  # his words, after who he is
        ("what did greer say?", "tell me more", "who-is-evan-greer"),  # who she is, after her words
        ("what did greer say?", "and alpert?", "geoffrey-alpert"),
        ("who is geoffrey alpert?", "and evan greer?", "who-is-evan-greer"),
        ("who is geoffrey alpert?", "what about chris gilliard?", "who-is-chris-gilliard"),
        ("who is evan greer?", "what about them?", "what-is-fight-for-our-future"),
        ("which companies paused facial recognition?", "what did they say?", "ibm-spokesperson"),
    ],
)
def test_follow_ups_are_answered_about_the_previous_subject(
    story_engine: Engine, first: str, follow_up: str, expect: str
) -> None:
    _, answer = conversation(story_engine, first, follow_up)
    assert answer.answered, answer.text
    assert expect in ((answer.entry.id if answer.entry else None), answer.speaker_id)


def test_who_said_that_names_the_speaker_of_the_quoted_entry(story_engine: Engine) -> None:
    first, who = conversation(story_engine, "do tech companies want it both ways?", "who said that?")
    assert first.entry is not None and first.quotes
    assert who.outcome is Outcome.QUOTES
    assert who.speaker_id == first.quotes[0].quote.speaker


def test_a_question_that_stands_on_its_own_is_not_bent_to_the_context(story_engine: Engine) -> None:
    fresh = story_engine.ask("do tech companies want it both ways?")
    _, again = conversation(
        story_engine, "which companies paused facial recognition?", "do tech companies want it both ways?"
    )
    assert again.entry is not None and fresh.entry is not None
    assert again.entry.id == fresh.entry.id


def test_a_context_the_knowledge_base_no_longer_knows_is_a_fresh_question(story_engine: Engine) -> None:
    gone = Context("an-entry-that-was-removed", ("someone-removed",))
    assert resolve("what did he say?", gone, story_engine.kb) == "what did he say?"


def test_a_context_of_organisations_only_leaves_he_alone(story_engine: Engine) -> None:
    companies = Context("which-companies-paused", ("ibm", "amazon"))
    assert resolve("what did he say?", companies, story_engine.kb) == "what did he say?"
    assert resolve("what did they say?", companies, story_engine.kb) == "what did IBM say?"


def test_possessive_pronouns_become_possessive_names(story_engine: Engine) -> None:
    alpert = Context(None, ("geoffrey-alpert",))
    assert resolve("what is his job?", alpert, story_engine.kb) == "what is Geoffrey Alpert's job?"
    greer = Context(None, ("evan-greer",))
    assert resolve("what is her job?", greer, story_engine.kb) == "what is Evan Greer's job?"
    assert resolve("what did you ask her about?", greer, story_engine.kb) == "what did you ask Evan Greer about?"


def test_ordinary_questions_are_not_follow_ups() -> None:
    assert not is_follow_up("which companies paused facial recognition?")
    assert is_follow_up("what did she say?")
    assert is_follow_up("tell me more")
    assert is_follow_up("and amazon?")


FOLLOW_UPS = st.one_of(
    st.text(max_size=200),
    st.tuples(
        st.sampled_from(["and ", "what about ", "tell me more", "who said that?", "his ", "her "]), st.text()
    ).map("".join),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FOLLOW_UPS, st.sampled_from(["who is geoffrey alpert?", "what did greer say?", HEADLINE]))
def test_any_follow_up_to_any_answer_gets_an_answer_without_raising(
    story_engine: Engine, question: str, first: str
) -> None:
    context = context_of(story_engine.ask(first), story_engine.kb)
    answer = story_engine.ask(question, context)
    assert 0.0 <= answer.confidence <= 1.0
