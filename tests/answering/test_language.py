"""Questions in other languages get a polite note in English (or the reader's locale), never a guess."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.answering import Engine, Outcome
from bot.answering.language import ENGLISH, POLITE_REPLIES, UNKNOWN, detect, polite_reply

EVAL = Path(__file__).resolve().parents[1] / "eval"


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("¿Quién es Evan Greer?", "es"),
        ("que dijo greer", "es"),
        ("Qui est Evan Greer ?", "fr"),
        ("Wer ist Evan Greer?", "de"),
        ("Was hat Amazon gesagt?", "de"),
        ("Quem é Evan Greer?", "pt"),
        ("Кто такой Эван Грир?", UNKNOWN),
        ("埃文是谁", UNKNOWN),
    ],
)
def test_other_languages_are_recognised(question: str, language: str) -> None:
    assert detect(question) == language


def test_every_english_question_of_the_evaluation_sets_and_knowledge_base_is_english(story_engine: Engine) -> None:
    questions = [
        case["q"]
        for name in ("questions.yaml", "blind.yaml")
        for case in yaml.safe_load((EVAL / name).read_text(encoding="utf-8"))
    ]
    questions += [q for entry in story_engine.kb.entries.values() for q in entry.questions]
    flagged = [q for q in questions if detect(q) != ENGLISH]
    assert flagged == []


def test_a_spanish_question_gets_the_polite_note_and_no_suggestions(story_engine: Engine) -> None:
    answer = story_engine.ask("¿Quién es Evan Greer?")
    assert answer.outcome is Outcome.OTHER_LANGUAGE
    assert answer.language == "es"
    assert "English" in answer.text
    assert answer.suggestions == ()
    assert not answer.answered


def test_the_note_follows_the_locale_and_falls_back_to_english() -> None:
    assert polite_reply("es-ES") == POLITE_REPLIES["es"]
    assert polite_reply("pt-BR") == POLITE_REPLIES["pt"]
    assert polite_reply("fr") == POLITE_REPLIES["fr"]
    assert polite_reply("de") == POLITE_REPLIES["de"]
    assert polite_reply("ja") == POLITE_REPLIES["en"]
    assert polite_reply(None) == POLITE_REPLIES["en"]
    assert len(set(POLITE_REPLIES.values())) == len(POLITE_REPLIES)


def test_an_off_topic_question_offers_starter_questions_not_near_misses(story_engine: Engine) -> None:
    answer = story_engine.ask("weather in paris")
    assert answer.outcome is Outcome.DECLINED and answer.off_topic
    starters = [entry.id for entry in story_engine.kb.entries.values()][: len(answer.suggestions)]
    assert answer.suggestions and [s.entry_id for s in answer.suggestions] == starters
    near = story_engine.ask("did Google pause facial recognition?")
    assert near.outcome is Outcome.DECLINED and not near.off_topic


def test_the_word_lists_can_be_read_ahead_of_the_first_question() -> None:
    from bot.answering import general_english, load_word_lists

    general_english._table.cache_clear()  # as in a fresh process
    load_word_lists()
    assert general_english._table.cache_info().currsize == 1  # read: the first question will not wait
    assert general_english.zipf("everyone") > general_english.zipf("palantir") > 0


@pytest.mark.parametrize("question", ["ayo wat", "wat dis about", "y tho", "hola bot who runs the district"])
def test_english_chat_shorthand_stays_english(question: str) -> None:
    assert detect(question) == ENGLISH


def test_every_chat_style_question_of_the_evaluation_sets_is_english() -> None:
    sets = [EVAL / "discord.yaml", EVAL / "stories" / "water" / "questions.yaml"]
    questions = [case["q"] for path in sets for case in yaml.safe_load(path.read_text(encoding="utf-8"))]
    assert [q for q in questions if detect(q) != ENGLISH] == []


def test_a_story_s_own_names_never_make_an_english_question_foreign() -> None:
    # Names common in Spanish or Italian outweigh a short English word; the story's words count as English too.
    names = {"renata", "solis", "giulia", "moretti"}
    for question in ("renata solis quotes", "giulia moretti quotes"):
        assert detect(question, names) == ENGLISH
    assert detect("¿Quién es Renata Solis?", names) == "es"  # a question in Spanish stays Spanish
