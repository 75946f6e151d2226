"""Running the bot: `run` and `sync`, the only commands that import the Discord side (lazily, when run)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace

from bot.answering import Engine
from bot.answering.stories import StoryEngines
from bot.cli.common import EXIT_USAGE, _stories
from bot.settings import Settings


def _bot_engines(args: argparse.Namespace, settings: Settings) -> tuple[Engine, StoryEngines | None]:
    """The bot's engine, and its stories when it holds several, warm from the data directory's engine cache
    when their files are unchanged (the bot's knowledge base may be large)."""
    stories = _stories(args, settings)
    if args.story is not None and len(stories) > 1:
        stories = StoryEngines([(stories.refs[args.story], stories.engine(args.story))])
    return stories.engine(), stories if len(stories) > 1 else None


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.discord_app.runner import SETUP_HELP, run_bot  # only here: offline commands never import discord

    if not settings.discord_token:  # say so before anything else happens
        print(SETUP_HELP, file=sys.stderr)
        return EXIT_USAGE
    if args.no_cache:  # reloads, too, neither open nor write the cache
        settings = replace(settings, engine_cache=False)
    engine, stories = _bot_engines(args, settings)
    return run_bot(settings, engine, stories)


def cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    from bot.discord_app.runner import SETUP_HELP, sync_commands

    if not settings.discord_token:
        print(SETUP_HELP, file=sys.stderr)
        return EXIT_USAGE
    engine, stories = _bot_engines(args, settings)
    return sync_commands(settings, engine, args.guild, stories)
