"""/sources and /help."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app import limits
from bot.discord_app.embeds import Reply, help_embed, sources_embed
from bot.discord_app.views import send_reply

if TYPE_CHECKING:
    from bot.discord_app.bot import StoryBot


class Info(commands.Cog):
    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot

    @app_commands.command(name="sources", description="The sources StoryBot answers from.")
    @app_commands.allowed_contexts(guilds=True, dms=True)
    @app_commands.allowed_installs(guilds=True)
    async def sources(self, interaction: discord.Interaction[StoryBot]) -> None:
        stories = self.bot.stories
        if len(stories) > 1:  # one embed per story, its title first
            embeds = [sources_embed(e.kb, title=stories.refs[sid].title) for sid, e in stories.engines.items()]
            await send_reply(interaction, Reply(embeds=tuple(embeds[: limits.EMBEDS])))
            return
        await send_reply(interaction, Reply(embeds=(sources_embed(self.bot.engine.kb),)))

    @app_commands.command(name="help", description="What StoryBot can do, briefly.")
    @app_commands.allowed_contexts(guilds=True, dms=True)
    @app_commands.allowed_installs(guilds=True)
    async def help(self, interaction: discord.Interaction[StoryBot]) -> None:
        titles = [ref.title for ref in self.bot.stories.refs.values()]
        embed = help_embed(self.bot.engine.examples(), titles)
        await send_reply(interaction, Reply(embeds=(embed,)), private=True)


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Info(bot))
