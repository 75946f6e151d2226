"""Which story a /kb command is about: its `story` option, else the channel's default story, else the
library's default (first) story. Each moderator's edit, list and count is about one story."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.curation.store import StoryScope
from bot.discord_app.story_choice import channel_setting, story_option

if TYPE_CHECKING:
    from bot.discord_app.bot import StoryBot

STORY_OPTION = "The story (when there are several); default: this channel's story, else the first one."


async def story_for(bot: StoryBot, interaction: discord.Interaction[StoryBot], story: str | None) -> str | None:
    """The story a command is about; None after telling the moderator that `story` names none."""
    named, known = await story_option(interaction, bot.stories, story)
    if named is not None or not known:
        return named
    return (await channel_setting(bot, interaction.channel_id)).story or bot.stories.default


async def typed_story(bot: StoryBot, interaction: discord.Interaction[StoryBot]) -> str:
    """For autocomplete: the story chosen so far in the command's `story` option, else the default story as
    above (also while what is typed names no story yet)."""
    typed = getattr(interaction.namespace, "story", None)
    found = bot.stories.find(str(typed)) if typed else None
    return found or (await channel_setting(bot, interaction.channel_id)).story or bot.stories.default


def scope(bot: StoryBot, story: str) -> StoryScope:
    """The store's rows of `story`; those that name no story are the default story's."""
    return StoryScope(story, default=story == bot.stories.default)
