"""Who counts as a moderator: Manage Server permission, or one of the roles named in the settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import discord
from discord import app_commands

if TYPE_CHECKING:
    from bot.discord_app.bot import StoryBot


class NotModerator(app_commands.CheckFailure):
    """The person is not a moderator; the error handler tells them so, privately."""


def is_moderator(user: discord.abc.User, permissions: discord.Permissions, mod_role_ids: frozenset[int]) -> bool:
    """`permissions` are the ones Discord resolved for the interaction (they need no member cache)."""
    if not isinstance(user, discord.Member):
        return False  # outside a server nobody moderates anything
    if permissions.manage_guild or permissions.administrator:
        return True
    return any(role.id in mod_role_ids for role in user.roles)


T = TypeVar("T")


def moderator_only() -> Callable[[T], T]:
    """An app-command check: moderators pass, everyone else gets `NotModerator`."""

    async def predicate(interaction: discord.Interaction[Any]) -> bool:
        mod_role_ids = cast("StoryBot", interaction.client).settings.mod_role_ids
        if is_moderator(interaction.user, interaction.permissions, mod_role_ids):
            return True
        raise NotModerator("moderators only")

    return app_commands.check(predicate)
