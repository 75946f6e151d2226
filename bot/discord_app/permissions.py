"""Who counts as a moderator: Manage Server permission, or one of the roles named in the settings, in a
server whose moderators may change the knowledge base.

Every server the bot is in answers from one knowledge base, so Manage Server in any server must not be
enough to change it: `STORYBOT_MOD_GUILD_IDS` names the servers whose moderators may. Unset, moderation
works only while the bot is in exactly one server (the usual small deployment), and says how to set it
otherwise. Questions, statistics and the history are shown to each server's moderators for their own
server only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import discord
from discord import app_commands

if TYPE_CHECKING:
    from bot.discord_app.bot import StoryBot


class NotModerator(app_commands.CheckFailure):
    """The person is not a moderator; the error handler tells them so, privately."""


class ModerationOff(app_commands.CheckFailure):
    """Moderation is not allowed in this server; the message says why and what the operator can set."""


NOT_A_MODERATING_SERVER = (
    "This server's moderators can't change the knowledge base: every server I'm in answers from it, and the "
    "operator has not listed this server in STORYBOT_MOD_GUILD_IDS."
)
CHOOSE_MODERATING_SERVERS = (
    "Moderation is off: {reason}, and every server answers from one knowledge base, so the operator must "
    "choose whose moderators may change it. Set STORYBOT_MOD_GUILD_IDS to those servers' ids (comma-separated) "
    "and restart me."
)


def moderation_refusal(
    guild_id: int | None, mod_guild_ids: frozenset[int], guild_ids: frozenset[int], *, sees_every_server: bool
) -> str | None:
    """Why moderation is refused in server `guild_id`, or None when it is allowed there.

    `guild_ids` are the servers this process knows it is in; `sees_every_server` is False when it runs only
    some of the bot's shards, and so cannot tell whether the bot is in one server only.
    """
    if guild_id is None:
        return "Moderation works only in a server."
    if mod_guild_ids:
        return None if guild_id in mod_guild_ids else NOT_A_MODERATING_SERVER
    if not sees_every_server:
        return CHOOSE_MODERATING_SERVERS.format(reason="I run as several processes (STORYBOT_SHARD_IDS)")
    if guild_ids == {guild_id}:
        return None
    return CHOOSE_MODERATING_SERVERS.format(reason=f"I'm in {len(guild_ids)} servers")


def refusal_for(interaction: discord.Interaction[Any]) -> str | None:
    """`moderation_refusal` for an interaction with the StoryBot client."""
    bot = cast("StoryBot", interaction.client)
    return moderation_refusal(
        interaction.guild_id,
        bot.settings.mod_guild_ids,
        frozenset(guild.id for guild in bot.guilds),
        sees_every_server=not bot.settings.shard_ids,
    )


def is_moderator(user: discord.abc.User, permissions: discord.Permissions, mod_role_ids: frozenset[int]) -> bool:
    """`permissions` are the ones Discord resolved for the interaction (they need no member cache)."""
    if not isinstance(user, discord.Member):
        return False  # outside a server nobody moderates anything
    if permissions.manage_guild or permissions.administrator:
        return True
    return any(role.id in mod_role_ids for role in user.roles)
