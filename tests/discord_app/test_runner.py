from pathlib import Path

import discord
import pytest

from bot.answering import Engine
from bot.discord_app import runner
from bot.settings import Secret, Settings


def test_without_a_token_run_explains_in_one_line(capsys: pytest.CaptureFixture[str], story_engine: Engine) -> None:
    assert runner.run_bot(Settings(), story_engine) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "DISCORD_TOKEN" in err
    assert "developers" in err
    assert "storybot console" in err
    assert "Traceback" not in err


def test_without_a_token_sync_explains_too(capsys: pytest.CaptureFixture[str], story_engine: Engine) -> None:
    assert runner.sync_commands(Settings(), story_engine, None) == 2
    assert "DISCORD_TOKEN" in capsys.readouterr().err


def test_a_rejected_token_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, story_engine: Engine, tmp_path: Path
) -> None:
    async def refuse(self: object, token: str) -> None:
        raise discord.LoginFailure("Improper token has been passed.")

    monkeypatch.setattr(discord.http.HTTPClient, "static_login", refuse)
    settings = Settings(discord_token=Secret("not-a-real-token"), data_dir=tmp_path)
    assert runner.run_bot(settings, story_engine) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "rejected" in err
    assert "not-a-real-token" not in err


@pytest.mark.parametrize("code", [4004, 4010, 4011, 4012, 4013, 4014])
def test_each_fatal_close_code_has_its_own_line(code: int) -> None:
    text = runner.closed_text(code, "reason")
    assert "\n" not in text
    assert text == runner.FATAL_CLOSE[code]


def test_another_close_code_is_named_with_discords_reason() -> None:
    assert runner.closed_text(4999, "Gone fishing.") == (
        "Discord closed the gateway connection (code 4999: Gone fishing.) and StoryBot stopped."
    )
