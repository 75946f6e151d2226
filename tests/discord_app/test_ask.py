from unittest.mock import MagicMock

import pytest

from bot.answering import Engine, Outcome
from bot.app.question_log import MemoryQuestionLog
from bot.discord_app.bot import StoryBot
from bot.discord_app.cogs.ask import EMPTY_MENTION, NO_TEXT, Ask, is_for_me
from bot.discord_app.cooldown import Cooldown

from .conftest import (
    BOT_ID,
    GUILD_ID,
    USER_ID,
    fake_interaction,
    fake_message,
    make_answer,
    make_decline,
    run_command,
    sent_kwargs,
    sent_text,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(story_bot: StoryBot) -> Clock:
    clock = Clock()
    story_bot.cooldown = Cooldown(1, 5.0, clock=clock)
    return clock


@pytest.fixture
def engine(story_bot: StoryBot) -> MagicMock:
    """An engine whose answers the test chooses, standing in for the real one."""
    stub = MagicMock(spec=Engine)
    stub.kb = story_bot.engine.kb  # answers name entries of the real knowledge base
    stub.ask.return_value = make_answer()
    story_bot.holder.engine = stub
    return stub


@pytest.fixture
def cog(story_bot: StoryBot) -> Ask:
    return Ask(story_bot)


async def test_ask_answers_publicly_without_pinging(cog: Ask, engine: MagicMock, clock: Clock) -> None:
    interaction = fake_interaction(cog.bot)
    await run_command(cog.ask, cog, interaction, "did ibm stop?")
    engine.ask.assert_called_once_with("did ibm stop?", None, names=("StoryBot",))
    sent = sent_kwargs(interaction.response.send_message)
    assert sent["embeds"][0].title.startswith("Answering:")
    assert sent["ephemeral"] is False
    assert sent["allowed_mentions"].to_dict() == {"parse": []}  # nobody, not even the person replied to


async def test_a_declined_question_is_recorded_and_offers_buttons(
    cog: Ask, engine: MagicMock, clock: Clock, questions: MemoryQuestionLog
) -> None:
    engine.ask.return_value = make_decline("what is the weather on mars?")
    interaction = fake_interaction(cog.bot)
    await run_command(cog.ask, cog, interaction, "what is the weather on mars?")
    sent = sent_kwargs(interaction.response.send_message)
    assert [c.custom_id for c in sent["view"].children] == [
        "storybot:answer:entry-0",
        "storybot:answer:entry-1",
        "storybot:answer:entry-2",
    ]
    (noted,) = questions.items
    assert noted.question == "what is the weather on mars?"
    assert noted.outcome is Outcome.DECLINED
    assert (noted.user_id, noted.guild_id) == (USER_ID, GUILD_ID)
    assert noted.suggestions[:3] == ("entry-0", "entry-1", "entry-2")
    assert "noted" in sent["embeds"][0].footer.text


async def test_answered_questions_are_recorded_with_their_entry(
    cog: Ask, engine: MagicMock, clock: Clock, questions: MemoryQuestionLog
) -> None:
    interaction = fake_interaction(cog.bot)
    await run_command(cog.ask, cog, interaction, "did ibm stop?")
    (noted,) = questions.items
    assert (noted.outcome, noted.entry_id, noted.confidence) == (Outcome.ANSWERED, "ibm-walks-away", 0.92)
    sent = sent_kwargs(interaction.response.send_message)
    # The feedback buttons carry the recorded question, so "Not right" reaches moderators with it.
    custom_ids = [item.custom_id for item in sent["view"].children]
    assert "storybot:fb:no:1:e:ibm-walks-away" in custom_ids


async def test_greetings_are_not_recorded(cog: Ask, clock: Clock, questions: MemoryQuestionLog) -> None:
    await run_command(cog.ask, cog, fake_interaction(cog.bot), "hello!")
    assert questions.items == []


async def test_a_failing_recorder_still_answers_and_says_nothing_was_noted(
    cog: Ask, engine: MagicMock, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    engine.ask.return_value = make_decline()
    broken = MagicMock()
    broken.record.side_effect = OSError("disk full")
    cog.bot.questions = broken
    interaction = fake_interaction(cog.bot)
    await run_command(cog.ask, cog, interaction, "anything")
    sent = sent_kwargs(interaction.response.send_message)
    assert sent["embeds"][0].footer.text is None
    assert "disk full" in caplog.text


async def test_asking_again_too_soon_gets_a_private_wait_note(cog: Ask, engine: MagicMock, clock: Clock) -> None:
    await run_command(cog.ask, cog, fake_interaction(cog.bot), "first")
    clock.now += 2
    second = fake_interaction(cog.bot)
    await run_command(cog.ask, cog, second, "second")
    note = second.response.send_message.await_args
    assert "3 seconds" in sent_text(second.response.send_message)
    assert note.kwargs["ephemeral"] is True
    assert engine.ask.call_count == 1
    clock.now += 3
    third = fake_interaction(cog.bot)
    await run_command(cog.ask, cog, third, "third")
    assert engine.ask.call_count == 2


async def test_the_cooldown_is_per_person(cog: Ask, engine: MagicMock, clock: Clock) -> None:
    await run_command(cog.ask, cog, fake_interaction(cog.bot, user_id=1), "first")
    await run_command(cog.ask, cog, fake_interaction(cog.bot, user_id=2), "second")
    assert engine.ask.call_count == 2


async def test_the_message_menu_asks_the_messages_text(cog: Ask, engine: MagicMock, clock: Clock) -> None:
    interaction = fake_interaction(cog.bot)
    await cog.ask_message(interaction, fake_message(f"<@{BOT_ID}> who is Evan Greer?"))
    engine.ask.assert_called_once_with("who is Evan Greer?", None, names=("StoryBot",))
    assert sent_kwargs(interaction.response.send_message)["embeds"]


async def test_the_message_menu_on_a_message_without_text_says_so(cog: Ask, engine: MagicMock, clock: Clock) -> None:
    interaction = fake_interaction(cog.bot)
    await cog.ask_message(interaction, fake_message(""))
    assert interaction.response.send_message.await_args.args == (NO_TEXT,)
    engine.ask.assert_not_called()


async def test_a_mention_is_answered_in_a_reply_without_the_mention(cog: Ask, engine: MagicMock, clock: Clock) -> None:
    message = fake_message(f"<@{BOT_ID}> who is Evan Greer?", mentions=(BOT_ID,))
    await cog.on_message(message)
    engine.ask.assert_called_once_with("who is Evan Greer?", None, names=("StoryBot",))
    sent = sent_kwargs(message.reply)
    assert sent["mention_author"] is False
    assert sent["allowed_mentions"].to_dict() == {"parse": []}  # nobody, not even the person replied to
    assert sent["embeds"][0].title.startswith("Answering:")


async def test_a_bare_mention_gets_a_hint(cog: Ask, engine: MagicMock, clock: Clock) -> None:
    message = fake_message(f"<@!{BOT_ID}>", mentions=(BOT_ID,))
    await cog.on_message(message)
    assert sent_kwargs(message.reply)["content"] == EMPTY_MENTION
    engine.ask.assert_not_called()


async def test_messages_not_for_the_bot_are_ignored(cog: Ask, engine: MagicMock, clock: Clock) -> None:
    for message in (
        fake_message("who is Evan Greer?"),  # no mention, in a server
        fake_message(f"<@{BOT_ID}> hi", author_bot=True),  # another bot
        fake_message("<@123> who is Evan Greer?", mentions=(123,)),  # someone else mentioned
    ):
        await cog.on_message(message)
        message.reply.assert_not_awaited()
    engine.ask.assert_not_called()


async def test_a_direct_message_is_answered_without_a_mention(
    cog: Ask, engine: MagicMock, clock: Clock, questions: MemoryQuestionLog
) -> None:
    engine.ask.return_value = make_decline("who is the mayor?")
    message = fake_message("who is the mayor?", guild=False)
    await cog.on_message(message)
    engine.ask.assert_called_once_with("who is the mayor?", None, names=("StoryBot",))
    assert sent_kwargs(message.reply)["embeds"]
    (noted,) = questions.items
    assert noted.guild_id is None


async def test_a_mention_too_soon_gets_a_self_deleting_wait_note(cog: Ask, engine: MagicMock, clock: Clock) -> None:
    await cog.on_message(fake_message(f"<@{BOT_ID}> first", mentions=(BOT_ID,)))
    second = fake_message(f"<@{BOT_ID}> second", mentions=(BOT_ID,))
    await cog.on_message(second)
    sent = sent_kwargs(second.reply)
    assert "wait 5 seconds" in sent["content"]
    assert sent["delete_after"] > 0


async def test_an_error_while_answering_a_mention_apologises_and_is_logged(
    cog: Ask, engine: MagicMock, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    engine.ask.side_effect = RuntimeError("matcher exploded")
    message = fake_message(f"<@{BOT_ID}> who?", mentions=(BOT_ID,))
    await cog.on_message(message)  # does not raise
    assert "Sorry" in sent_text(message.reply)
    assert "matcher exploded" in caplog.text


def test_a_reply_ping_counts_as_a_mention() -> None:
    assert is_for_me(fake_message("and what about Amazon?", mentions=(BOT_ID,)), BOT_ID)
    assert not is_for_me(fake_message("and what about Amazon?"), BOT_ID)


async def test_the_real_engine_answers_a_real_question(cog: Ask, clock: Clock) -> None:
    interaction = fake_interaction(cog.bot)
    await run_command(cog.ask, cog, interaction, "which company walked away from facial recognition?")
    sent = sent_kwargs(interaction.response.send_message)
    assert "IBM" in sent["embeds"][0].description
