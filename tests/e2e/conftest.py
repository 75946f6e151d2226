"""Fixtures for end-to-end tests: a fresh Discord double per test, and the real discord.py client against it.

Each test gets its own double and its own bot (startup takes a few milliseconds); the engine, which only
reads its knowledge base, is shared by the whole session (`story_engine`, in the suite's conftest).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord_double import DiscordDouble

from bot.answering import Engine
from bot.discord_app.bot import StoryBot
from bot.discord_app.runner import create_bot
from bot.settings import Secret, Settings

RunClient = Callable[[discord.Client, str], Awaitable[None]]


@pytest.fixture
async def double() -> AsyncIterator[DiscordDouble]:
    async with DiscordDouble() as started:
        yield started
        # A route the double does not know, an oversized message or a double acknowledgement is a failure
        # even when the test's own assertions passed.
        assert started.problems == [], "the bot sent requests Discord would refuse:\n" + "\n".join(started.problems)


@pytest.fixture
async def run_client(double: DiscordDouble) -> AsyncIterator[RunClient]:
    """Start clients in the background until they have their guild; they are closed before the double stops."""
    running: list[tuple[discord.Client, asyncio.Task[None]]] = []

    async def run(client: discord.Client, token: str) -> None:
        task = asyncio.create_task(client.start(token))
        running.append((client, task))
        connected = asyncio.create_task(double.wait_until_connected())
        await asyncio.wait({task, connected}, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            connected.cancel()
            task.result()  # raises why the client stopped
            raise AssertionError("the client stopped before it connected")
        connected.result()

    yield run
    for client, task in running:
        await client.close()
        await asyncio.wait_for(task, timeout=5)


@pytest.fixture
def point_discord_py_at(monkeypatch: pytest.MonkeyPatch, double: DiscordDouble) -> DiscordDouble:
    """Point discord.py's REST, webhook and gateway URLs at the double, for clients built without the adapter."""
    monkeypatch.setattr(discord.http.Route, "BASE", double.api_base)  # webhooks and interactions use it too
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(double.gateway_url))
    return double


def settings_for(double: DiscordDouble, data_dir: Path, knowledge_dir: Path | None = None) -> Settings:
    """StoryBot's settings for a bot that talks to `double`, registers its commands in the double's guild
    and treats the double's moderator role as moderators."""
    return Settings(
        discord_token=Secret(double.token),
        knowledge_dir=knowledge_dir,
        api_base=double.api_base,
        gateway_url=double.gateway_url,
        dev_guild_id=double.guild_id,
        mod_role_ids=frozenset({double.mod_role_id}),
        ask_rate=0,
        data_dir=data_dir,
    )


@pytest.fixture
async def storybot(double: DiscordDouble, story_engine: Engine, tmp_path: Path, run_client: RunClient) -> StoryBot:
    """StoryBot, logged in to the double with its commands registered and its guild delivered."""
    bot = create_bot(settings_for(double, tmp_path), story_engine)
    await run_client(bot, double.token)
    return bot
