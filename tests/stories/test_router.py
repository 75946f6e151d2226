"""Answering across two stories: from the story a question is about, or asking which."""

from __future__ import annotations

from pathlib import Path

from bot.answering import Engine, Outcome
from bot.answering.answer import to_json
from bot.answering.evaluation import load_cases
from bot.answering.stories import WHICH_STORY, StoryEngines, evaluate_story
from bot.knowledge import bundled_knowledge_dir
from bot.knowledge.library import load_library

from .conftest import WATER

WATER_QUESTIONS = WATER.parent / "questions.yaml"


def test_each_story_answers_its_own_questions_and_names_itself(two_story_engines: StoryEngines) -> None:
    shipped = two_story_engines.ask("which companies paused facial recognition?")
    assert shipped.answered and shipped.story is not None and shipped.story.id == "police-surveillance"
    water = two_story_engines.ask("how much is the aquanova contract worth?")
    assert water.answered and water.story is not None and water.story.id == "water"
    assert "412" in water.text
    assert to_json(water)["story"] == {"id": "water", "title": "Cordero County water cuts"}


def test_a_question_that_fits_both_asks_which_story(two_story_engines: StoryEngines) -> None:
    answer = two_story_engines.ask("what is the contract worth?")
    assert answer.outcome is Outcome.DECLINED and answer.text == WHICH_STORY and answer.story is None
    assert {s.story for s in answer.suggestions} == {"police-surveillance", "water"}
    data = to_json(answer)
    assert {s["story"] for s in data["suggested"]} == {"police-surveillance", "water"}


def test_naming_the_story_or_its_people_settles_it(two_story_engines: StoryEngines) -> None:
    named = two_story_engines.ask("in the water story, what is the contract worth?")
    assert named.answered and named.story is not None and named.story.id == "water"
    person = two_story_engines.ask("what did Vance say?")
    assert person.answered and person.story is not None and person.story.id == "water"


def test_a_story_given_scopes_the_question(two_story_engines: StoryEngines) -> None:
    answer = two_story_engines.ask("what is the contract worth?", story="water")
    assert answer.answered and answer.story is not None and answer.story.id == "water"
    overview = two_story_engines.ask("what is this story about?", story="police-surveillance")
    assert overview.entry is not None and overview.entry.id == "story-overview"
    assert overview.story is not None and overview.story.id == "police-surveillance"


def test_a_greeting_lists_the_stories(two_story_engines: StoryEngines) -> None:
    hello = two_story_engines.ask("hello")
    assert hello.outcome is Outcome.SMALL_TALK
    assert "Cordero County water cuts" in hello.text and "2 stories" in hello.text


def test_quotes_come_from_the_story_that_quotes_the_person(two_story_engines: StoryEngines) -> None:
    result = two_story_engines.quote("greer")
    assert result.quotes and result.story is not None and result.story.id == "police-surveillance"


def test_with_one_story_it_answers_as_the_engine_alone(story_engine: Engine) -> None:
    one = StoryEngines.of_library(load_library(bundled_knowledge_dir()))
    for question in ("which companies paused?", "what did greer say", "hello", "who won the 2018 world cup?"):
        alone, routed = story_engine.ask(question), one.ask(question)
        assert (routed.outcome, routed.entry, routed.text, routed.suggestions) == (
            alone.outcome,
            alone.entry,
            alone.text,
            alone.suggestions,
        )
        assert routed.story is not None and routed.story.id == "police-surveillance"


def test_the_water_questions_score_as_well_in_the_library_as_alone(two_story_engines: StoryEngines) -> None:
    cases = load_cases(WATER_QUESTIONS)
    alone = evaluate_story(two_story_engines, "water", cases, routed=False)
    routed = evaluate_story(two_story_engines, "water", cases)
    answered = ("answer", "quotes")
    # The other story takes (almost) none of them.
    assert sum(routed.right[e] for e in answered) >= sum(alone.right[e] for e in answered) - 2
    assert routed.right["decline"] >= alone.right["decline"] - 2


def test_an_unknown_story_is_found_by_id_or_title_only(two_story_engines: StoryEngines, tmp_path: Path) -> None:
    assert two_story_engines.find("water") == "water"
    assert two_story_engines.find("Cordero County water cuts") == "water"
    assert two_story_engines.find("nothing like it") is None


def test_a_follow_up_stays_with_the_story_of_the_answer_before(two_story_engines: StoryEngines) -> None:
    from bot.answering.followup import context_of
    from bot.answering.stories import with_story

    first = two_story_engines.ask("what is this story about?", story="water")
    context = with_story(context_of(first, two_story_engines.engine("water").kb), first, two_story_engines)
    more = two_story_engines.ask("tell me more", context)
    # Both stories have an entry `story-overview`; only the water story may follow this one up.
    assert more.story is not None and more.story.id == "water"
