"""Settings from the environment or a `.env` file, built once in `main()` and passed down.

Nothing reads the environment at import time, so any module imports without a token.
Every setting is documented in `.env.example`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values


class SettingsError(ValueError):
    """A setting has a value we cannot use; the message says which and why."""


@dataclass(frozen=True, slots=True)
class Secret:
    """A value that never shows itself in logs, reprs or tracebacks."""

    _value: str = field(repr=False)

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('**********')" if self._value else "Secret('')"

    __str__ = __repr__


@dataclass(frozen=True, slots=True)
class Settings:
    discord_token: Secret = field(default_factory=lambda: Secret(""))
    knowledge_dir: Path | None = None  # None: the bundled story
    dev_guild_id: int | None = None
    mod_role_ids: frozenset[int] = frozenset()
    mod_log_channel_id: int | None = None
    log_level: str | None = None  # None: INFO for the bot, WARNING for offline commands
    api_base: str | None = None  # None: Discord's own
    gateway_url: str | None = None  # None: the one Discord's API gives
    shards: int | None = None  # None: one shard; 0: automatic sharding
    shard_ids: tuple[int, ...] = ()  # the shards this process runs; empty: all of them
    data_dir: Path = Path(".storybot")
    ask_rate: int = 4  # questions a member may ask in a burst...
    ask_per: float = 20.0  # ...within this many seconds (0 in either: no cooldown)

    @classmethod
    def load(cls, env: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")) -> Settings:
        """Read settings; the real environment wins over the `.env` file."""
        values: dict[str, str] = {}
        if env_file is not None and env_file.is_file():
            values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        values.update(os.environ if env is None else env)
        return cls.from_mapping(values)

    @classmethod
    def from_mapping(cls, values: Mapping[str, str]) -> Settings:
        def get(name: str) -> str | None:
            value = values.get(name, "").strip()
            return value or None

        kb = get("STORYBOT_KB")
        shards = get("STORYBOT_SHARDS")
        return cls(
            discord_token=Secret(get("DISCORD_TOKEN") or ""),
            knowledge_dir=Path(kb).expanduser() if kb else None,
            dev_guild_id=_int(get("STORYBOT_DEV_GUILD_ID"), "STORYBOT_DEV_GUILD_ID"),
            mod_role_ids=frozenset(
                _int(part.strip(), "STORYBOT_MOD_ROLE_IDS") or 0
                for part in (get("STORYBOT_MOD_ROLE_IDS") or "").split(",")
                if part.strip()
            ),
            mod_log_channel_id=_int(get("STORYBOT_MOD_LOG_CHANNEL_ID"), "STORYBOT_MOD_LOG_CHANNEL_ID"),
            log_level=(get("STORYBOT_LOG_LEVEL") or "").upper() or None,
            api_base=get("DISCORD_API_BASE"),
            gateway_url=get("DISCORD_GATEWAY_URL"),
            shards=0 if shards == "auto" else _int(shards, "STORYBOT_SHARDS"),
            shard_ids=tuple(
                _int(part.strip(), "STORYBOT_SHARD_IDS") or 0
                for part in (get("STORYBOT_SHARD_IDS") or "").split(",")
                if part.strip()
            ),
            data_dir=Path(get("STORYBOT_DATA_DIR") or ".storybot").expanduser(),
            ask_rate=int(_number(get("STORYBOT_ASK_RATE"), "STORYBOT_ASK_RATE", 4)),
            ask_per=_number(get("STORYBOT_ASK_PER"), "STORYBOT_ASK_PER", 20.0),
        )


def _int(value: str | None, name: str) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise SettingsError(f"{name} must be a number (a Discord id), not {value!r}.") from None


def _number(value: str | None, name: str, default: float) -> float:
    """A count or a number of seconds, not negative; `default` when unset."""
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        raise SettingsError(f"{name} must be a number, not {value!r}.") from None
    if number < 0:
        raise SettingsError(f"{name} cannot be negative ({value!r}).")
    return number
