"""Builders for hand-made engine values and Discord fakes, shared by the adapter's unit tests.

Engine values are built by hand so these tests do not depend on the matcher; Discord objects are mocks
with `spec_set` on the real discord.py classes, so a misspelt attribute fails the test.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock

import discord
import pytest
from discord.ext import commands
from discord_double.limits import message_problems

from bot.answering import Engine
from bot.answering.answer import Answer, EvidenceView, Outcome, QuoteResult, QuoteView, Suggestion
from bot.app.question_log import MemoryQuestionLog
from bot.discord_app.bot import StoryBot
from bot.discord_app.endpoints import DISCORD_API_BASE, DISCORD_GATEWAY
from bot.discord_app.runner import create_bot
from bot.knowledge.model import Entry, Evidence, Quote, Source
from bot.settings import Settings

BOT_ID = 555_000_000_000_000_001
USER_ID = 555_000_000_000_000_002
GUILD_ID = 555_000_000_000_000_003
CHANNEL_ID = 555_000_000_000_000_004


def make_source(*, outlet: str | None = None, url: str | None = None, source_id: str = "story") -> Source:
    return Source(id=source_id, title="Tech and police surveillance", text="…", outlet=outlet, url=url)


def make_quote_view(
    text: str = "We can't survive without these technologies",
    speaker: str = "Geoffrey Alpert",
    role: str | None = "criminology professor",
    *,
    quote_id: str = "q1",
    note: str | None = None,
    source: Source | None = None,
) -> QuoteView:
    source = source or make_source()
    quote = Quote(id=quote_id, text=text, source=source.id, speaker="alpert", attribution_note=note)
    return QuoteView(quote=quote, speaker=speaker, role=role, source=source)


def make_answer(
    text: str = "IBM walked away from facial recognition.",
    *,
    confidence: float = 0.92,
    quotes: tuple[QuoteView, ...] = (),
    source: Source | None = None,
    excerpt: str = "IBM is the first major technology company to walk away from facial recognition technology.",
    question: str = "did ibm stop?",
) -> Answer:
    source = source or make_source()
    entry = Entry(
        id="ibm-walks-away",
        questions=("What did IBM do?",),
        answer=text,
        evidence=(Evidence(source=source.id, excerpt=excerpt),),
    )
    return Answer(
        question=question,
        outcome=Outcome.ANSWERED,
        text=text,
        confidence=confidence,
        entry=entry,
        matched_question="What did IBM do about facial recognition?",
        evidence=(EvidenceView(source=source, excerpt=excerpt),),
        quotes=quotes,
    )


def make_decline(question: str = "what is the weather on mars?", suggestions: int = 5) -> Answer:
    offers = tuple(Suggestion(f"entry-{n}", f"Suggested question number {n}?") for n in range(suggestions))
    return Answer(
        question=question,
        outcome=Outcome.DECLINED,
        text="The story doesn't say, as far as I can tell.",
        confidence=0.2,
        suggestions=offers,
    )


def make_quote_result(count: int, *, text: str = "Quote number {n} says something quite specific.") -> QuoteResult:
    views = tuple(
        make_quote_view(text.format(n=n), "Evan Greer", "deputy director", quote_id=f"q{n}") for n in range(count)
    )
    return QuoteResult("greer", "evan-greer", "Evan Greer", "deputy director", views, (), f"{count} quotes")


def with_ids(kind: type, ids: Iterable[int]) -> list[MagicMock]:
    """One mock of the discord.py class `kind` for each id (users mentioned, roles held)."""
    made = []
    for ident in ids:
        one = MagicMock(spec_set=kind)
        one.id = ident
        made.append(one)
    return made


def discord_problems(content: str | None, embeds: list[discord.Embed]) -> list[str]:
    """Why Discord would refuse a message with this content and these embeds (empty: it would accept it):
    the Discord double's own check, so unit and end-to-end tests hold replies to the same limits. Parts of a
    message are checked as an edit is (no content and no embeds is nothing to refuse)."""
    body = {"content": content, "embeds": [embed.to_dict() for embed in embeds]}
    return message_problems(body, partial=True)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        ask_rate=1,
        ask_per=5.0,
        mod_role_ids=frozenset({42}),
        mod_guild_ids=frozenset({GUILD_ID}),  # fakes are in no server the client knows of
    )


@pytest.fixture
def story_bot(settings: Settings, story_engine: Engine) -> Iterator[StoryBot]:
    """A real, unconnected StoryBot that believes it is logged in as BOT_ID."""
    bot = create_bot(settings, story_engine)
    bot.questions = MemoryQuestionLog()
    bot._connection.user = discord.ClientUser(
        state=bot._connection,
        data={
            "id": BOT_ID,
            "username": "StoryBot",
            "global_name": None,
            "discriminator": "0",
            "avatar": None,
            "bot": True,
        },
    )
    yield bot
    # create_bot points discord.py at the configured endpoints process-wide; leave Discord's defaults behind.
    discord.http.Route.BASE = DISCORD_API_BASE
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = DISCORD_GATEWAY


def fake_interaction(client: Any, *, user_id: int = USER_ID, guild_id: int | None = GUILD_ID) -> MagicMock:
    interaction = MagicMock(spec_set=discord.Interaction)
    interaction.client = client
    interaction.id = 1
    interaction.type = discord.InteractionType.application_command
    interaction.guild_id = guild_id
    interaction.channel_id = CHANNEL_ID
    interaction.locale = discord.Locale.british_english
    interaction.message = None
    interaction.command = None
    interaction.user = MagicMock(spec_set=discord.Member if guild_id else discord.User)
    interaction.user.id = user_id
    interaction.user.name = "someone"
    interaction.user.bot = False
    interaction.response = MagicMock(spec_set=discord.InteractionResponse)
    interaction.response.is_done.return_value = False
    interaction.followup = MagicMock(spec_set=discord.Webhook)
    return interaction


@pytest.fixture
def questions(story_bot: StoryBot) -> MemoryQuestionLog:
    assert isinstance(story_bot.questions, MemoryQuestionLog)
    return story_bot.questions


async def run_command(command: Any, cog: commands.Cog, interaction: Any, *args: Any) -> None:
    """Run a cog's app command body the way discord.py does, with the cog as `self` (checks not included)."""
    callback: Any = command.callback
    await callback(cog, interaction, *args)


def sent_kwargs(mock: Any) -> dict[str, Any]:
    """The keyword arguments of the one call made to a send method."""
    mock.assert_awaited_once()
    return dict(mock.await_args.kwargs)


def sent_text(mock: Any) -> str:
    """The text (first positional argument) of the last call made to a send method."""
    text = mock.await_args.args[0]
    assert isinstance(text, str)
    return text


def text(value: str | None) -> str:
    """An embed part that must be there."""
    assert value is not None
    return value


def fake_message(
    content: str,
    *,
    guild: bool = True,
    author_bot: bool = False,
    mentions: tuple[int, ...] = (),
) -> MagicMock:
    message = MagicMock(spec_set=discord.Message)
    message.id = 77
    message.content = content
    message.author = MagicMock(spec_set=discord.Member if guild else discord.User)
    message.author.id = USER_ID
    message.author.bot = author_bot
    if guild:
        message.guild = MagicMock(spec_set=discord.Guild)
        message.guild.id = GUILD_ID
    else:
        message.guild = None
    message.mentions = with_ids(discord.User, mentions)
    message.reference = None
    message.channel = MagicMock(spec_set=discord.TextChannel)
    message.channel.id = CHANNEL_ID
    return message
