"""What the commands share: exit codes, the knowledge directory and stories they read, and output helpers."""

from __future__ import annotations

import argparse
import json
import textwrap
from pathlib import Path
from typing import Any, TextIO

from bot.answering import Engine
from bot.answering.cache import open_stories
from bot.answering.stories import StoryEngines
from bot.knowledge import KnowledgeBase, bundled_knowledge_dir
from bot.knowledge.library import Library, load_library
from bot.settings import Settings

EXIT_OK, EXIT_INVALID_KB, EXIT_USAGE = 0, 1, 2
WIDTH = 100


def _wrap(text: str, indent: str = "") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


class UnknownStory(Exception):
    """`--story` names no story of the library."""


def _directory(args: argparse.Namespace, settings: Settings) -> Path:
    return Path(args.kb or settings.knowledge_dir or bundled_knowledge_dir())


def _library(args: argparse.Namespace, settings: Settings) -> Library:
    """The stories of the chosen knowledge directory (one, for a folder holding one story's files)."""
    library = load_library(_directory(args, settings))
    story = getattr(args, "story", None)
    if story is not None and library.get(story) is None:
        known = ", ".join(s.id for s in library)
        raise UnknownStory(f"no story has the id {story!r}; the stories are: {known} (see `storybot stories`).")
    return library


def cache_dir(args: argparse.Namespace, settings: Settings) -> Path | None:
    """The data directory the engine cache lives in, or None when `--no-cache` or the settings turn it off."""
    return None if getattr(args, "no_cache", False) or not settings.engine_cache else settings.data_dir


def _stories(args: argparse.Namespace, settings: Settings) -> StoryEngines:
    """The engines of the chosen knowledge directory's stories: warm from the data directory's engine cache
    when the files are those it was built from (`ask`, `quote`, `eval`, `console`, `run` and `sync`)."""
    stories = open_stories(_directory(args, settings), cache_dir(args, settings), build_engine)
    story = getattr(args, "story", None)
    if story is not None and story not in stories.engines:
        known = ", ".join(stories.refs)
        raise UnknownStory(f"no story has the id {story!r}; the stories are: {known} (see `storybot stories`).")
    return stories


def build_engine(kb: KnowledgeBase, index_dir: Path | None = None) -> Engine:
    """The one place the commands build an engine; its search index is kept in `index_dir` (None: in memory)."""
    return Engine(kb, index_dir=index_dir)


def _engine(args: argparse.Namespace, settings: Settings) -> Engine:
    """The engine for the chosen story (`--story`, else the only or first one)."""
    library = _library(args, settings)
    story = library.get(args.story) if getattr(args, "story", None) else None
    return build_engine((story or library.default).kb)


def _json_line(data: dict[str, Any], out: TextIO) -> None:
    out.write(json.dumps(data, ensure_ascii=False) + "\n")
    out.flush()
