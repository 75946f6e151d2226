"""The adapter over the real engine and the bundled story: every reply to the evaluation questions fits Discord."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.answering import Engine
from bot.discord_app.embeds import answer_reply, more_embed, quote_pages
from bot.discord_app.views import reply_view

from .conftest import discord_problems

QUESTIONS = yaml.safe_load((Path(__file__).parents[1] / "eval" / "questions.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("item", QUESTIONS, ids=lambda item: item["q"][:40])
def test_every_evaluation_question_gets_a_reply_discord_accepts(story_engine: Engine, item: dict[str, Any]) -> None:
    answer = story_engine.ask(item["q"])
    reply = answer_reply(answer, recorded=True)
    assert discord_problems(reply.content, list(reply.embeds)) == []
    assert reply.content or reply.embeds
    reply_view(reply, 12345)  # builds without error: ids fit custom ids, labels fit buttons
    shown = list(reply.embeds)
    if reply.expandable:
        shown.append(more_embed(answer))
        assert discord_problems(None, shown[-1:]) == []
    for embed in shown:
        text = str(embed.to_dict())
        for view in answer.quotes:  # a quote shown as a quote is attributed to the speaker the engine named
            if f"“{view.quote.text[:40]}" in text:
                assert view.speaker in text


def test_every_quoted_person_gets_pages_discord_accepts(story_engine: Engine) -> None:
    for speaker_id in story_engine.kb.quotes_by_speaker:
        if speaker_id is None:
            continue
        result = story_engine.quote(story_engine.kb.speakers[speaker_id].name)
        assert result.quotes
        assert discord_problems(None, quote_pages(result)) == []
