"""The adapter over the real engine and the bundled story: every reply to the evaluation questions fits Discord."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.answering import Answer, Engine
from bot.discord_app import limits
from bot.discord_app.embeds import Reply, answer_reply, more_embed, quote_pages
from bot.discord_app.views import SuggestionButton, reply_view, suggestion_view

from .conftest import discord_problems

QUESTIONS = yaml.safe_load((Path(__file__).parents[1] / "eval" / "questions.yaml").read_text(encoding="utf-8"))


def shown_quotes(answer: Answer, reply: Reply) -> list[tuple[str, str]]:
    """(opening words, speaker) of each of the answer's quotes that the reply's embeds show as a quote: in
    quotation marks, or as a block quote of its own (a term quoted inside the answer's text is not one)."""
    text = " ".join(str(embed.to_dict()) for embed in reply.embeds)
    shown = [
        view for view in answer.quotes if f"“{view.quote.text[:40]}" in text or f"> {view.quote.text[:40]}" in text
    ]
    return [(view.quote.text[:40], view.speaker) for view in shown]


@pytest.mark.parametrize("item", QUESTIONS, ids=lambda item: item["q"][:40])
def test_every_evaluation_question_gets_a_reply_discord_accepts(story_engine: Engine, item: dict[str, Any]) -> None:
    answer = story_engine.ask(item["q"])
    reply = answer_reply(answer, recorded=True)

    assert discord_problems(reply.content, list(reply.embeds)) == []
    assert reply.content or reply.embeds
    # Every suggestion offered becomes a button (its id fits a custom id), up to one row of them.
    view = suggestion_view(reply.suggestions)
    buttons = [item.item for item in (view.children if view is not None else []) if isinstance(item, SuggestionButton)]
    assert len(buttons) == min(len(reply.suggestions), limits.BUTTONS_PER_ROW)
    assert all(0 < len(button.label or "") <= limits.BUTTON_LABEL for button in buttons)
    assert all(len(button.custom_id or "") <= limits.CUSTOM_ID for button in buttons)
    reply_view(reply, 12345)  # the feedback and "more" buttons build too: their ids fit custom ids
    # What "Show evidence and quotes" adds fits Discord as well.
    more = [more_embed(answer)] if reply.expandable else []
    assert discord_problems(None, more) == []
    # A quote shown is attributed to the speaker the engine named, next to it.
    shown = Reply(embeds=(*reply.embeds, *more))
    text = " ".join(str(embed.to_dict()) for embed in shown.embeds)
    assert all(speaker in text for _, speaker in shown_quotes(answer, shown))


def test_the_evaluation_questions_show_quotes_and_suggestions(story_engine: Engine) -> None:
    """The checks above are not empty: the evaluation set has replies with quotes and with suggestions."""
    replies = [(answer, answer_reply(answer)) for answer in (story_engine.ask(item["q"]) for item in QUESTIONS)]
    assert (
        sum(1 for answer, reply in replies if shown_quotes(answer, Reply(embeds=(*reply.embeds, more_embed(answer)))))
        >= 3
    )
    assert sum(1 for _, reply in replies if reply.suggestions) >= 3


def test_every_quoted_person_gets_pages_discord_accepts(story_engine: Engine) -> None:
    speakers = [speaker_id for speaker_id in story_engine.kb.quotes_by_speaker if speaker_id is not None]
    assert speakers
    for speaker_id in speakers:
        result = story_engine.quote(story_engine.kb.speakers[speaker_id].name)
        assert result.quotes
        pages = quote_pages(result)
        assert pages
        assert discord_problems(None, pages) == []
