"""/kb: knowledge-base tools for moderators. For now, `reload`."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord_app import limits
from bot.discord_app.embeds import reload_done_text, reload_failed_text
from bot.discord_app.permissions import moderator_only
from bot.discord_app.safety import escape_user_text
from bot.discord_app.views import NO_MENTIONS
from bot.engine import KnowledgeError
from bot.engine.loader import Problem

if TYPE_CHECKING:
    from bot.discord_app.bot import StoryBot

log = logging.getLogger(__name__)


class Moderation(commands.Cog):
    kb = app_commands.Group(
        name="kb",
        description="Moderators: manage the knowledge base.",
        guild_only=True,
        allowed_contexts=app_commands.AppCommandContext(guild=True),
        # Hidden from members without Manage Server unless a server admin allows more; checked again below,
        # because admins can change who sees a command and because moderator roles come from the settings.
        default_permissions=discord.Permissions(manage_guild=True),
        allowed_installs=app_commands.AppInstallationType(guild=True),
    )

    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot

    @kb.command(name="reload", description="Reload the knowledge base from disk, checking it first.")
    @moderator_only()
    async def reload(self, interaction: discord.Interaction[StoryBot]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        who = f"{escape_user_text(str(interaction.user))} ({interaction.user.id})"
        try:
            reloaded = await self.bot.holder.reload()
        except KnowledgeError as error:
            log.warning("reload by %s refused: %d problems", who, len(error.problems))
            directory = self.bot.holder.directory()
            text = reload_failed_text([problem_line(problem, directory) for problem in error.problems])
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
            await self.tell_moderators(f"Knowledge base reload by {who} refused: {len(error.problems)} problems.")
            return
        text = reload_done_text(reloaded.current)
        if not reloaded.changed:
            text += " (Nothing had changed on disk.)"
        log.info("reload by %s: %s", who, text)
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        await self.tell_moderators(f"{text} Requested by {who}.")

    async def tell_moderators(self, text: str) -> None:
        """Post to the moderators' log channel when one is configured; never fails the command."""
        channel_id = self.bot.settings.mod_log_channel_id
        if channel_id is None:
            return
        try:
            channel = self.bot.get_channel(channel_id) or await self.bot.fetch_channel(channel_id)
            if isinstance(channel, discord.abc.Messageable):
                await channel.send(limits.trim(text, limits.CONTENT), allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            log.warning("could not post to the moderators' log channel %s", channel_id, exc_info=True)


def problem_line(problem: Problem, directory: Path) -> str:
    """'entries/companies.yaml:12:5: …': a file named inside the knowledge folder, which is what moderators edit."""
    try:
        file = Path(problem.file).resolve().relative_to(directory.resolve()).as_posix()
    except ValueError:
        file = problem.file
    return f"{file}:{problem.line}:{problem.column}: {problem.message}"


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Moderation(bot))
