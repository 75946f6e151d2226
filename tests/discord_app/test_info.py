from bot.discord_app.bot import StoryBot
from bot.discord_app.cogs.info import Info

from .conftest import fake_interaction, run_command, sent_kwargs


async def test_sources_lists_the_story(story_bot: StoryBot) -> None:
    cog = Info(story_bot)
    interaction = fake_interaction(story_bot)
    await run_command(cog.sources, cog, interaction)
    (embed,) = sent_kwargs(interaction.response.send_message)["embeds"]
    titles = [f.name for f in embed.fields]
    assert [s.title for s in story_bot.engine.kb.sources.values()] == titles


async def test_help_is_private(story_bot: StoryBot) -> None:
    cog = Info(story_bot)
    interaction = fake_interaction(story_bot)
    await run_command(cog.help, cog, interaction)
    assert sent_kwargs(interaction.response.send_message)["ephemeral"] is True
