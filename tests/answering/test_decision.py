"""The fitted decision on the shipped story: what it answers, what it declines, and what it ships as."""

from __future__ import annotations

import json
import re

import pytest

from bot.answering import Engine, Outcome
from bot.answering.decision import DECISION_FILE, Decision, shipped
from bot.answering.general_english import rarity
from bot.answering.ranking import FEATURES
from bot.knowledge.model import Kind

# Names the decision never saw in training (bot/answering/training.py keeps them out).
SWAPPED_ORGANISATIONS = ("Google", "Apple", "Facebook", "Palantir")
SWAPPED_PEOPLE = ("Tim Cook",)


def _swapped(story_engine: Engine) -> list[str]:
    """Every phrasing that names one person or organisation, with the name swapped for another."""
    questions = []
    for entry in story_engine.kb.entries.values():
        for phrasing in entry.questions:
            named = story_engine.analyse(phrasing).speakers
            if len(named) != 1:
                continue
            speaker = story_engine.kb.speakers[named[0]]
            for name in sorted(speaker.names, key=len, reverse=True):
                found = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", phrasing, flags=re.IGNORECASE)
                if found:
                    break
            else:
                continue
            others = SWAPPED_PEOPLE if speaker.kind == Kind.PERSON else SWAPPED_ORGANISATIONS
            for other in others:
                question = phrasing[: found.start()] + other + phrasing[found.end() :]
                questions += [question, question.lower()]
    return questions


def test_a_phrasing_with_its_name_swapped_for_one_the_story_never_uses_is_declined(story_engine: Engine) -> None:
    questions = _swapped(story_engine)
    assert len(questions) > 500  # the story names someone in most phrasings
    answered = [(q, a.entry.id if a.entry else a.speaker_id) for q in questions if (a := story_engine.ask(q)).answered]
    assert answered == []


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("@everyone who is evan greer?", "who-is-evan-greer"),  # a word the story never uses barely counts
        ("is amazon's moratorium for a full year?", "amazon-moratorium"),  # yes/no restatement
        ("did ibm quit facial recognition?", "ibm-walks-away"),
        ("who is the criminology professor?", "who-is-geoffrey-alpert"),  # a role names its person
        ("who is the microsoft ceo?", "who-is-satya-nadella"),  # an affiliation and a role
    ],
)
def test_chat_words_yes_no_and_roles_resolve_like_their_plain_forms(
    story_engine: Engine, question: str, entry: str
) -> None:
    answer = story_engine.ask(question)
    assert answer.outcome is Outcome.ANSWERED, (answer.text, answer.confidence)
    assert answer.entry is not None and answer.entry.id == entry


@pytest.mark.parametrize(
    ("question", "speaker"),
    [
        ("what did the deputy director say?", "evan-greer"),
        ("what did the criminology professor say?", "geoffrey-alpert"),
    ],
)
def test_asking_what_a_role_said_shows_that_persons_quotes(story_engine: Engine, question: str, speaker: str) -> None:
    answer = story_engine.ask(question)
    assert answer.outcome is Outcome.QUOTES
    assert answer.speaker_id == speaker


@pytest.mark.parametrize(
    ("name", "speaker"),
    [
        ("the criminology professor", "geoffrey-alpert"),
        ("the deputy director", "evan-greer"),
        ("the Mijente organizer", "gonzalez"),
        ("microsoft ceo", "satya-nadella"),
    ],
)
def test_quote_lookup_by_role(story_engine: Engine, name: str, speaker: str) -> None:
    assert story_engine.quote(name).speaker_id == speaker


def test_rare_words_mark_another_subject_and_everyday_words_do_not() -> None:
    assert rarity("the") == 0.0
    assert rarity("everyone") < rarity("uncle") < rarity("palantir") == 1.0
    assert rarity("xqzvbnm") == 1.0  # a word English has no record of weighs fully


def test_the_confidence_shown_is_the_decisions_probability(story_engine: Engine) -> None:
    answer = story_engine.ask("which companies paused facial recognition?")
    ranked = story_engine.ranked("which companies paused facial recognition?")
    assert answer.confidence == pytest.approx(story_engine.confidence(ranked))
    assert shipped().answer_at <= answer.confidence < 1.0
    declined = story_engine.ask("what is the capital of peru?")
    assert declined.outcome is Outcome.DECLINED and declined.confidence < shipped().answer_at


def test_the_shipped_decision_names_every_feature_once() -> None:
    data = json.loads(DECISION_FILE.read_text(encoding="utf-8"))
    assert list(data["match"]["weights"]) == list(FEATURES)
    decision = Decision.from_json(data)
    assert 0.0 < decision.answer_at < 1.0
    data["match"]["weights"]["made_up"] = 1.0
    with pytest.raises(ValueError, match="do not match the features"):
        Decision.from_json(data)


def test_a_different_decision_changes_what_is_answered(story_engine: Engine) -> None:
    """The engine decides with the decision it is given: one that never answers declines everything."""
    never = Decision.from_json(
        {**shipped().to_json(), "thresholds": {**shipped().to_json()["thresholds"], "answer_at": 1.1}}
    )
    strict = Engine(story_engine.kb, never)
    assert story_engine.ask("who is evan greer?").answered
    assert not strict.ask("who is evan greer?").answered
