"""What the moderators' forms and buttons use, handed to them by the /kb cog rather than reached through the bot:
the curator that makes changes, every story's live engine, the audit trail and who may moderate."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import discord

from bot.answering import Engine
from bot.app.live_engine import LibraryHolder
from bot.curation.store import Store
from bot.discord_app.curator import Curator

# Why the person behind an interaction may not moderate here (not a moderator, or not in a moderating
# server), or None when they may.
Refusal = Callable[[discord.Interaction[Any]], str | None]


@dataclass(frozen=True)
class ModerationServices:
    curator: Curator
    library: LibraryHolder  # every story's live engine: read at each use, so a form sees the latest reload
    open_store: Callable[[], Store]  # the audit trail and the questions asked, opened on first use
    refusal: Refusal

    def engine(self, story: str | None) -> Engine:
        """The live engine of `story` (None: the default story)."""
        return self.library.stories.engine(story)

    @property
    def store(self) -> Store:
        return self.open_store()
