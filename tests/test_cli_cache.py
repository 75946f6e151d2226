"""The commands that answer open the engine cached in the data directory: a second `ask` parses nothing,
`--no-cache` and STORYBOT_ENGINE_CACHE=off bypass it, and a data directory that cannot
be written costs only the warm start."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from bot import cli
from bot.answering import cache
from bot.knowledge import bundled_knowledge_dir

pytestmark = pytest.mark.usefixtures("cli_environment")
QUESTION = "which company walked away from facial recognition first?"


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    return Path(shutil.copytree(bundled_knowledge_dir(), tmp_path / "kb"))


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("STORYBOT_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def ask(capsys: pytest.CaptureFixture[str], knowledge: Path, *extra: str, question: str = QUESTION) -> str:
    assert cli.main(["ask", "--kb", str(knowledge), *extra, question]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return out


def refuse_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_loading(*_: object) -> None:
        raise AssertionError("the knowledge files were parsed although the cache was warm")

    monkeypatch.setattr(cache, "load_library", no_loading)


def engine_files(data: Path) -> list[Path]:
    return list((data / cache.ENGINE_CACHE).rglob(f"*{cache.ENGINE_SUFFIX}"))


@pytest.mark.parametrize("command", [["ask", QUESTION], ["quote", "Greer"], ["eval", "tests/eval/questions.yaml"]])
def test_a_second_command_opens_the_cached_engine_and_parses_nothing(
    command: list[str], knowledge: Path, data: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if command[0] == "eval":
        command = ["eval", str(Path(__file__).parent / "eval" / "questions.yaml")]
    argv = [command[0], "--kb", str(knowledge), *command[1:]]
    assert cli.main(argv) == 0
    cold = capsys.readouterr().out
    assert len(engine_files(data)) == 1
    refuse_loading(monkeypatch)
    assert cli.main(argv) == 0
    warm = capsys.readouterr().out
    if command[0] == "eval":  # the timings differ; the scores do not
        cold, warm = (text.split("time per question")[0] for text in (cold, warm))
    assert warm == cold


def test_no_cache_neither_opens_nor_writes_one(
    knowledge: Path, data: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = ask(capsys, knowledge, "--no-cache")
    assert engine_files(data) == []
    monkeypatch.setenv("STORYBOT_ENGINE_CACHE", "off")
    assert ask(capsys, knowledge) == first
    assert engine_files(data) == []


def test_a_data_directory_that_cannot_be_written_costs_one_log_line_not_the_answer(
    knowledge: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the data directory should be")
    monkeypatch.setenv("STORYBOT_DATA_DIR", str(blocked))
    with caplog.at_level(logging.WARNING):
        assert cli.main(["ask", "--kb", str(knowledge), QUESTION]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert out.strip()  # answered
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert "engine cache" in caplog.records[0].getMessage()


def test_the_cache_of_one_folder_leaves_another_folders_alone(
    knowledge: Path, tmp_path: Path, data: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    other = Path(shutil.copytree(knowledge, tmp_path / "other"))
    ask(capsys, knowledge)
    ask(capsys, other)
    assert len(engine_files(data)) == 2
    with caplog.at_level(logging.WARNING):
        ask(capsys, knowledge)
    assert not caplog.records
