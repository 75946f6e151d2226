"""Where discord.py connects: Discord itself, or (from the settings) a local double or a REST proxy."""

from __future__ import annotations

from typing import Any

import discord
import yarl

from bot.settings import Settings

DISCORD_API_BASE = discord.http.Route.BASE
DISCORD_GATEWAY = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY


def configure_endpoints(settings: Settings) -> None:
    """Point discord.py at `settings.api_base` / `settings.gateway_url`, or back at Discord when they are unset.

    discord.py keeps both as class attributes, so this is process-wide; every `StoryBot` sets them as it is
    built, so one bot's overrides never leak into the next. REST calls build their URL from
    `discord.http.Route.BASE`; interaction responses and follow-ups (`discord.webhook.async_`) import that
    same `Route` class, so one base serves both. `api_base` includes the version, e.g.
    "http://127.0.0.1:8080/api/v10".
    """
    api_base = settings.api_base.rstrip("/") if settings.api_base else DISCORD_API_BASE
    discord.http.Route.BASE = api_base
    # The same class today; set explicitly should that ever change.
    discord.webhook.async_.Route.BASE = api_base  # type: ignore[attr-defined]
    gateway = yarl.URL(settings.gateway_url) if settings.gateway_url else DISCORD_GATEWAY
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = gateway


def use_gateway(http: discord.http.HTTPClient, gateway_url: str) -> None:
    """Make the client take `gateway_url` where it would take the URL from GET /gateway/bot.

    discord.py 2.7 opens its first gateway connection at the URL that GET /gateway/bot returns (when it asks
    Discord for a shard count) or at `DiscordWebSocket.DEFAULT_GATEWAY` (when the count is given, and after
    an invalidated session; `configure_endpoints` points that at the same URL). Resuming still goes to the
    `resume_gateway_url` the gateway itself sends in READY, as Discord requires.
    """
    ask_discord = http.get_bot_gateway

    async def get_bot_gateway() -> tuple[int, str, Any]:
        shards, _, session_start_limit = await ask_discord()
        return shards, gateway_url, session_start_limit

    http.get_bot_gateway = get_bot_gateway  # type: ignore[method-assign]
