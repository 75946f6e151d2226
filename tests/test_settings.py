"""Settings as an operator meets them: one clear line per bad value, and offline commands never stopped
by a setting only the Discord bot reads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot import cli
from bot.settings import DISCORD_ONLY, Settings, SettingsError, _Environment

QUESTION = "which companies paused facial recognition?"


pytestmark = pytest.mark.usefixtures("cli_environment")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_a_bad_cooldown_does_not_stop_ask(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYBOT_ASK_PER", "abc")
    monkeypatch.setenv("STORYBOT_SHARDS", "lots")
    code, out, err = run(capsys, "ask", QUESTION)
    assert code == 0
    assert "IBM" in out
    assert err == ""


@pytest.mark.parametrize("command", ["run", "sync"])
def test_the_bot_refuses_a_bad_cooldown_in_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "a-token-that-is-never-used")
    monkeypatch.setenv("STORYBOT_ASK_PER", "abc")
    code, out, err = run(capsys, command)
    assert code == 2
    assert out == ""
    assert err == "storybot: STORYBOT_ASK_PER='abc': is not a number of seconds (e.g. 5 or 0.5)\n"


def test_every_bad_value_gets_its_own_line() -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_mapping(
            {
                "STORYBOT_ASK_PER": "-1",
                "STORYBOT_MOD_GUILD_IDS": "123, general",
                "STORYBOT_DEV_GUILD_ID": "my-server",
                "STORYBOT_LOG_LEVEL": "loud",
                "DISCORD_API_BASE": "discord.example",
            }
        )
    lines = refused.value.problems
    assert [line.split("=")[0] for line in lines] == [
        "STORYBOT_DEV_GUILD_ID",
        "STORYBOT_MOD_GUILD_IDS",
        "STORYBOT_LOG_LEVEL",
        "DISCORD_API_BASE",
        "STORYBOT_ASK_PER",
    ]
    assert all("\n" not in line for line in lines)
    assert "use one of DEBUG, INFO, WARNING, ERROR" in lines[2]


def test_a_bad_shared_setting_stops_offline_commands_too(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STORYBOT_LOG_LEVEL", "chatty")
    code, _, err = run(capsys, "ask", QUESTION)
    assert code == 2
    assert err.startswith("storybot: STORYBOT_LOG_LEVEL='chatty': is not a log level")


@pytest.mark.parametrize("spelling", ["auto", "Auto", "AUTO", " auto "])
def test_automatic_sharding_in_any_case(spelling: str) -> None:
    assert Settings.from_mapping({"STORYBOT_SHARDS": spelling}).shards == 0


def test_shards_and_ids() -> None:
    settings = Settings.from_mapping({"STORYBOT_SHARDS": "4", "STORYBOT_SHARD_IDS": "2, 3"})
    assert (settings.shards, settings.shard_ids) == (4, (2, 3))
    with pytest.raises(SettingsError, match="STORYBOT_SHARDS='0': must be `auto` or a number"):
        Settings.from_mapping({"STORYBOT_SHARDS": "0"})


def test_the_token_never_shows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "MTIzNDU2.secret-part.xyz")
    monkeypatch.setenv("STORYBOT_DEV_GUILD_ID", "oops")
    with pytest.raises(SettingsError) as refused:
        Settings.load()
    assert "secret-part" not in str(refused.value)
    settings = Settings.from_mapping({"DISCORD_TOKEN": "MTIzNDU2.secret-part.xyz"})
    assert "secret-part" not in repr(settings)
    assert settings.discord_token.get_secret_value() == "MTIzNDU2.secret-part.xyz"


def test_the_environment_wins_over_the_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("STORYBOT_ASK_PER=7\nSTORYBOT_DEV_GUILD_ID=111\n", encoding="utf-8")
    monkeypatch.setenv("STORYBOT_ASK_PER", "2")
    settings = Settings.load()
    assert (settings.ask_per, settings.dev_guild_id) == (2.0, 111)


def test_data_lives_in_the_users_data_folder_not_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    if os.name == "posix" and os.uname().sysname == "Linux":
        assert Settings.load().data_dir == tmp_path / "xdg" / "storybot"
    assert Settings().data_dir.is_absolute()  # never a folder of wherever the command happens to run
    monkeypatch.setenv("STORYBOT_DATA_DIR", str(tmp_path / "mine"))
    assert Settings.load().data_dir == tmp_path / "mine"


def test_env_example_documents_every_setting() -> None:
    example = (Path(__file__).resolve().parents[1] / ".env.example").read_text(encoding="utf-8")
    documented = {line.split("=", 1)[0] for line in example.splitlines() if line and not line.startswith("#")}
    read = {name.upper() for name in _Environment.model_fields}
    assert documented == read
    assert DISCORD_ONLY.issubset(read)
