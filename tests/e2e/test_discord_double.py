"""The double itself, checked against the real discord.py client before the bot's tests rely on it."""

from __future__ import annotations

import asyncio
import io

import discord
import pytest
from discord_double import GATEWAY_CUTS, MESSAGE_CONTENT_INTENT, DiscordDouble

from .conftest import RunClient


class EchoClient(discord.Client):
    """A bare client: answers every interaction with a short message, and remembers the messages it saw."""

    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0.01)
        self.seen: asyncio.Queue[discord.Message] = asyncio.Queue()

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"pong {interaction.id}")

    async def on_message(self, message: discord.Message) -> None:
        await self.seen.put(message)


@pytest.fixture
async def client(point_discord_py_at: DiscordDouble, run_client: RunClient) -> EchoClient:
    echo = EchoClient()
    await run_client(echo, point_discord_py_at.token)
    await asyncio.wait_for(echo.wait_until_ready(), 5)
    return echo


async def ping(double: DiscordDouble) -> str:
    sent = await double.send_interaction(3, {"custom_id": "ping", "component_type": 2})
    reply = await double.wait_for_reply(sent)
    return str(reply.body["content"])


async def test_client_logs_in_and_sees_the_guild(double: DiscordDouble, client: EchoClient) -> None:
    identify = await double.wait_for_frame(lambda f: f.op == 2)
    assert identify.d["token"] == double.token
    assert client.user is not None and client.user.id == double.bot.id
    # The application came back as JSON, not as text: discord.py parsed it into an AppInfo.
    assert client.application is not None and client.application.name == "StoryBot"
    guild = client.get_guild(double.guild_id)
    assert guild is not None and guild.get_channel(double.channel_id) is not None


async def test_interaction_callback_is_recorded_with_its_body(double: DiscordDouble, client: EchoClient) -> None:
    sent = await double.send_interaction(3, {"custom_id": "ping", "component_type": 2})
    reply = await double.wait_for_reply(sent)
    assert reply.request.json["type"] == 4
    assert reply.body["content"] == f"pong {sent.id}"
    assert reply.message is not None and reply.message["content"] == f"pong {sent.id}"


@pytest.mark.parametrize("cut", GATEWAY_CUTS)
async def test_client_resumes_and_misses_nothing(double: DiscordDouble, client: EchoClient, cut: str) -> None:
    assert double.session is not None
    session_id = double.session.id
    frames_before = len(double.frames)
    await double.cut_gateway(cut)
    # Dispatched while the client is away: only a RESUME that replays missed events delivers it.
    sent = await double.send_interaction(3, {"custom_id": "ping", "component_type": 2})
    resume = await double.wait_for_frame(lambda f: f.op == 6, after=frames_before)
    assert resume.d["session_id"] == session_id
    assert resume.path == "/gateway-resume"
    assert (await double.wait_for_reply(sent)).body["content"] == f"pong {sent.id}"
    assert not [f for f in double.frames if f.op == 2 and f.connection > 0], "the client identified afresh"


async def test_rate_limited_request_is_retried_after_retry_after(double: DiscordDouble, client: EchoClient) -> None:
    double.rate_limit_next(lambda r: r.path.endswith("/callback"), retry_after=0.05)
    assert (await ping(double)).startswith("pong")
    limited, retried = [r for r in double.requests if r.path.endswith("/callback")]
    assert (limited.status, retried.status) == (429, 200)
    assert retried.at - limited.at >= 0.05


async def test_oversized_message_is_refused_as_discord_would(double: DiscordDouble, client: EchoClient) -> None:
    channel = client.get_channel(double.channel_id)
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.HTTPException) as refused:
        await channel.send(embed=discord.Embed(description="x" * 4097))
    assert refused.value.status == 400
    assert double.problems and "embeds.0.description" in double.problems[0]
    double.problems.clear()


async def test_message_content_is_blank_unless_the_bot_is_mentioned(double: DiscordDouble, client: EchoClient) -> None:
    identify = await double.wait_for_frame(lambda f: f.op == 2)
    assert not identify.d["intents"] & MESSAGE_CONTENT_INTENT
    await double.post_message(double.alice, "just chatting")
    await double.post_message(double.alice, f"{double.bot.mention} hello")
    unmentioned, mentioned = await client.seen.get(), await client.seen.get()
    assert unmentioned.content == ""
    assert mentioned.content == f"{double.bot.mention} hello"
    assert client.user in mentioned.mentions


async def test_multipart_uploads_are_recorded_with_their_payload(double: DiscordDouble, client: EchoClient) -> None:
    channel = client.get_channel(double.channel_id)
    assert isinstance(channel, discord.TextChannel)
    await channel.send("with a file", file=discord.File(io.BytesIO(b"notes"), filename="notes.txt"))
    request = await double.wait_for_request(lambda r: r.method == "POST" and r.path.startswith("/channels/"))
    assert request.json["content"] == "with a file"
    assert request.files == ["notes.txt"]


async def test_unknown_route_is_reported(double: DiscordDouble, client: EchoClient) -> None:
    with pytest.raises(discord.NotFound):
        await client.fetch_guild(double.guild_id)
    assert double.problems == [
        f"GET /guilds/{double.guild_id}?with_counts=1 -> 404: route not implemented by the double"
    ]
    double.problems.clear()
