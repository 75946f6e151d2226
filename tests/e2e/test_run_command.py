"""`storybot run` itself, as an operator starts it: a separate process configured only by its environment."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
import time
from pathlib import Path

from discord_double import DiscordDouble

from bot.discord_app.runner import LOGIN_REFUSED

STARTUP_TIMEOUT = 30.0  # a fresh interpreter importing discord.py; the double itself answers in milliseconds
STOP_WITHIN = 8.0  # seconds from SIGTERM to exit: the runner's grace is 5 s, and it needs far less


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


async def start_storybot(double: DiscordDouble, tmp_path: Path, **extra: str) -> asyncio.subprocess.Process:
    """`storybot run` in `tmp_path`, talking to the double; `extra` sets or overrides environment variables."""
    env = storybot_env(double, tmp_path / "data", double.token)
    env.update(extra)
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_storybot_run_answers_ask_through_the_double(double: DiscordDouble, tmp_path: Path) -> None:
    process = await start_storybot(double, tmp_path)
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
    process = await start_storybot(double, tmp_path, DISCORD_TOKEN="not-the-token")  # noqa: S106 - refused
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=STARTUP_TIMEOUT)
    assert process.returncode == 1
    assert b"Traceback" not in stderr
    assert b"rejected the token" in stderr
    double.problems.clear()  # the double records the refused login as a problem; here it is the point


async def test_a_token_refused_at_identify_gets_one_clear_line(double: DiscordDouble, tmp_path: Path) -> None:
    double.refuse_next_identify(4004)  # REST still takes the token; the gateway does not
    process = await start_storybot(double, tmp_path)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=STARTUP_TIMEOUT)
    text = stderr.decode()
    assert process.returncode == 1
    assert "Traceback" not in text
    assert text.splitlines()[-1] == LOGIN_REFUSED
    assert len(double.connections) == 1, "a refused token must not be tried again and again"


async def test_sigterm_closes_the_gateway_and_the_store_and_exits_0(double: DiscordDouble, tmp_path: Path) -> None:
    process = await start_storybot(double, tmp_path)
    await double.wait_until_connected(timeout=STARTUP_TIMEOUT)
    await double.wait_for_request(lambda r: r.method == "PUT" and "/commands" in r.path, timeout=STARTUP_TIMEOUT)
    sent = await double.send_command("ask", {"question": "what is the weather on mars?"})
    await double.wait_for_reply(sent)
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=STOP_WITHIN)
    took = time.monotonic() - started
    text = stderr.decode()
    assert process.returncode == 0, text
    assert "Traceback" not in text
    assert took < STOP_WITHIN
    assert "stopped" in text.splitlines()[-1]
    assert double.connections[-1].ws.closed, "the gateway connection was closed, not dropped"
    store = tmp_path / "data" / "storybot.sqlite3"
    assert not store.with_name(store.name + "-wal").exists(), "the store was closed (its log checkpointed)"
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT question FROM questions").fetchall() == [("what is the weather on mars?",)]


async def test_debug_logs_carry_no_token_and_no_interaction_url(double: DiscordDouble, tmp_path: Path) -> None:
    process = await start_storybot(double, tmp_path, STORYBOT_LOG_LEVEL="DEBUG")
    try:
        await double.wait_until_connected(timeout=STARTUP_TIMEOUT)
        await double.wait_for_request(lambda r: r.method == "PUT" and "/commands" in r.path, timeout=STARTUP_TIMEOUT)
        sent = await double.send_command("ask", {"question": "which companies paused facial recognition?"})
        await double.wait_for_reply(sent)
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=STOP_WITHIN)
    text = stderr.decode()
    assert f"/interactions/{sent.id}/[redacted]/callback" in text, "the callback URL is logged, redacted"
    assert sent.token not in text
    assert double.token not in text
    assert "'token': '[redacted]'" in text or '"token": "[redacted]"' in text  # the INTERACTION_CREATE event
