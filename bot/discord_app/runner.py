"""Starting StoryBot on Discord: what the CLI's `run` and `sync` call."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys

import aiohttp
import discord

from bot.answering import Engine
from bot.answering.stories import StoryEngines
from bot.app.watcher import DEFAULT_QUIET
from bot.discord_app.bot import StoryBot
from bot.settings import Settings

log = logging.getLogger(__name__)


class _NoVoiceWarnings(logging.Filter):
    """StoryBot never joins a voice channel: discord.py's start-up warnings that its voice libraries
    (PyNaCl, davey) are not installed are noise in every log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "voice will NOT be supported" not in record.getMessage()


for _logger in ("discord.client", "discord.voice_client"):
    logging.getLogger(_logger).addFilter(_NoVoiceWarnings())

SETUP_HELP = (
    "No Discord token: create a bot at https://discord.com/developers/applications, copy its token into "
    "DISCORD_TOKEN in .env, or try StoryBot without Discord: `storybot console`."
)
LOGIN_REFUSED = "Discord rejected the token in DISCORD_TOKEN; reset it in the developer portal and update .env."
PRIVILEGED_INTENT = "Discord refused a privileged intent; enable it in the developer portal or remove it."
# The gateway close codes after which Discord will not accept the same connection again: reconnecting
# would fail the same way, so the bot stops with one line saying what to change.
FATAL_CLOSE = {
    4004: LOGIN_REFUSED,
    4010: "Discord refused the shard settings (invalid shard); check STORYBOT_SHARDS and STORYBOT_SHARD_IDS.",
    4011: "Discord requires this bot to be sharded; set STORYBOT_SHARDS=auto.",
    4012: "Discord refused the gateway API version; upgrade StoryBot and discord.py.",
    4013: "Discord refused the gateway intents as invalid; this is a bug in StoryBot's intents.",
    4014: PRIVILEGED_INTENT,
}
SHUTDOWN_GRACE = 5.0  # seconds for an orderly stop: the edit being saved finishes, the gateway closes
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)  # systemd and `docker stop`; Ctrl+C


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
    """Run until stopped (SIGTERM, SIGINT or Ctrl+C). Returns the process exit code."""
    if not settings.discord_token:
        sys.stderr.write(SETUP_HELP + "\n")
        return 2
    bot = create_bot(settings, engine, stories=stories)
    try:
        asyncio.run(_start(bot, settings.discord_token.get_secret_value()))
    except discord.LoginFailure:
        sys.stderr.write(LOGIN_REFUSED + "\n")
        return 1
    except discord.PrivilegedIntentsRequired:
        # Cannot happen with StoryBot's intents, unless someone adds a privileged one.
        sys.stderr.write(PRIVILEGED_INTENT + "\n")
        return 1
    except discord.ConnectionClosed as error:
        sys.stderr.write(closed_text(error.code, error.reason) + "\n")
        return 1
    except (aiohttp.ClientError, OSError) as error:
        sys.stderr.write(f"{unreachable(settings)} ({error.__class__.__name__}: {error}).\n")
        return 1
    except KeyboardInterrupt:  # where signal handlers cannot be installed (Windows)
        log.info("stopped")
    return 0


def closed_text(code: int | None, reason: str | None) -> str:
    """One line for a gateway connection Discord closed for good."""
    if code in FATAL_CLOSE:
        return FATAL_CLOSE[code]
    because = f": {reason}" if reason else ""
    return f"Discord closed the gateway connection (code {code}{because}) and StoryBot stopped."


async def _start(bot: StoryBot, token: str) -> None:
    """Run the bot until it stops by itself (an error is raised) or a stop signal arrives (an orderly close)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    handled: list[signal.Signals] = []
    for number in STOP_SIGNALS:
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on Windows' event loop
            loop.add_signal_handler(number, stop.set)
            handled.append(number)
    try:
        async with bot:
            running = asyncio.create_task(bot.start(token), name="storybot-gateway")
            stopping = asyncio.create_task(stop.wait(), name="storybot-stop-signal")
            await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if running.done():
                running.result()  # the reason it stopped, raised
                return
            log.info("stopping: closing the gateway, finishing the edit in progress, closing the store")
            try:
                # close() stops the watcher, lets the edit being saved finish (queued ones are dropped),
                # closes the gateway and the HTTP session, then the store.
                await asyncio.wait_for(bot.close(), SHUTDOWN_GRACE)
            except TimeoutError:
                log.warning("did not stop within %.0f s; leaving anyway (edits are atomic)", SHUTDOWN_GRACE)
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await running
            log.info("stopped")
    finally:
        for number in handled:
            loop.remove_signal_handler(number)


def sync_commands(settings: Settings, engine: Engine, guild_id: int | None, stories: StoryEngines | None = None) -> int:
    """Register the slash and menu commands with Discord, in one server or (guild_id None) globally."""
    if not settings.discord_token:
        sys.stderr.write(SETUP_HELP + "\n")
        return 2
    bot = create_bot(settings, engine, sync_on_start=False, watch_quiet=None, stories=stories)
    try:
        synced = asyncio.run(_sync(bot, settings.discord_token.get_secret_value(), guild_id))
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
