"""Running the bot: `run` and `sync`, the only commands that import the Discord side (lazily, when run)."""

from __future__ import annotations

import argparse
import sys

from bot.answering import Engine
from bot.answering.answer import StoryRef
from bot.answering.cache import load_engine
from bot.answering.stories import StoryEngines
from bot.cli.common import (
    EXIT_USAGE,
    _directory,
    _library,
)
from bot.knowledge.library import is_story_folder
from bot.settings import Settings


def _bot_engines(args: argparse.Namespace, settings: Settings) -> tuple[Engine, StoryEngines | None]:
    """The bot's engine, and its stories when it holds several. Each story keeps a built engine in the data
    directory for a warm start next time (the bot, whose knowledge base may be large): a folder of one story in
    `engine-cache/`, each story of a library in `engine-cache/stories/<id>/`."""
    directory = _directory(args, settings)
    cache = settings.data_dir / "engine-cache"
    if is_story_folder(directory) and args.story is None:
        return load_engine(directory, cache)[0], None
    library = _library(args, settings)  # every story validated, their problems reported together
    chosen = [s for s in library if args.story in (None, s.id)]
    stories = StoryEngines(
        (StoryRef(s.id, s.title), load_engine(s.directory, cache / "stories" / s.id)[0]) for s in chosen
    )
    return stories.engine(), stories if len(stories) > 1 else None


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.discord_app.runner import SETUP_HELP, run_bot  # only here: offline commands never import discord

    if not settings.discord_token:  # say so before anything else happens
        print(SETUP_HELP, file=sys.stderr)
        return EXIT_USAGE
    engine, stories = _bot_engines(args, settings)
    return run_bot(settings, engine, stories)


def cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    from bot.discord_app.runner import SETUP_HELP, sync_commands

    if not settings.discord_token:
        print(SETUP_HELP, file=sys.stderr)
        return EXIT_USAGE
    engine, stories = _bot_engines(args, settings)
    return sync_commands(settings, engine, args.guild, stories)
