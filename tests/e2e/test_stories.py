"""Two stories in one bot, through the Discord double: /ask story: autocompletes and scopes, a question that
fits both asks which (a button per story), and moderators' channel default and off switch."""

from __future__ import annotations

from pathlib import Path

import pytest
from discord_double import DiscordDouble, Reply

from bot.answering.stories import WHICH_STORY, StoryEngines
from bot.discord_app.bot import StoryBot
from bot.discord_app.embeds import NOT_MODERATOR
from bot.discord_app.runner import create_bot
from bot.discord_app.story_choice import STORY_SUGGESTION_PREFIX, SWITCHED_OFF
from bot.discord_app.views import MORE_PREFIX

from .conftest import RunClient, settings_for
from .test_moderation import private, shown
from .test_storybot import buttons

WATER_TITLE = "Cordero County water cuts"  # declared in the water story's story.yaml by `two_stories`


@pytest.fixture
async def library_bot(
    double: DiscordDouble, tmp_path: Path, run_client: RunClient, two_story_engines: StoryEngines
) -> StoryBot:
    stories = two_story_engines
    bot = create_bot(settings_for(double, tmp_path / "data"), stories.engine(), watch_quiet=None, stories=stories)
    await run_client(bot, double.token)
    return bot


async def ask(double: DiscordDouble, question: str, **options: str) -> Reply:
    return await double.wait_for_reply(await double.send_command("ask", {"question": question, **options}))


async def test_ask_story_autocompletes_and_scopes(double: DiscordDouble, library_bot: StoryBot) -> None:
    typing = await double.send_autocomplete("ask", {"question": "contract", "story": "cord"}, focused="story")
    choices = (await double.wait_for_reply(typing)).body["choices"]
    assert choices == [{"name": WATER_TITLE, "value": "water"}]

    scoped = await ask(double, "what is the contract worth?", story="water")
    assert "412" in shown(scoped) and WATER_TITLE in shown(scoped)  # answered from it, and named

    unknown = await ask(double, "what is the contract worth?", story="no-such-story")
    assert private(unknown) and "no story" in shown(unknown).lower()


async def test_a_question_fitting_both_stories_asks_which_with_a_button_each(
    double: DiscordDouble, library_bot: StoryBot
) -> None:
    reply = await ask(double, "what is the contract worth?")
    assert WHICH_STORY in shown(reply)
    offered = [b["custom_id"] for b in buttons(reply) if b["custom_id"].startswith(STORY_SUGGESTION_PREFIX)]
    assert {c.split(":")[2] for c in offered} == {"police-surveillance", "water"}

    water = next(c for c in offered if c.split(":")[2] == "water")
    assert reply.message is not None
    pressed = await double.wait_for_reply(await double.press_button(reply.message, water))
    assert "412" in shown(pressed) and WATER_TITLE in shown(pressed)


async def test_a_channel_default_story_and_the_off_switch(double: DiscordDouble, library_bot: StoryBot) -> None:
    refused = await double.wait_for_reply(await double.send_command("kb channel off", {}, user=double.alice))
    assert private(refused) and refused.body["content"] == NOT_MODERATOR

    done = await double.wait_for_reply(
        await double.send_command("kb channel default", {"story": "water"}, user=double.moderator)
    )
    assert private(done) and WATER_TITLE in shown(done)
    assert "412" in shown(await ask(double, "what is the contract worth?"))  # no story given: the channel's

    await double.wait_for_reply(await double.send_command("kb channel off", {}, user=double.moderator))
    off = await ask(double, "what is the contract worth?")
    assert private(off) and shown(off).strip() == SWITCHED_OFF

    await double.wait_for_reply(await double.send_command("kb channel on", {}, user=double.moderator))
    back = await ask(double, "what is the contract worth?")
    assert not private(back) and "412" in shown(back)  # on again, and still the channel's story

    await double.wait_for_reply(await double.send_command("kb channel default", {}, user=double.moderator))
    assert WHICH_STORY in shown(await ask(double, "what is the contract worth?"))  # every story again


async def test_help_and_sources_list_the_stories(double: DiscordDouble, library_bot: StoryBot) -> None:
    help_text = shown(await double.wait_for_reply(await double.send_command("help", {})))
    assert WATER_TITLE in help_text
    sources = await double.wait_for_reply(await double.send_command("sources", {}))
    assert len(sources.body["embeds"]) == 2 and WATER_TITLE in shown(sources)


async def test_quote_story_scopes_the_people(double: DiscordDouble, library_bot: StoryBot) -> None:
    typing = await double.send_autocomplete("quote", {"person": "whitfeld", "story": "water"}, focused="person")
    [first, *_] = (await double.wait_for_reply(typing)).body["choices"]
    assert first["name"].startswith("Dana Whitfield") and first["value"] == "dana-whitfield"
    reply = await double.wait_for_reply(
        await double.send_command("quote", {"person": first["value"], "story": "water"})
    )
    assert "Dana Whitfield" in shown(reply)

    # With no story chosen, every story's people are offered, each pick naming its story.
    typing = await double.send_autocomplete("quote", {"person": "whitfield"}, focused="person")
    [first, *_] = (await double.wait_for_reply(typing)).body["choices"]
    assert first["value"] == "water/dana-whitfield"
    assert "Dana Whitfield" in shown(
        await double.wait_for_reply(await double.send_command("quote", {"person": first["value"]}))
    )


async def test_an_answers_buttons_stay_with_its_story(double: DiscordDouble, library_bot: StoryBot) -> None:
    # Both stories have an entry `story-overview`: the water story's answer must expand to the water story's.
    reply = await ask(double, "what is this story about?", story="water")
    assert "Cordero County" in shown(reply)
    more = next(b["custom_id"] for b in buttons(reply) if b["custom_id"].startswith(MORE_PREFIX))
    assert more == f"{MORE_PREFIX}e:water/story-overview"
    assert reply.message is not None
    expanded = await double.wait_for_reply(await double.press_button(reply.message, more))
    assert "Cordero County" in shown(expanded) and "facial recognition" not in shown(expanded)


async def test_a_reply_to_an_answer_follows_up_in_its_story(double: DiscordDouble, library_bot: StoryBot) -> None:
    first = await ask(double, "what is the contract worth?", story="water")
    assert first.message is not None
    message = await double.post_message(double.alice, f"{double.bot.mention} who said that?", reply_to=first.message)
    follow_up = await double.wait_for_channel_reply(message)
    assert WATER_TITLE in shown(follow_up) or "AquaNova" in shown(follow_up)
    assert WHICH_STORY not in shown(follow_up)


async def test_mentions_go_unanswered_where_the_bot_is_off(double: DiscordDouble, library_bot: StoryBot) -> None:
    await double.wait_for_reply(await double.send_command("kb channel off", {}, user=double.moderator))
    message = await double.post_message(double.alice, f"{double.bot.mention} what is the contract worth?")
    with pytest.raises(AssertionError):
        await double.wait_for_channel_reply(message, timeout=1.0)
