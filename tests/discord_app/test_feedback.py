"""Feedback and "Show evidence and quotes" buttons, and the context an answer carries for replies to it."""

from __future__ import annotations

from typing import Any
from unittest.mock import MagicMock

import discord
import pytest

from bot.answering import Engine
from bot.answering.followup import Context
from bot.discord_app import limits
from bot.discord_app.bot import StoryBot
from bot.discord_app.cogs.ask import Ask
from bot.discord_app.embeds import answer_reply
from bot.discord_app.views import (
    THANKS_HELPFUL,
    THANKS_WANTED,
    FeedbackButton,
    MoreButton,
    WantedModal,
    context_from_message,
    reply_view,
)

from .conftest import BOT_ID, USER_ID, fake_interaction, fake_message, make_decline, sent_kwargs


def custom_ids(view: discord.ui.View | None) -> list[str]:
    assert view is not None
    return [str(getattr(item, "custom_id", "")) for item in view.children]


def bot_message(view: discord.ui.View | None, *, author_id: int = BOT_ID) -> MagicMock:
    """A message as discord.py builds it from Discord's payload, with the components the view sent."""
    assert view is not None
    message = MagicMock(spec_set=discord.Message)
    message.author = MagicMock(spec_set=discord.User)
    message.author.id = author_id
    message.components = [discord.ActionRow(row) for row in view.to_components()]  # type: ignore[arg-type]
    return message


def test_every_answer_gets_feedback_buttons_carrying_its_question_and_topic(story_engine: Engine) -> None:
    reply = answer_reply(story_engine.ask("which companies paused facial recognition?"))
    ids = custom_ids(reply_view(reply, 41))
    assert ids == [
        "storybot:fb:up:41:e:which-companies-paused",
        "storybot:fb:no:41:e:which-companies-paused",
        "storybot:more:e:which-companies-paused",
    ]
    assert all(len(i) <= limits.CUSTOM_ID for i in ids)


def test_someones_quotes_carry_the_speaker_and_a_decline_gets_no_feedback(story_engine: Engine) -> None:
    quotes = answer_reply(story_engine.ask("what did greer say?"))
    assert "storybot:fb:no:7:s:evan-greer" in custom_ids(reply_view(quotes, 7))
    decline = reply_view(answer_reply(make_decline()), 7)
    assert not [i for i in custom_ids(decline) if i.startswith(("storybot:fb:", "storybot:more:"))]


def test_an_answer_with_nothing_more_to_show_has_no_more_button(story_engine: Engine) -> None:
    reply = answer_reply(story_engine.ask("what did the mayor say?"))
    assert not reply.expandable
    assert not [i for i in custom_ids(reply_view(reply, 1)) if i.startswith("storybot:more:")]


def test_a_reply_to_the_bots_answer_finds_its_context_and_only_the_bots(story_engine: Engine) -> None:
    view = reply_view(answer_reply(story_engine.ask("who is geoffrey alpert?")), 3)
    found = context_from_message(bot_message(view), story_engine, BOT_ID)
    assert found is not None and found.entry_id == "who-is-geoffrey-alpert"
    assert found.people[0] == "geoffrey-alpert", "the person the answer is about comes first"
    assert context_from_message(bot_message(view, author_id=USER_ID), story_engine, BOT_ID) is None


async def test_helpful_is_recorded_and_thanked_privately(story_bot: StoryBot) -> None:
    interaction = fake_interaction(story_bot)
    await FeedbackButton("up", 0, "e:which-companies-paused").callback(interaction)
    assert interaction.response.send_message.await_args.args == (THANKS_HELPFUL,)
    assert story_bot.store.stats().helpful == 1
    assert story_bot.store.feedback_to_review() == []


async def test_not_right_opens_the_optional_form_and_what_they_wanted_reaches_review(story_bot: StoryBot) -> None:
    question_id = story_bot.store.record_question(
        question="what did the mayor say?",
        outcome="answered",
        entry_id="greer-city-councils",
        confidence=0.82,
        user_id=USER_ID,
        guild_id=None,
    )
    pressed = fake_interaction(story_bot)
    await FeedbackButton("no", question_id, "e:greer-city-councils").callback(pressed)
    modal = pressed.response.send_modal.await_args.args[0]
    assert isinstance(modal, WantedModal)
    [item] = story_bot.store.feedback_to_review()
    assert (item.question, item.entry_id, item.confidence) == ("what did the mayor say?", "greer-city-councils", 0.82)

    modal.wanted._value = "the mayor's own words"
    submitted = fake_interaction(story_bot)
    await modal.on_submit(submitted)
    assert submitted.response.send_message.await_args.args == (THANKS_WANTED,)
    assert story_bot.store.feedback_to_review()[0].wanted == "the mayor's own words"


async def test_show_evidence_and_quotes_answers_privately(story_bot: StoryBot) -> None:
    interaction = fake_interaction(story_bot)
    await MoreButton("e:which-companies-paused").callback(interaction)
    sent = sent_kwargs(interaction.response.send_message)
    assert sent["ephemeral"] is True
    assert "view" not in sent
    assert any("moratorium" in str(f.value) for f in sent["embeds"][0].fields)


@pytest.fixture
def asking(story_bot: StoryBot) -> tuple[Ask, MagicMock]:
    engine = MagicMock(spec=Engine)
    engine.kb = story_bot.engine.kb
    engine.ask.return_value = make_decline()
    story_bot.holder.engine = engine
    return Ask(story_bot), engine


async def test_a_question_in_a_thread_started_from_an_answer_follows_that_answer(
    story_bot: StoryBot, story_engine: Engine, asking: tuple[Ask, MagicMock]
) -> None:
    cog, engine = asking
    starter = bot_message(reply_view(answer_reply(story_engine.ask("who is geoffrey alpert?")), 3))
    message = fake_message(f"<@{BOT_ID}> what did he say?", mentions=(BOT_ID,))
    thread = MagicMock(spec_set=discord.Thread)
    thread.id = 4242
    thread.starter_message = starter
    message.channel = thread
    await cog.on_message(message)
    question, context = engine.ask.call_args.args
    assert question == "what did he say?"
    assert context is not None and context.entry_id == "who-is-geoffrey-alpert"


async def test_a_member_without_a_conversation_asks_afresh(asking: tuple[Ask, MagicMock]) -> None:
    cog, engine = asking
    cog.bot.conversations.remember(999, USER_ID + 1, Context(None, ("evan-greer",)))  # someone else's
    interaction: Any = fake_interaction(cog.bot)
    interaction.channel_id = 999
    await cog.answer_interaction(interaction, "what did she say?")
    assert engine.ask.call_args.args == ("what did she say?", None)  # no context: a fresh question
