"""Settings from the environment or a `.env` file, read once in `main()` and passed down.

Nothing reads the environment at import time, so any module imports without a token. Every setting
is documented in `.env.example`. pydantic-settings finds each variable (the environment wins over
`.env`, names in any case, empty means unset); each value is then checked here, so a bad one is
reported on one line naming the variable and what it should be. Settings only the Discord bot uses
never stop the offline commands: `storybot ask` answers whatever `STORYBOT_ASK_RATE` says, and
only `run` and `sync` refuse a bad one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from platformdirs import user_data_dir
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

V = TypeVar("V")

Secret = SecretStr  # the token's type: shows as '**********' in reprs, logs and tracebacks

APP_NAME = "storybot"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
# Read by the Discord bot alone: a bad value stops `run` and `sync`, never the offline commands.
DISCORD_ONLY = frozenset(
    {
        "DISCORD_TOKEN",
        "DISCORD_API_BASE",
        "DISCORD_GATEWAY_URL",
        "STORYBOT_DEV_GUILD_ID",
        "STORYBOT_MOD_GUILD_IDS",
        "STORYBOT_MOD_ROLE_IDS",
        "STORYBOT_MOD_LOG_CHANNEL_ID",
        "STORYBOT_SHARDS",
        "STORYBOT_SHARD_IDS",
        "STORYBOT_ASK_RATE",
        "STORYBOT_ASK_PER",
    }
)
MAX_COOLDOWN = 24 * 3600.0  # seconds; a longer cooldown window is a typo, not a policy
MAX_BURST = 1000  # questions in one window; more is a typo, and 0 turns the cooldown off


def default_data_dir() -> Path:
    """The per-user data folder: `~/.local/share/storybot` on Linux (or under `XDG_DATA_HOME`),
    `~/Library/Application Support/storybot` on macOS, `%LOCALAPPDATA%\\storybot` on Windows."""
    return Path(user_data_dir(APP_NAME, appauthor=False))


class SettingsError(ValueError):
    """Settings have values we cannot use; one line per bad value, naming the variable."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True, slots=True)
class Settings:
    discord_token: SecretStr = field(default_factory=lambda: SecretStr(""))
    knowledge_dir: Path | None = None  # None: the bundled story
    dev_guild_id: int | None = None
    mod_guild_ids: frozenset[int] = frozenset()  # empty: moderation only while the bot is in one server
    mod_role_ids: frozenset[int] = frozenset()
    mod_log_channel_id: int | None = None
    log_level: str | None = None  # None: INFO for the bot, WARNING for offline commands
    api_base: str | None = None  # None: Discord's own
    gateway_url: str | None = None  # None: the one Discord's API gives
    shards: int | None = None  # None: one shard; 0: automatic sharding
    shard_ids: tuple[int, ...] = ()  # the shards this process runs; empty: all of them
    data_dir: Path = field(default_factory=default_data_dir)
    engine_cache: bool = True  # keep built engines in the data directory for a warm start (off: always build)
    ask_rate: int = 4  # questions a member may ask in a burst...
    ask_per: float = 20.0  # ...within this many seconds (0 in either: no cooldown)

    @classmethod
    def load(cls, env_file: Path | None = Path(".env"), *, discord: bool = True) -> Settings:
        """Read the settings once: the environment, then `env_file`. `discord`: the bot is starting, so
        its own settings must be right too; otherwise a bad one is ignored (its default is used)."""
        dotenv = env_file if env_file is not None and env_file.is_file() else None
        found = _Environment(_env_file=dotenv)  # type: ignore[call-arg]  # pydantic-settings' documented init argument
        raw = {name.upper(): value for name, value in found.model_dump().items() if value is not None}
        return cls.from_mapping(raw, discord=discord)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], *, discord: bool = True) -> Settings:
        """Settings from variable names and their text; `SettingsError` lists every bad value."""
        problems: list[str] = []

        def get(name: str, parse: Callable[[str], V], default: V) -> V:
            value = values.get(name)
            text = value.get_secret_value() if isinstance(value, SecretStr) else value
            if text is None or not str(text).strip():
                return default
            try:
                return parse(str(text).strip())
            except ValueError as error:
                if discord or name not in DISCORD_ONLY:
                    shown = "…" if name == "DISCORD_TOKEN" else repr(_cut(str(text)))
                    problems.append(f"{name}={shown}: {error}")
                return default

        token = values.get("DISCORD_TOKEN")
        settings = cls(
            discord_token=token if isinstance(token, SecretStr) else SecretStr(str(token or "").strip()),
            knowledge_dir=get("STORYBOT_KB", _path, None),
            dev_guild_id=get("STORYBOT_DEV_GUILD_ID", _discord_id, None),
            mod_guild_ids=get("STORYBOT_MOD_GUILD_IDS", _discord_ids, frozenset()),
            mod_role_ids=get("STORYBOT_MOD_ROLE_IDS", _discord_ids, frozenset()),
            mod_log_channel_id=get("STORYBOT_MOD_LOG_CHANNEL_ID", _discord_id, None),
            log_level=get("STORYBOT_LOG_LEVEL", _log_level, None),
            api_base=get("DISCORD_API_BASE", _url, None),
            gateway_url=get("DISCORD_GATEWAY_URL", _url, None),
            shards=get("STORYBOT_SHARDS", _shards, None),
            shard_ids=get("STORYBOT_SHARD_IDS", _shard_ids, ()),
            data_dir=get("STORYBOT_DATA_DIR", _path, None) or default_data_dir(),
            engine_cache=get("STORYBOT_ENGINE_CACHE", _switch, True),
            ask_rate=get("STORYBOT_ASK_RATE", _count, 4),
            ask_per=get("STORYBOT_ASK_PER", _seconds, 20.0),
        )
        if problems:
            raise SettingsError(problems)
        return settings


class _Environment(BaseSettings):
    """Where each setting's text comes from; checking it is `Settings.from_mapping`'s job."""

    model_config = SettingsConfigDict(extra="ignore", env_ignore_empty=True, env_file_encoding="utf-8")

    discord_token: SecretStr | None = None
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None
    storybot_kb: str | None = None
    storybot_dev_guild_id: str | None = None
    storybot_mod_guild_ids: str | None = None
    storybot_mod_role_ids: str | None = None
    storybot_mod_log_channel_id: str | None = None
    storybot_log_level: str | None = None
    storybot_shards: str | None = None
    storybot_shard_ids: str | None = None
    storybot_data_dir: str | None = None
    storybot_engine_cache: str | None = None
    storybot_ask_rate: str | None = None
    storybot_ask_per: str | None = None


# ---------------------------------------------------------------------- one parser per kind of value


def _cut(text: str, room: int = 40) -> str:
    return text if len(text) <= room else text[: room - 1] + "…"


def _path(text: str) -> Path:
    return Path(text).expanduser()


_ON, _OFF = frozenset({"1", "true", "yes", "on"}), frozenset({"0", "false", "no", "off"})


def _switch(text: str) -> bool:
    if text.lower() not in _ON | _OFF:
        raise ValueError("is not on or off (on, off, true, false, yes, no, 1 or 0)")
    return text.lower() in _ON


def _discord_id(text: str) -> int:
    if not text.isdigit() or int(text) == 0:
        raise ValueError("is not a Discord id (the number Discord's Copy ID gives, e.g. 123456789012345678)")
    return int(text)


def _discord_ids(text: str) -> frozenset[int]:
    try:
        return frozenset(_discord_id(part.strip()) for part in text.split(",") if part.strip())
    except ValueError:
        raise ValueError("is not a list of Discord ids separated by commas, e.g. 123456789012345678,234...") from None


def _log_level(text: str) -> str:
    level = text.upper()
    if level not in LOG_LEVELS:
        raise ValueError(f"is not a log level; use one of {', '.join(LOG_LEVELS)}")
    return level


def _url(text: str) -> str:
    if not text.startswith(("http://", "https://", "ws://", "wss://")):
        raise ValueError("is not a URL (http://, https://, ws:// or wss://)")
    return text


def _shards(text: str) -> int:
    if text.lower() == "auto":
        return 0
    if not text.isdigit() or int(text) < 1:
        raise ValueError("must be `auto` or a number of shards (1 or more)")
    return int(text)


def _shard_ids(text: str) -> tuple[int, ...]:
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not all(part.isdigit() for part in parts):
        raise ValueError("is not a list of shard numbers separated by commas, e.g. 0,1")
    return tuple(int(part) for part in parts)


def _count(text: str) -> int:
    if not text.isdigit() or int(text) > MAX_BURST:
        raise ValueError(f"is not a number of questions from 0 to {MAX_BURST}")
    return int(text)


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        raise ValueError("is not a number of seconds (e.g. 5 or 0.5)") from None
    if not 0 <= seconds <= MAX_COOLDOWN:  # also refuses nan and inf
        raise ValueError(f"must be between 0 and {MAX_COOLDOWN:.0f} seconds")
    return seconds
