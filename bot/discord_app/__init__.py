"""StoryBot on Discord: a thin adapter over the engine (slash commands, a message menu, mentions, buttons).

`runner` holds what the CLI calls (`run_bot`, `sync_commands`) and what tests build bots with (`create_bot`).
Only this package imports discord; the engine never does.
"""

from bot.discord_app.bot import StoryBot
from bot.discord_app.runner import create_bot, run_bot, sync_commands

__all__ = ["StoryBot", "create_bot", "run_bot", "sync_commands"]
