"""The answering engine on the shipped story: what a reader gets for what they type."""

from __future__ import annotations

import pytest

from bot.answering import Engine, Outcome
from bot.answering.answer import to_json
from bot.knowledge.model import UNATTRIBUTED
from bot.knowledge.verbatim import SourceText

# (question, the entry that must answer it)
ANSWERS = [
    ("which companies paused facial recognition?", "which-companies-paused"),
    ("WHICH COMPANIES PAUSED FACIAL RECOGNITION!!!", "which-companies-paused"),
    ("facial recognition paused which companies", "which-companies-paused"),
    ("which compnaies pasued facial recogntion", "which-companies-paused"),
    ("who is evan greer?", "who-is-evan-greer"),
    ("How many police departments does Ring have partnerships with?", "ring-police-partnerships"),
    ("how much public money has amazon won in contracts", "amazon-public-contracts"),
    ("what is mijente", "what-is-mijente"),
]


@pytest.mark.parametrize(("question", "entry"), ANSWERS)
def test_answers_the_entry_that_matches(story_engine: Engine, question: str, entry: str) -> None:
    answer = story_engine.ask(question)
    assert answer.outcome is Outcome.ANSWERED, answer.text
    assert answer.entry is not None and answer.entry.id == entry
    assert 0.0 < answer.confidence <= 1.0
    assert answer.evidence, "every answer carries the article's own words"


def test_the_headline_question_names_ibm_and_amazon_with_evidence(story_engine: Engine) -> None:
    answer = story_engine.ask("which companies paused facial recognition?")
    assert "IBM" in answer.text and "Amazon" in answer.text
    texts = {source.id: SourceText.of(source.text) for source in story_engine.kb.sources.values()}
    for evidence in answer.evidence:
        assert texts[evidence.source.id].contains(evidence.excerpt)


# Questions the story does not answer, including ones that swap in a company or person it never names.
DECLINES = [
    "what's the weather like in Paris tomorrow?",
    "who won the world cup in 2018",
    "how do I bake sourdough bread",
    "did Google pause facial recognition?",
    "what did Tim Cook say about police?",
    "how many police departments partner with Nest?",
    "asdfghjkl qwerty",
]


@pytest.mark.parametrize("question", DECLINES)
def test_declines_what_the_story_does_not_say(story_engine: Engine, question: str) -> None:
    answer = story_engine.ask(question)
    assert answer.outcome is Outcome.DECLINED, f"answered with {answer.entry and answer.entry.id}"
    assert not answer.answered
    assert "doesn't say" in answer.text or "not sure" in answer.text or answer.off_topic
    assert 1 <= len(answer.suggestions) <= 3
    assert all(s.entry_id in story_engine.kb.entries for s in answer.suggestions)


@pytest.mark.parametrize(
    ("question", "speaker"),
    [
        ("what did Greer say?", "evan-greer"),
        ("what did gilliard say", "chris-gilliard"),
        ("quotes from alpert", "geoffrey-alpert"),
        ("what did the Mijente organizer say?", "gonzalez"),
        ("what did gillard say", "chris-gilliard"),
    ],
)
def test_asking_what_someone_said_returns_their_quotes(story_engine: Engine, question: str, speaker: str) -> None:
    answer = story_engine.ask(question)
    assert answer.answered
    assert answer.quotes
    name = story_engine.kb.speakers[speaker].name
    assert {view.speaker for view in answer.quotes} == {name}


@pytest.mark.parametrize(
    ("name", "speaker"),
    [
        ("greer", "evan-greer"),
        ("Evan Greer", "evan-greer"),
        ("grear", "evan-greer"),
        ("Chris", "chris-gilliard"),
        ("the Mijente organizer", "gonzalez"),
        ("nadella", "satya-nadella"),
        ("IBM", "ibm-spokesperson"),
    ],
)
def test_quote_lookup_by_name_alias_typo_or_affiliation(story_engine: Engine, name: str, speaker: str) -> None:
    result = story_engine.quote(name)
    assert result.speaker_id == speaker
    wanted = story_engine.kb.quotes_by_speaker[speaker]
    assert [view.quote for view in result.quotes] == list(wanted)
    assert all(view.speaker == story_engine.kb.speakers[speaker].name for view in result.quotes)


def test_unknown_name_gets_suggestions_not_someone_elses_quotes(story_engine: Engine) -> None:
    result = story_engine.quote("Tim Cook")
    assert result.speaker is None
    assert result.quotes == ()
    assert result.suggestions


def test_unattributed_quotes_say_so(story_engine: Engine) -> None:
    answer = story_engine.ask("who said someone's going to sell it to the police to make money?")
    unattributed = [view for view in answer.quotes if view.quote.speaker is None]
    assert unattributed, "the entry about this quote links it"
    assert all(view.speaker == UNATTRIBUTED and view.quote.attribution_note for view in unattributed)


@pytest.mark.parametrize(
    "question",
    ["", "   ", "\u200b\u200d\u202e", "?!?!", "x" * 100_000, "\x00\x07\x1b[31m", "🙂🙂🙂"],
)
def test_bad_input_gets_a_kind_message_not_an_answer(story_engine: Engine, question: str) -> None:
    answer = story_engine.ask(question)
    assert not answer.answered
    assert answer.text
    assert len(answer.question) <= 500


def test_other_scripts_are_declined_not_matched(story_engine: Engine) -> None:
    assert not story_engine.ask("Какие компании приостановили распознавание лиц?").answered
    assert not story_engine.ask("哪些公司暂停了面部识别").answered


def test_greetings_are_friendly_and_not_answers(story_engine: Engine) -> None:
    answer = story_engine.ask("hi there!")
    assert answer.outcome is Outcome.SMALL_TALK
    assert not to_json(answer)["answered"]


def test_a_suggestion_can_be_answered_directly(story_engine: Engine) -> None:
    declined = story_engine.ask("did Google pause facial recognition?")
    answer = story_engine.answer_entry(declined.suggestions[0].entry_id)
    assert answer.answered and answer.entry is not None
    assert answer.entry.id == declined.suggestions[0].entry_id


def test_autocomplete_finds_speakers_from_a_misspelt_partial_name(story_engine: Engine) -> None:
    choices = story_engine.complete_speakers("gilard")
    assert choices and choices[0][1] == "chris-gilliard"
    assert len(story_engine.complete_speakers("")) <= 25
    assert all(len(label) <= 100 for label, _ in story_engine.complete_speakers(""))


def test_match_scores_are_logged_at_debug(story_engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("DEBUG", logger="bot.answering.matcher"):
        story_engine.ask("which companies paused facial recognition?")
    assert "which-companies-paused" in caplog.text


# Chat around a question changes nothing: the same entry answers it.
@pytest.mark.parametrize(
    ("message", "plain"),
    [
        ("@everyone who is evan greer?", "who is evan greer?"),
        ("<@123> hey bot, who is evan greer??", "who is evan greer?"),
        ("hey bot, which company was first to walk away from facial recognition?", "which company walked away first?"),
        ("**quick q** lol: what is mijente pls", "what is mijente"),
        ("ok so how much public money has amazon won in contracts :thinking:", "how much public money has amazon won"),
    ],
)
def test_chat_around_a_question_is_set_aside(story_engine: Engine, message: str, plain: str) -> None:
    answer, expected = story_engine.ask(message), story_engine.ask(plain)
    assert expected.answered and answer.answered
    assert answer.entry == expected.entry
    assert answer.question == message


def test_a_message_with_several_questions_gets_each_answer_in_json(story_engine: Engine) -> None:
    answer = story_engine.ask("who is evan greer and what did she say? also what is mijente")
    data = to_json(answer)
    assert data["entry"] == "who-is-evan-greer" and data["answered"]
    assert [p["entry"] for p in data["parts"]] == ["who-is-evan-greer", None, "what-is-mijente"]
    assert data["parts"][1]["outcome"] == "quotes"
    assert {q["speaker"] for q in data["parts"][1]["quotes"]} == {"Evan Greer"}


def test_a_one_question_message_has_one_part_in_json(story_engine: Engine) -> None:
    data = to_json(story_engine.ask("who is evan greer?"))
    assert len(data["parts"]) == 1
    assert {k: v for k, v in data.items() if k != "parts"} == data["parts"][0]


def test_a_name_the_story_never_uses_in_a_long_preamble_still_counts(story_engine: Engine) -> None:
    message = (
        "According to Google and all of its many partners across the whole wider industry, what do tech companies want?"
    )
    assert not story_engine.ask(message).answered


@pytest.mark.parametrize("question", ["what's this about?", "honestly what is this even about"])
def test_what_this_is_about_asks_about_the_story_not_the_bot(story_engine: Engine, question: str) -> None:
    answer = story_engine.ask(question)
    assert answer.outcome is Outcome.ANSWERED, answer.text
    assert "story" in (answer.matched_question or "").lower()
