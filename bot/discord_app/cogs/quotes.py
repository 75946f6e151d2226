"""/quote: everything one person in the story said, verbatim and attributed, a page at a time."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.answering import Engine
from bot.app.lookup import quotes_for
from bot.discord_app import limits
from bot.discord_app.embeds import Reply, quote_pages
from bot.discord_app.views import pager_view, send_reply

if TYPE_CHECKING:
    from bot.discord_app.bot import StoryBot


def speaker_choices(engine: Engine, partial: str) -> list[app_commands.Choice[str]]:
    """Autocomplete choices: names (with role) shown, speaker ids sent back; within Discord's limits."""
    choices = []
    for label, speaker_id in engine.complete_speakers(partial[: limits.CHOICE_NAME], limits.CHOICES):
        if 0 < len(speaker_id) <= limits.CHOICE_VALUE:
            choices.append(app_commands.Choice(name=limits.trim(label, limits.CHOICE_NAME), value=speaker_id))
    return choices[: limits.CHOICES]


class Quotes(commands.Cog):
    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot

    @app_commands.command(name="quote", description="What someone in the story said, word for word.")
    @app_commands.describe(person="Who said it; pick a name from the list as you type.")
    @app_commands.allowed_contexts(guilds=True, dms=True)
    @app_commands.allowed_installs(guilds=True)
    async def quote(self, interaction: discord.Interaction[StoryBot], person: str) -> None:
        result = quotes_for(self.bot.engine, person)
        pages = quote_pages(result)
        view = pager_view(result.speaker_id, 0, len(pages)) if result.speaker_id else None
        await send_reply(interaction, Reply(embeds=(pages[0],)), view=view)

    @quote.autocomplete("person")
    async def person_autocomplete(
        self, interaction: discord.Interaction[StoryBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return speaker_choices(self.bot.engine, current)


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Quotes(bot))
