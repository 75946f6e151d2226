"""Starting StoryBot on Discord: what the CLI's `run` and `sync` call."""

from __future__ import annotations

import asyncio
import logging
import sys

import aiohttp
import discord

from bot.answering import Engine
from bot.answering.stories import StoryEngines
from bot.app.watcher import DEFAULT_QUIET
from bot.discord_app.bot import StoryBot
from bot.settings import Settings

log = logging.getLogger(__name__)

SETUP_HELP = (
    "No Discord token: create a bot at https://discord.com/developers/applications, copy its token into "
    "DISCORD_TOKEN in .env, or try StoryBot without Discord: `storybot console`."
)
LOGIN_REFUSED = "Discord rejected the token in DISCORD_TOKEN; reset it in the developer portal and update .env."


def unreachable(settings: Settings) -> str:
    where = settings.api_base or "Discord"
    return f"Cannot reach {where}; check the network, or DISCORD_API_BASE if you set it"


def create_bot(
    settings: Settings,
    engine: Engine,
    *,
    sync_on_start: bool = True,
    watch_quiet: float | None = DEFAULT_QUIET,
    stories: StoryEngines | None = None,
) -> StoryBot:
    """A ready-to-start bot answering from `engine`; it connects only when started.

    Building it points discord.py at `settings.api_base` / `settings.gateway_url` when set (see `endpoints`).
    Once started it watches the knowledge folder and reloads `watch_quiet` seconds after the files stop
    changing (None: only on `/kb reload`).
    """
    return StoryBot(settings, engine, sync_on_start=sync_on_start, watch_quiet=watch_quiet, stories=stories)


def run_bot(settings: Settings, engine: Engine, stories: StoryEngines | None = None) -> int:
    """Run until stopped (Ctrl+C). Returns the process exit code."""
    if not settings.discord_token:
        sys.stderr.write(SETUP_HELP + "\n")
        return 2
    bot = create_bot(settings, engine, stories=stories)
    try:
        asyncio.run(_start(bot, settings.discord_token.reveal()))
    except discord.LoginFailure:
        sys.stderr.write(LOGIN_REFUSED + "\n")
        return 1
    except discord.PrivilegedIntentsRequired:
        # Cannot happen with StoryBot's intents, unless someone adds a privileged one.
        sys.stderr.write("Discord refused a privileged intent; enable it in the developer portal or remove it.\n")
        return 1
    except (aiohttp.ClientError, OSError) as error:
        sys.stderr.write(f"{unreachable(settings)} ({error.__class__.__name__}: {error}).\n")
        return 1
    except KeyboardInterrupt:
        log.info("stopped")
    return 0


async def _start(bot: StoryBot, token: str) -> None:
    async with bot:
        await bot.start(token)


def sync_commands(settings: Settings, engine: Engine, guild_id: int | None, stories: StoryEngines | None = None) -> int:
    """Register the slash and menu commands with Discord, in one server or (guild_id None) globally."""
    if not settings.discord_token:
        sys.stderr.write(SETUP_HELP + "\n")
        return 2
    bot = create_bot(settings, engine, sync_on_start=False, watch_quiet=None, stories=stories)
    try:
        synced = asyncio.run(_sync(bot, settings.discord_token.reveal(), guild_id))
    except discord.LoginFailure:
        sys.stderr.write(LOGIN_REFUSED + "\n")
        return 1
    except discord.HTTPException as error:
        sys.stderr.write(f"Discord refused the commands: {error}\n")
        return 1
    except (aiohttp.ClientError, OSError) as error:
        sys.stderr.write(f"{unreachable(settings)} ({error.__class__.__name__}: {error}).\n")
        return 1
    where = f"server {guild_id}" if guild_id is not None else "all servers (may take up to an hour to show)"
    sys.stdout.write(f"Registered {len(synced)} commands in {where}: {', '.join(sorted(synced))}\n")
    return 0


async def _sync(bot: StoryBot, token: str, guild_id: int | None) -> list[str]:
    async with bot:
        await bot.login(token)  # logging in runs setup_hook, which loads the commands; no gateway needed
        return [command.name for command in await bot.sync_commands(guild_id)]
