from typing import Any

import discord
import pytest

from bot.answering.answer import Suggestion
from bot.discord_app import limits
from bot.discord_app.bot import StoryBot
from bot.discord_app.embeds import Reply
from bot.discord_app.views import (
    QUOTES_GONE,
    SUGGESTION_GONE,
    QuotePageButton,
    SuggestionButton,
    pager_view,
    send_reply,
    suggestion_view,
)

from .conftest import fake_interaction, sent_kwargs


def buttons(view: discord.ui.View | None) -> list[discord.ui.Item[Any]]:
    assert view is not None
    return view.children


def test_suggestion_buttons_carry_the_entry_id_and_a_label_within_limits() -> None:
    long_question = "Why " + "really " * 40 + "?"
    view = suggestion_view([Suggestion("ibm-walks-away", "What did IBM do?"), Suggestion("long-one", long_question)])
    assert view is not None
    data = [item.to_component_dict() for item in view.children]
    assert [d["custom_id"] for d in data] == ["storybot:answer:ibm-walks-away", "storybot:answer:long-one"]
    assert data[0]["label"] == "What did IBM do?"
    assert len(data[1]["label"]) <= limits.BUTTON_LABEL
    assert data[1]["label"].endswith("…")
    assert view.timeout is None  # the buttons keep working for as long as the message exists


def test_no_suggestions_no_buttons() -> None:
    assert suggestion_view([]) is None


def test_an_id_that_cannot_fit_a_custom_id_gets_no_button() -> None:
    assert suggestion_view([Suggestion("x" * 100, "A question?")]) is None


def test_the_pager_disables_the_way_it_cannot_go() -> None:
    first = [b.to_component_dict() for b in buttons(pager_view("evan-greer", 0, 3))]
    assert first[0]["disabled"] and not first[1]["disabled"]
    assert first[1]["custom_id"] == "storybot:quotes:evan-greer:1:next"
    last = [b.to_component_dict() for b in buttons(pager_view("evan-greer", 2, 3))]
    assert not last[0]["disabled"] and last[1]["disabled"]
    assert last[0]["custom_id"] == "storybot:quotes:evan-greer:1:prev"


def test_one_page_needs_no_pager() -> None:
    assert pager_view("evan-greer", 0, 1) is None


async def test_pressing_a_suggestion_answers_that_entry(story_bot: StoryBot) -> None:
    interaction = fake_interaction(story_bot)
    await SuggestionButton("ibm-walks-away").callback(interaction)
    sent = sent_kwargs(interaction.response.send_message)
    assert sent["allowed_mentions"].to_dict()["parse"] == []
    assert "IBM" in sent["embeds"][0].description
    assert not sent["ephemeral"]


async def test_a_suggestion_gone_after_a_reload_is_explained_privately(story_bot: StoryBot) -> None:
    interaction = fake_interaction(story_bot)
    await SuggestionButton("no-such-entry").callback(interaction)
    args = interaction.response.send_message.await_args
    assert args.args == (SUGGESTION_GONE,)
    assert args.kwargs["ephemeral"] is True


async def test_turning_a_page_edits_the_message_with_that_page(
    story_bot: StoryBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    interaction = fake_interaction(story_bot)
    await QuotePageButton("evan-greer", 0, "next").callback(interaction)
    edited = sent_kwargs(interaction.response.edit_message)
    assert edited["embeds"][0].title == "Quotes: Evan Greer"
    assert "Fight for Our Future" in edited["embeds"][0].description


async def test_pages_of_someone_no_longer_known_are_explained_privately(story_bot: StoryBot) -> None:
    interaction = fake_interaction(story_bot)
    await QuotePageButton("nobody-at-all", 1, "next").callback(interaction)
    assert interaction.response.send_message.await_args.args == (QUOTES_GONE,)
    interaction.response.edit_message.assert_not_awaited()


async def test_a_failure_while_answering_a_button_apologises_privately(
    story_bot: StoryBot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(entry_id: str) -> None:
        raise RuntimeError("engine broke")

    monkeypatch.setattr(story_bot.holder.engine, "answer_entry", broken)
    interaction = fake_interaction(story_bot)
    await SuggestionButton("ibm-walks-away").callback(interaction)
    assert "Sorry" in interaction.response.send_message.await_args.args[0]
    assert interaction.response.send_message.await_args.kwargs["ephemeral"] is True
    assert "engine broke" in caplog.text


async def test_a_reply_after_a_deferral_goes_out_as_a_follow_up(story_bot: StoryBot) -> None:
    interaction = fake_interaction(story_bot)
    interaction.response.is_done.return_value = True
    await send_reply(interaction, Reply(content="hello"))
    interaction.response.send_message.assert_not_awaited()
    assert sent_kwargs(interaction.followup.send)["content"] == "hello"
