from dataclasses import replace
from typing import Any
from unittest.mock import MagicMock

import discord
import pytest
import yarl
from discord import app_commands

from bot.answering import Engine
from bot.discord_app.bot import StoryBot, report_command_error, shard_count
from bot.discord_app.embeds import APOLOGY, NOT_MODERATOR
from bot.discord_app.endpoints import DISCORD_API_BASE, use_gateway
from bot.discord_app.permissions import NotModerator
from bot.discord_app.runner import create_bot
from bot.settings import Settings

from .conftest import fake_interaction, sent_text

EXPECTED_COMMANDS = {("ask", 1), ("quote", 1), ("sources", 1), ("help", 1), ("kb", 1), ("Ask StoryBot", 3)}


def test_intents_are_only_what_the_bot_needs(story_bot: StoryBot) -> None:
    intents = story_bot.intents
    assert intents.guilds and intents.guild_messages and intents.dm_messages
    assert not intents.message_content
    assert not intents.members
    assert not intents.presences
    enabled = {name for name, on in intents if on}
    assert enabled == {"guilds", "guild_messages", "dm_messages"}


def test_the_client_pings_nobody_by_default(story_bot: StoryBot) -> None:
    allowed = story_bot.allowed_mentions
    assert allowed is not None
    assert (allowed.everyone, allowed.users, allowed.roles, allowed.replied_user) == (False, False, False, False)


def test_shards_setting() -> None:
    assert shard_count(None) == 1  # one shard, without asking Discord
    assert shard_count(0) is None  # Discord recommends a count
    assert shard_count(4) == 4


def test_a_process_runs_only_its_own_shards(settings: Settings, story_engine: Engine) -> None:
    bot = create_bot(replace(settings, shards=4, shard_ids=(2, 3)), story_engine)
    assert (bot.shard_count, bot.shard_ids) == (4, [2, 3])
    assert create_bot(replace(settings, shards=4), story_engine).shard_ids is None  # all of them


def test_api_base_points_rest_and_interaction_webhooks_at_the_double(settings: Settings, story_engine: Engine) -> None:
    try:
        create_bot(replace(settings, api_base="http://127.0.0.1:9/api/v10/"), story_engine)
        assert discord.http.Route("GET", "/users/@me").url == "http://127.0.0.1:9/api/v10/users/@me"
        assert discord.webhook.async_.Route.BASE == "http://127.0.0.1:9/api/v10"  # type: ignore[attr-defined]
        create_bot(settings, story_engine)
        assert discord.http.Route.BASE == DISCORD_API_BASE  # a bot without the setting talks to Discord again
    finally:
        discord.http.Route.BASE = DISCORD_API_BASE


def test_gateway_url_replaces_the_default_gateway(settings: Settings, story_engine: Engine) -> None:
    default = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    try:
        create_bot(replace(settings, gateway_url="ws://127.0.0.1:9/gateway"), story_engine)
        assert yarl.URL("ws://127.0.0.1:9/gateway") == discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    finally:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = default


async def test_gateway_url_replaces_the_one_discord_recommends() -> None:
    class Http:
        async def get_bot_gateway(self) -> tuple[int, str, dict[str, int]]:
            return 3, "wss://gateway.discord.gg", {"total": 1000}

    http = Http()
    use_gateway(http, "ws://127.0.0.1:9/gateway")  # type: ignore[arg-type]
    assert await http.get_bot_gateway() == (3, "ws://127.0.0.1:9/gateway", {"total": 1000})


async def test_setup_loads_every_command(story_bot: StoryBot) -> None:
    await story_bot.setup_hook()
    commands = {(c.name, c.to_dict(story_bot.tree)["type"]) for c in story_bot.tree.get_commands()}
    assert commands == EXPECTED_COMMANDS
    for command in story_bot.tree.get_commands():
        data = command.to_dict(story_bot.tree)
        if command.name != "kb":
            assert data["contexts"] == [0, 1], command.name  # servers and direct messages


async def test_no_sync_on_start_without_a_development_server(
    story_bot: StoryBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Any] = []

    async def sync(*, guild: discord.Object | None = None) -> list[Any]:
        calls.append(guild)
        return []

    monkeypatch.setattr(story_bot.tree, "sync", sync)
    await story_bot.setup_hook()
    assert calls == []


async def test_sync_on_start_goes_only_to_the_development_server(
    settings: Settings, story_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = create_bot(replace(settings, dev_guild_id=1234), story_engine)
    calls: list[Any] = []

    async def sync(*, guild: discord.Object | None = None) -> list[Any]:
        calls.append(guild)
        return []

    monkeypatch.setattr(bot.tree, "sync", sync)
    await bot.setup_hook()
    assert [g.id for g in calls] == [1234]
    assert {c.name for c in bot.tree.get_commands(guild=discord.Object(1234))} >= {"ask", "quote", "kb"}


async def test_a_failed_development_sync_does_not_stop_the_bot(
    settings: Settings, story_engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    bot = create_bot(replace(settings, dev_guild_id=1234), story_engine)

    async def sync(*, guild: discord.Object | None = None) -> list[Any]:
        raise discord.Forbidden(MagicMock(status=403, reason="Forbidden"), "Missing Access")

    monkeypatch.setattr(bot.tree, "sync", sync)
    await bot.setup_hook()
    assert "applications.commands" in caplog.text


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (NotModerator("no"), NOT_MODERATOR),
        (app_commands.NoPrivateMessage(), "only works in a server"),
        (app_commands.CommandOnCooldown(app_commands.Cooldown(1, 5), 2.5), "3 seconds"),
    ],
)
async def test_expected_errors_get_a_private_explanation(
    story_bot: StoryBot, error: app_commands.AppCommandError, expected: str
) -> None:
    interaction = fake_interaction(story_bot)
    await report_command_error(interaction, error)
    note = interaction.response.send_message.await_args
    assert expected in sent_text(interaction.response.send_message)
    assert note.kwargs["ephemeral"] is True


async def test_an_unexpected_error_gets_an_apology_and_a_logged_traceback(
    story_bot: StoryBot, caplog: pytest.LogCaptureFixture
) -> None:
    interaction = fake_interaction(story_bot)
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError as cause:
        error = app_commands.AppCommandError("wrapped")
        error.__cause__ = cause
    await report_command_error(interaction, error)
    assert interaction.response.send_message.await_args.args == (APOLOGY,)
    assert "ZeroDivisionError" in caplog.text


async def test_an_error_after_deferring_is_reported_as_a_follow_up(story_bot: StoryBot) -> None:
    interaction = fake_interaction(story_bot)
    interaction.response.is_done.return_value = True
    await report_command_error(interaction, NotModerator("no"))
    assert interaction.followup.send.await_args.args == (NOT_MODERATOR,)


async def test_an_error_in_an_event_is_logged_and_swallowed(
    story_bot: StoryBot, caplog: pytest.LogCaptureFixture
) -> None:
    try:
        raise ValueError("event broke")
    except ValueError:
        await story_bot.on_error("on_message")
    assert "event broke" in caplog.text
