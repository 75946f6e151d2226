from typing import Any
from unittest.mock import MagicMock

import pytest

from bot.answering import Engine
from bot.discord_app import limits
from bot.discord_app.bot import StoryBot
from bot.discord_app.cogs.quotes import Quotes, speaker_choices

from .conftest import fake_interaction, make_quote_result, run_command, sent_kwargs


def test_autocomplete_offers_at_most_25_choices_of_at_most_100_characters() -> None:
    engine = MagicMock(spec=Engine)
    engine.complete_speakers.return_value = [(f"Person {n} — " + "role " * 40, f"person-{n}") for n in range(40)]
    choices = speaker_choices(engine, "p" * 500)
    assert len(choices) == limits.CHOICES
    assert all(len(c.name) <= limits.CHOICE_NAME and len(c.value) <= limits.CHOICE_VALUE for c in choices)
    assert choices[0].value == "person-0"
    partial, limit = engine.complete_speakers.call_args.args
    assert len(partial) <= 100 and limit == 25


def test_autocomplete_with_the_real_engine_finds_greer(story_engine: Engine) -> None:
    choices = speaker_choices(story_engine, "gree")
    assert choices[0].value == "evan-greer"
    assert choices[0].name.startswith("Evan Greer")


async def quote_sent(bot: StoryBot, person: str) -> dict[str, Any]:
    """What `/quote person` sends, as the keyword arguments of its one message."""
    cog = Quotes(bot)
    interaction = fake_interaction(bot)
    await run_command(cog.quote, cog, interaction, person)
    return sent_kwargs(interaction.response.send_message)


async def test_a_picked_name_shows_that_persons_quotes(story_bot: StoryBot) -> None:
    sent = await quote_sent(story_bot, "evan-greer")  # what autocomplete sends: the speaker id
    (embed,) = sent["embeds"]
    assert embed.title == "Quotes: Evan Greer"
    assert "tech companies want to have it both ways" in embed.description
    assert "view" not in sent  # two quotes fit one page


async def test_a_typed_name_is_looked_up(story_bot: StoryBot) -> None:
    (embed,) = (await quote_sent(story_bot, "Alpert"))["embeds"]
    assert embed.title == "Quotes: Geoffrey Alpert"


async def test_an_unknown_name_shows_no_ones_quotes(story_bot: StoryBot) -> None:
    (embed,) = (await quote_sent(story_bot, "Zebediah Quux"))["embeds"]
    assert embed.title == "Nobody by that name"
    assert "> “" not in embed.description


async def test_many_quotes_come_with_a_pager(story_bot: StoryBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.discord_app.cogs.quotes.quotes_for", lambda engine, person: make_quote_result(30))
    sent = await quote_sent(story_bot, "greer")
    assert sent["embeds"][0].footer.text.startswith("Page 1 of 6")
    ids = [button.custom_id for button in sent["view"].children]
    assert ids == ["storybot:quotes:evan-greer:0:prev", "storybot:quotes:evan-greer:1:next"]
