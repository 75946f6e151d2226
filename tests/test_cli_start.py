"""What a new user runs first: `storybot --version`, `storybot init DIR`, and `-v` on either side of the command."""

from __future__ import annotations

import logging
from importlib import metadata
from pathlib import Path

import pytest

from bot import cli
from bot.knowledge import bundled_knowledge_dir, load_knowledge
from bot.knowledge.files import folder_digest

pytestmark = pytest.mark.usefixtures("cli_environment", "cli_reuses_engine")


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        cli.main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"storybot {metadata.version('storybot')}\n"


def test_init_copies_the_bundled_story_and_says_how_to_use_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "my-story"

    assert cli.main(["init", str(target)]) == cli.EXIT_OK

    out = capsys.readouterr().out
    assert f"export STORYBOT_KB={target.resolve()}" in out
    assert f"storybot validate --kb {target.resolve()}" in out
    assert folder_digest(target) == folder_digest(bundled_knowledge_dir())  # every file, byte for byte
    assert load_knowledge(target).entries.keys() == load_knowledge(bundled_knowledge_dir()).entries.keys()
    # And the printed setting is what the other commands then use.
    monkeypatch.setenv("STORYBOT_KB", str(target.resolve()))
    (target / "entries" / "ring.yaml").write_text("entries: [oops\n", encoding="utf-8")
    assert cli.main(["validate"]) == cli.EXIT_INVALID_KB
    assert "ring.yaml" in capsys.readouterr().err


def test_init_into_an_empty_folder_is_fine_and_a_full_one_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli.main(["init", str(empty)]) == cli.EXIT_OK
    capsys.readouterr()

    assert cli.main(["init", str(empty)]) == cli.EXIT_USAGE
    assert "already exists and is not empty" in capsys.readouterr().err
    assert folder_digest(empty) == folder_digest(bundled_knowledge_dir())  # untouched


@pytest.mark.parametrize(
    "argv", [["-v", "ask", "who is greer?"], ["ask", "-v", "who is greer?"], ["ask", "who is greer?", "-v"]]
)
def test_verbose_before_or_after_the_command_logs_the_scores(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    levels: list[int] = []
    monkeypatch.setattr(logging, "basicConfig", lambda **kwargs: levels.append(kwargs["level"]))

    assert cli.main(argv) == cli.EXIT_OK

    assert levels == [logging.DEBUG]
    assert "Evan Greer" in capsys.readouterr().out


def test_without_verbose_only_warnings_are_logged(monkeypatch: pytest.MonkeyPatch) -> None:
    levels: list[int] = []
    monkeypatch.setattr(logging, "basicConfig", lambda **kwargs: levels.append(kwargs["level"]))
    assert cli.main(["ask", "who is greer?"]) == cli.EXIT_OK
    assert levels == [logging.WARNING]
