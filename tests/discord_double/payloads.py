"""Builders for the JSON objects Discord sends: users, members, guilds, channels, messages, interactions.

Shapes follow Discord's API v10 documentation and discord.py's own `discord/types/*` TypedDicts: every field
discord.py reads without a default is present, so the real client parses them exactly as it would Discord's.
Ids are strings on the wire, as Discord sends them.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

JSON = dict[str, Any]

DISCORD_EPOCH_MS = 1_420_070_400_000

# Permission bits (https://discord.com/developers/docs/topics/permissions).
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
READ_MESSAGE_HISTORY = 1 << 16
MENTION_EVERYONE = 1 << 17
USE_APPLICATION_COMMANDS = 1 << 31
MANAGE_GUILD = 1 << 5
ADMINISTRATOR = 1 << 3
EVERYONE_PERMISSIONS = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | READ_MESSAGE_HISTORY | USE_APPLICATION_COMMANDS

# Gateway intents the tests care about.
MESSAGE_CONTENT_INTENT = 1 << 15

# Message flags.
EPHEMERAL = 1 << 6
LOADING = 1 << 7


class Snowflakes:
    """Hands out increasing, unique snowflakes that decode to the current time, like Discord's."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def next(self) -> int:
        millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (millis << 22) | (next(self._counter) & 0x3FFFFF)


def iso_now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass(frozen=True)
class Person:
    """A Discord user, optionally a member of the double's guild with roles and guild permissions."""

    id: int
    username: str
    bot: bool = False
    role_ids: tuple[int, ...] = ()
    permissions: int = EVERYONE_PERMISSIONS
    joined_at: str = field(default_factory=iso_now)

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


def user_payload(person: Person) -> JSON:
    return {
        "id": str(person.id),
        "username": person.username,
        "global_name": None if person.bot else person.username.title(),
        "discriminator": "0",
        "avatar": None,
        "bot": person.bot,
        "system": False,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
    }


def member_payload(person: Person, *, with_user: bool = True, with_permissions: bool = False) -> JSON:
    member: JSON = {
        "roles": [str(role_id) for role_id in person.role_ids],
        "joined_at": person.joined_at,
        "nick": None,
        "avatar": None,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "pending": False,
        "flags": 0,
        "communication_disabled_until": None,
    }
    if with_user:
        member["user"] = user_payload(person)
    if with_permissions:
        # Interactions carry the member's computed permissions in the channel.
        member["permissions"] = str(person.permissions)
    return member


def role_payload(role_id: int, name: str, *, permissions: int, position: int) -> JSON:
    return {
        "id": str(role_id),
        "name": name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": position,
        "permissions": str(permissions),
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def text_channel_payload(channel_id: int, guild_id: int, name: str) -> JSON:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(guild_id),
        "name": name,
        "position": 0,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "flags": 0,
    }


def thread_payload(thread_id: int, guild_id: int, parent_id: int, owner_id: int, name: str) -> JSON:
    """A public thread (type 11); one started from a message has that message's id."""
    return {
        "id": str(thread_id),
        "type": 11,
        "guild_id": str(guild_id),
        "parent_id": str(parent_id),
        "owner_id": str(owner_id),
        "name": name,
        "last_message_id": None,
        "message_count": 0,
        "member_count": 1,
        "rate_limit_per_user": 0,
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": "2026-01-01T00:00:00+00:00",
            "locked": False,
        },
    }


def dm_channel_payload(channel_id: int, recipient: Person) -> JSON:
    return {
        "id": str(channel_id),
        "type": 1,
        "last_message_id": None,
        "flags": 0,
        "recipients": [user_payload(recipient)],
    }


def guild_payload(
    guild_id: int,
    *,
    name: str,
    owner_id: int,
    roles: list[JSON],
    channels: list[JSON],
    members: list[JSON],
) -> JSON:
    """A GUILD_CREATE payload: the guild with its roles, channels and the members Discord includes."""
    return {
        "id": str(guild_id),
        "name": name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(owner_id),
        "region": "",
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "features": [],
        "mfa_level": 0,
        "nsfw_level": 0,
        "application_id": None,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "vanity_url_code": None,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "premium_progress_bar_enabled": False,
        "preferred_locale": "en-US",
        "max_members": 500000,
        "max_video_channel_users": 25,
        "joined_at": iso_now(),
        "large": False,
        "unavailable": False,
        "member_count": len(members),
        "roles": roles,
        "emojis": [],
        "stickers": [],
        "channels": channels,
        "threads": [],
        "members": members,
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def message_payload(
    message_id: int,
    *,
    channel_id: int,
    author: Person,
    content: str,
    guild_id: int | None = None,
    mentions: list[Person] | None = None,
    mention_role_ids: list[int] | None = None,
    mention_everyone: bool = False,
    embeds: list[JSON] | None = None,
    components: list[JSON] | None = None,
    flags: int = 0,
    message_type: int = 0,
    message_reference: JSON | None = None,
    extra: JSON | None = None,
) -> JSON:
    message: JSON = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "author": user_payload(author),
        "content": content,
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": mention_everyone,
        "mentions": [
            {**user_payload(person), "member": member_payload(person, with_user=False)} for person in mentions or []
        ],
        "mention_roles": [str(role_id) for role_id in mention_role_ids or []],
        "attachments": [],
        "embeds": embeds or [],
        "pinned": False,
        "type": message_type,
        "flags": flags,
        "components": components or [],
    }
    if guild_id is not None:
        message["guild_id"] = str(guild_id)
        message["member"] = member_payload(author, with_user=False)
    if message_reference is not None:
        message["message_reference"] = message_reference
    if extra:
        message.update(extra)
    return message


def interaction_payload(
    interaction_id: int,
    *,
    interaction_type: int,
    token: str,
    application_id: int,
    user: Person,
    channel: JSON,
    data: JSON,
    guild_id: int | None,
    app_permissions: int,
    message: JSON | None = None,
    locale: str = "en-GB",
) -> JSON:
    """An INTERACTION_CREATE payload; in a guild it carries `member`, in a DM `user` (as Discord does).

    `locale` is the language the user chose in their Discord client."""
    payload: JSON = {
        "id": str(interaction_id),
        "application_id": str(application_id),
        "type": interaction_type,
        "data": data,
        "token": token,
        "version": 1,
        "channel_id": channel["id"],
        "channel": channel,
        "app_permissions": str(app_permissions),
        "locale": locale,
        "entitlements": [],
        "entitlement_sku_ids": [],
        "attachment_size_limit": 10 * 1024 * 1024,
    }
    if guild_id is not None:
        payload["guild_id"] = str(guild_id)
        payload["guild"] = {"id": str(guild_id), "locale": "en-US", "features": []}
        payload["guild_locale"] = "en-US"
        payload["member"] = member_payload(user, with_permissions=True)
        payload["authorizing_integration_owners"] = {"0": str(guild_id)}
        payload["context"] = 0
    else:
        payload["user"] = user_payload(user)
        payload["authorizing_integration_owners"] = {"0": str(user.id)}
        payload["context"] = 1
    if message is not None:
        payload["message"] = message
    return payload
