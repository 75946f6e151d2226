"""/kb: knowledge-base tools for moderators (reload, teach, add, quote, edit, remove, history, undo,
unanswered, stats, review). The cog is in `_cog`, its forms and buttons in `_views` and `_review`, which are
handed the services they use (`_services`) rather than the bot; edits run through `Curator`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.discord_app.cogs.moderation._cog import Moderation
from bot.discord_app.kb_text import problem_line

if TYPE_CHECKING:
    from bot.discord_app.bot import StoryBot

__all__ = ["Moderation", "problem_line", "setup"]


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Moderation(bot))
