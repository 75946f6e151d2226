"""Choosing a story on Discord: the `story` option's autocomplete, a channel's setting, and the buttons of a
"which story?" reply (each answers one story's entry)."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Self

import discord
from discord import app_commands

from bot.answering.answer import Answer
from bot.answering.stories import StoryEngines
from bot.curation.store import ChannelSetting
from bot.discord_app import limits
from bot.discord_app.embeds import Reply
from bot.discord_app.safety import quiet_mentions
from bot.discord_app.views import (
    FEEDBACK_PREFIX,
    ID,
    MORE_PREFIX,
    TOPIC,
    answer_suggestion,
    pressed_label,
    respond_privately,
    suggestion_button,
)

if TYPE_CHECKING:
    from bot.discord_app.bot import StoryBot

log = logging.getLogger(__name__)

STORY_SUGGESTION_PREFIX = "storybot:story:"
SWITCHED_OFF = "Moderators have switched StoryBot off in this channel. Ask in another channel, or in a DM."


def story_choices(stories: StoryEngines, partial: str) -> list[app_commands.Choice[str]]:
    """Autocomplete choices: story titles shown, story ids sent back; within Discord's limits."""
    return limits.text_choices(stories.complete(partial[: limits.CHOICE_NAME], limits.CHOICES))


def unknown_story_text(stories: StoryEngines, story: str) -> str:
    known = ", ".join(f"`{sid}`" for sid in stories.refs)
    return limits.trim(
        f"There is no story `{quiet_mentions(story[:100])}`. The stories are {known}; pick one as you type.",
        limits.CONTENT,
    )


async def story_option(
    interaction: discord.Interaction[Any], stories: StoryEngines, story: str | None
) -> tuple[str | None, bool]:
    """The story a command's `story` option names (None: it names none), and whether the command goes on:
    False after telling the person privately that what they typed names no story."""
    if not story:
        return None, True
    found = stories.find(story)
    if found is None:
        await respond_privately(interaction, unknown_story_text(stories, story))
    return found, found is not None


async def channel_setting(bot: StoryBot, channel_id: int | None) -> ChannelSetting:
    """What moderators set for a channel (the defaults when nothing, or when the store cannot be read)."""
    if channel_id is None:
        return ChannelSetting()
    try:
        setting = await asyncio.to_thread(bot.store.channel_setting, channel_id)
    except Exception:
        log.exception("could not read the settings of channel %s", channel_id)
        return ChannelSetting()
    if setting.story is not None and setting.story not in bot.stories.refs:  # a story since removed
        return ChannelSetting(None, setting.off)
    return setting


class StorySuggestionButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"{STORY_SUGGESTION_PREFIX}(?P<story>{ID}):(?P<entry>{ID})",
):
    """Answers one entry of one story: what a "which story?" reply, or a suggestion from a story, offers."""

    def __init__(self, story: str, entry_id: str, label: str) -> None:
        super().__init__(suggestion_button(label, f"{STORY_SUGGESTION_PREFIX}{story}:{entry_id}"))
        self.story = story
        self.entry_id = entry_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(match["story"], match["entry"], pressed_label(item))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await answer_suggestion(
            interaction,
            f"{self.entry_id} of story {self.story}",
            lambda bot: bot.stories.answer_entry(self.story, self.entry_id),
            lambda bot, reply, answer: story_topic(reply, answer, bot.stories),
        )


def story_topic(reply: Reply, answer: Answer, stories: StoryEngines) -> Reply:
    """A reply whose buttons (feedback, "Show evidence") name the answer's story, when it is not the default's."""
    if reply.topic is None or answer.story is None or answer.story.id == stories.default:
        return reply
    kind, _, ident = reply.topic.partition(":")
    return replace(reply, topic=f"{kind}:{answer.story.id}/{ident}")


def story_of_message(message: discord.Message | None, my_id: int) -> str | None:
    """The story of the bot answer a message is (from its buttons), when it is not the default story's."""
    if message is None or message.author.id != my_id:
        return None
    for row in message.components:
        for component in getattr(row, "children", ()):
            custom_id = getattr(component, "custom_id", None) or ""
            found = re.fullmatch(rf"(?:{FEEDBACK_PREFIX}(?:up|no):\d+|{MORE_PREFIX[:-1]}):{TOPIC}", custom_id)
            if found:
                story, slash, _ = found["id"].rpartition("/")
                return story if slash else None
    return None


def story_button(story: str, entry_id: str, label: str) -> StorySuggestionButton | None:
    """The button, or None when its ids do not fit a custom id."""
    if not (re.fullmatch(ID, story) and re.fullmatch(ID, entry_id)):
        return None
    if len(f"{STORY_SUGGESTION_PREFIX}{story}:{entry_id}") > limits.CUSTOM_ID:
        return None
    return StorySuggestionButton(story, entry_id, label)
