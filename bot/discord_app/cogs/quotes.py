"""/quote: everything one person in the story said, verbatim and attributed, a page at a time."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.answering import Engine
from bot.app.lookup import quotes_for
from bot.discord_app import limits
from bot.discord_app.embeds import Reply, quote_pages
from bot.discord_app.story_choice import channel_setting, story_choices, story_option
from bot.discord_app.views import pager_view, send_reply

if TYPE_CHECKING:
    from bot.discord_app.bot import StoryBot

STORY_SEPARATOR = "/"  # between a story id and a speaker id in a choice's value; in neither id's alphabet


def speaker_choices(engine: Engine, partial: str) -> list[app_commands.Choice[str]]:
    """Autocomplete choices: names (with role) shown, speaker ids sent back; within Discord's limits."""
    return limits.text_choices(engine.complete_speakers(partial[: limits.CHOICE_NAME], limits.CHOICES))


class Quotes(commands.Cog):
    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot

    @app_commands.command(name="quote", description="What someone in the story said, word for word.")
    @app_commands.describe(
        person="Who said it; pick a name from the list as you type.",
        story="Which story they are quoted in (when there are several); pick one as you type.",
    )
    @app_commands.allowed_contexts(guilds=True, dms=True)
    @app_commands.allowed_installs(guilds=True)
    async def quote(self, interaction: discord.Interaction[StoryBot], person: str, story: str | None = None) -> None:
        stories = self.bot.stories
        chosen, known = await story_option(interaction, stories, story)
        if not known:
            return
        picked, _, speaker = person.partition(STORY_SEPARATOR)  # a pick from several stories: "story/speaker"
        if speaker and picked in stories.refs:
            chosen, person = picked, speaker
        if chosen is None and len(stories) > 1:
            setting = await channel_setting(self.bot, interaction.channel_id)
            chosen = setting.story
        if chosen is None and len(stories) > 1:
            result = stories.quote(person)
        else:
            result = replace(quotes_for(stories.engine(chosen), person), story=stories.refs[chosen or stories.default])
        pages = quote_pages(result)
        # The page buttons of another story than the default one say whose quotes they turn.
        other = result.story.id if result.story is not None and result.story.id != stories.default else None
        view = pager_view(result.speaker_id, 0, len(pages), story=other) if result.speaker_id else None
        await send_reply(interaction, Reply(embeds=(pages[0],)), view=view)

    @quote.autocomplete("person")
    async def person_autocomplete(
        self, interaction: discord.Interaction[StoryBot], current: str
    ) -> list[app_commands.Choice[str]]:
        stories = self.bot.stories
        story = stories.find(str(getattr(interaction.namespace, "story", None) or ""))
        if story is not None or len(stories) == 1:
            return speaker_choices(stories.engine(story), current)
        choices = []  # every story's people, each value naming its story
        for sid, engine in stories.engines.items():
            for choice in speaker_choices(engine, current):
                value = f"{sid}{STORY_SEPARATOR}{choice.value}"
                if len(value) <= limits.CHOICE_VALUE:
                    choices.append(app_commands.Choice(name=choice.name, value=value))
        return choices[: limits.CHOICES]

    @quote.autocomplete("story")
    async def story_autocomplete(
        self, interaction: discord.Interaction[StoryBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return story_choices(self.bot.stories, current)


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Quotes(bot))
