"""/kb channel: moderators give a channel its own story, or switch StoryBot off (and on) in a channel.

The commands join the moderators' /kb group (so they share its permission check) as `/kb channel ...`;
each setting is kept in the store, so it outlives a restart and every bot process sees it.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.curation.store import ChannelSetting
from bot.discord_app.permissions import NotModerator, is_moderator
from bot.discord_app.story_choice import channel_setting, story_choices, story_option
from bot.discord_app.views import respond_privately

if TYPE_CHECKING:
    from bot.discord_app.bot import StoryBot

EVERY_STORY = "every story"


class Channels(commands.Cog):
    channel = app_commands.Group(name="channel", description="Moderators: StoryBot in this channel.")

    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction[StoryBot], /) -> bool:  # type: ignore[override]
        if is_moderator(interaction.user, interaction.permissions, self.bot.settings.mod_role_ids):
            return True
        raise NotModerator("moderators only")

    async def _save(self, interaction: discord.Interaction[StoryBot], setting: ChannelSetting) -> None:
        channel_id = interaction.channel_id
        if channel_id is None:
            await respond_privately(interaction, "Use this in a channel.")
            return
        await asyncio.to_thread(self.bot.store.set_channel, channel_id, setting, interaction.user.id)

    @channel.command(name="default", description="The story questions in this channel are about by default.")
    @app_commands.describe(story="The story; leave empty to ask every story again.")
    async def default(self, interaction: discord.Interaction[StoryBot], story: str | None = None) -> None:
        chosen, known = await story_option(interaction, self.bot.stories, story)
        if not known:
            return
        current = await channel_setting(self.bot, interaction.channel_id)
        await self._save(interaction, ChannelSetting(chosen, current.off))
        title = self.bot.stories.refs[chosen].title if chosen else EVERY_STORY
        await respond_privately(interaction, f"Questions in this channel are now answered from {title}.")

    @default.autocomplete("story")
    async def story_autocomplete(
        self, interaction: discord.Interaction[StoryBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return story_choices(self.bot.stories, current)

    @channel.command(name="off", description="Switch StoryBot off in this channel (it stops answering here).")
    async def off(self, interaction: discord.Interaction[StoryBot]) -> None:
        current = await channel_setting(self.bot, interaction.channel_id)
        await self._save(interaction, ChannelSetting(current.story, True))
        await respond_privately(interaction, "StoryBot is now off in this channel. `/kb channel on` switches it back.")

    @channel.command(name="on", description="Switch StoryBot back on in this channel.")
    async def on(self, interaction: discord.Interaction[StoryBot]) -> None:
        current = await channel_setting(self.bot, interaction.channel_id)
        await self._save(interaction, ChannelSetting(current.story, False))
        await respond_privately(interaction, "StoryBot answers in this channel again.")


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Channels(bot))
    # /kb belongs to the moderation cog: this cog's group leaves the top level to become `/kb channel`.
    kb, group = bot.tree.get_command("kb"), bot.tree.remove_command(Channels.channel.name)
    if not isinstance(kb, app_commands.Group) or not isinstance(group, app_commands.Group):
        raise RuntimeError("the moderation cog's /kb group must be loaded before /kb channel")
    kb.add_command(group)
