"""`storybot run` itself, as an operator starts it: a separate process configured only by its environment."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from discord_double import DiscordDouble

STARTUP_TIMEOUT = 30.0  # a fresh interpreter importing discord.py; the double itself answers in milliseconds


def storybot_env(double: DiscordDouble, data_dir: Path, token: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "STORYBOT_"))}
    env.update(
        DISCORD_TOKEN=token,
        DISCORD_API_BASE=double.api_base,
        DISCORD_GATEWAY_URL=double.gateway_url,
        STORYBOT_DEV_GUILD_ID=str(double.guild_id),
        STORYBOT_ASK_RATE="0",
        STORYBOT_DATA_DIR=str(data_dir),
    )
    return env


async def test_storybot_run_answers_ask_through_the_double(double: DiscordDouble, tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=storybot_env(double, tmp_path / "data", double.token),
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await double.wait_until_connected(timeout=STARTUP_TIMEOUT)
        await double.wait_for_request(lambda r: r.method == "PUT" and "/commands" in r.path, timeout=STARTUP_TIMEOUT)
        sent = await double.send_command("ask", {"question": "which companies paused facial recognition?"})
        reply = await double.wait_for_reply(sent)
        [embed] = reply.body["embeds"]
        assert "IBM" in embed["description"] and "Amazon" in embed["description"]
        assert reply.body["allowed_mentions"]["parse"] == []
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=10)
    assert b"Traceback" not in stderr, stderr.decode()
    assert double.token.encode() not in stderr, "the token must never be logged"


async def test_a_rejected_token_gets_one_clear_line(double: DiscordDouble, tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=storybot_env(double, tmp_path / "data", "not-the-token"),
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=STARTUP_TIMEOUT)
    assert process.returncode == 1
    assert b"Traceback" not in stderr
    assert b"rejected the token" in stderr
    double.problems.clear()  # the double records the refused login as a problem; here it is the point
