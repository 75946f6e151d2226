"""The bot's log at start-up says what matters: no warnings about voice support StoryBot never uses."""

import logging

import discord
import pytest

import bot.discord_app.runner  # noqa: F401 - importing the runner installs the filter


def client_warnings(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What discord.py logs making a client (it warns about voice once a process: made to warn again)."""
    monkeypatch.setattr(discord.VoiceClient, "warn_nacl", not discord.voice_client.has_nacl)
    monkeypatch.setattr(discord.VoiceClient, "warn_dave", not discord.voice_state.has_dave)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="discord.client"):
        discord.Client(intents=discord.Intents.default())
    return [record.getMessage() for record in caplog.records if record.name == "discord.client"]


def test_no_voice_warnings_when_a_client_is_made(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert client_warnings(caplog, monkeypatch) == []
    with caplog.at_level(logging.WARNING, logger="discord.client"):
        logging.getLogger("discord.client").warning("another warning is still logged")
    assert [r.getMessage() for r in caplog.records] == ["another warning is still logged"]


def test_without_the_filter_discord_would_warn(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """discord.py still warns about voice here (no PyNaCl or davey installed), so the test above means something."""
    logger = logging.getLogger("discord.client")
    monkeypatch.setattr(logger, "filters", [])
    assert any("voice will NOT be supported" in message for message in client_warnings(caplog, monkeypatch))
