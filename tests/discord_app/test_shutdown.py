"""Stopping the bot while moderators are editing: the edit being saved finishes, queued ones never start."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest

from bot.discord_app.bot import StoryBot


async def test_close_lets_the_edit_in_progress_finish_and_drops_the_queued_ones(
    story_bot: StoryBot, tmp_path: Path
) -> None:
    saving = threading.Event()
    finished: list[str] = []

    def slow_edit(editor: Any) -> str:
        saving.set()
        threading.Event().wait(0.3)  # an fsync taking its time
        (tmp_path / "saved").write_text("whole", encoding="utf-8")
        finished.append("first")
        return "first"

    def queued_edit(editor: Any) -> str:
        finished.append("second")
        return "second"

    first = asyncio.ensure_future(story_bot.curator.run(slow_edit))
    second = asyncio.ensure_future(story_bot.curator.run(queued_edit))
    await asyncio.to_thread(saving.wait, 5)
    await story_bot.curator.close()
    assert await first == "first"
    assert (tmp_path / "saved").read_text(encoding="utf-8") == "whole"
    with pytest.raises(asyncio.CancelledError):
        await second
    assert finished == ["first"]
