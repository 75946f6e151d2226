"""The CLI over a library of two stories: `storybot stories`, `--story`, validate and eval."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot import cli

from .conftest import WATER

pytestmark = pytest.mark.usefixtures("cli_environment")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_stories_lists_each_story(library_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "stories", "--kb", str(library_dir), "--json")
    assert code == 0
    listed = json.loads(out)
    assert [s["id"] for s in listed] == ["police-surveillance", "water"]
    assert listed[1] == {"id": "water", "title": "Cordero County water cuts", "entries": 30, "sources": 1}
    assert all(s["entries"] > 0 and s["sources"] == 1 for s in listed)


def test_the_shipped_folder_is_one_story(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "stories", "--json")
    assert code == 0 and [s["id"] for s in json.loads(out)] == ["police-surveillance"]


def test_validate_checks_every_story(library_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", "--kb", str(library_dir))
    assert code == 0
    assert "(story police-surveillance): valid" in out and "(story water): valid" in out
    assert "2 stories, each valid on its own" in out


def test_ask_story_scopes_and_json_names_the_story(library_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "--kb", str(library_dir), "--json", "what is the contract worth?")
    which = json.loads(out)
    assert code == 0 and not which["answered"] and which["story"] is None
    assert {s["story"] for s in which["suggested"]} == {"police-surveillance", "water"}

    code, out, _ = run(
        capsys, "ask", "--kb", str(library_dir), "--story", "water", "--json", "what is the contract worth?"
    )
    scoped = json.loads(out)
    assert scoped["answered"] and "412" in scoped["answer"]
    assert scoped["story"] == {"id": "water", "title": "Cordero County water cuts"}

    code, out, _ = run(capsys, "ask", "--kb", str(library_dir), "--story", "water", "what is the contract worth?")
    assert out.startswith("[Cordero County water cuts]")


def test_an_unknown_story_is_a_usage_error(library_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "ask", "--kb", str(library_dir), "--story", "nope", "hello")
    assert code == cli.EXIT_USAGE and "police-surveillance, water" in err


def test_eval_of_one_story_in_the_library(library_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    questions = str(WATER.parent / "questions.yaml")
    code, _, err = run(capsys, "eval", "--kb", str(library_dir), questions)
    assert code == cli.EXIT_USAGE and "--story" in err
    code, out, _ = run(capsys, "eval", "--kb", str(library_dir), "--story", "water", questions)
    assert code == 0 and "answered right" in out and "declined right" in out
