"""The README's examples, run: its command lines work as shown, and its "Add a fact" entry, pasted
into a copy of the knowledge base, validates and answers its own question."""

from __future__ import annotations

import io
import re
import shlex
import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest
import yaml

from bot import cli
from bot.answering import Engine, training
from bot.answering.evaluation import Case
from bot.knowledge import bundled_knowledge_dir, load_knowledge
from bot.knowledge.text import clean

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
STDIN_QUESTIONS = "who is Evan Greer?\nwhat did Gilliard say?\n"


def section(title: str) -> str:
    """The README's text from a heading or bold lead-in to the next one of either."""
    start = README.index(title)
    following = re.search(r"^(#{1,3} |\*\*)", README[start + len(title) :], re.MULTILINE)
    return README[start : start + len(title) + following.start()] if following else README[start:]


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.MULTILINE | re.DOTALL)


def command_lines() -> list[str]:
    """Every `storybot ...` line of the quick start and of "Asking from the command line"."""
    text = "\n".join(blocks(section("## Quick start"), "sh") + blocks(section("## Asking from the command line"), "sh"))
    lines = [part.strip() for line in text.splitlines() for part in line.split("&&")]
    return [line for line in lines if line.startswith("storybot ")]


pytestmark = pytest.mark.usefixtures("cli_environment", "cli_reuses_engine")

TRAIN_SHARE = 8  # the README's `train` line learns from every eighth question of each kind


def thin_training(monkeypatch: pytest.MonkeyPatch) -> None:
    """`storybot train` still runs every stage (both copies of the story, the cut phrasings, the swapped
    names, the off-topic questions, the hold-out, both fits) over an eighth of the questions: the line is
    checked to run as shown, while tests/eval checks what training learns."""
    real = training.samples

    def thinned(engine: Engine, cases: Iterable[Case]) -> list[training.Sample]:
        return real(engine, list(cases)[::TRAIN_SHARE])

    monkeypatch.setattr(training, "samples", thinned)


def test_the_readme_shows_the_commands_a_user_starts_with() -> None:
    shown = {shlex.split(line, comments=True)[1] for line in command_lines()}
    assert {"ask", "quote", "console", "validate", "export", "eval", "init", "--version"} <= shown


@pytest.mark.parametrize("line", command_lines())
def test_each_command_line_runs_as_shown(
    line: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    words = shlex.split(line, comments=True)
    monkeypatch.setenv("STORYBOT_DATA_DIR", str(tmp_path / "data"))  # nothing written to the user's own folder
    redirect: Path | None = None
    if "<" in words:  # `storybot ask --json - < questions.txt`: the file on standard input
        at = words.index("<")
        words = words[:at]
        monkeypatch.setattr("sys.stdin", io.StringIO(STDIN_QUESTIONS))
    else:
        monkeypatch.setattr("sys.stdin", io.StringIO(""))
    if ">" in words:  # `storybot export --format csv > entries.csv`: standard output into a file
        at = words.index(">")
        redirect, words = tmp_path / words[at + 1], words[:at]
    # The shell would expand `tests/eval/*.yaml`; question sets are named relative to the repository.
    words = [w for word in words for w in (sorted(str(p) for p in ROOT.glob(word)) if "*" in word else [word])]
    if words[1] == "import":  # into a copy of the bundled story, from the spreadsheet `export` writes
        copy = tmp_path / "knowledge"
        shutil.copytree(bundled_knowledge_dir(), copy)
        monkeypatch.setenv("STORYBOT_KB", str(copy))
        assert cli.main(["export", "--format", "csv"]) == cli.EXIT_OK
        Path(words[2]).write_bytes(capsys.readouterr().out.encode("utf-8"))
    if words[1] == "train":  # never over the shipped decision
        words += ["--out", str(tmp_path / "decision.json")]
        thin_training(monkeypatch)

    try:
        code = cli.main(words[1:])
    except SystemExit as exit_:  # --version exits from argparse
        code = int(exit_.code or 0)

    out = capsys.readouterr().out
    assert code == cli.EXIT_OK, out
    assert out.strip()
    if redirect is not None:
        redirect.write_text(out, encoding="utf-8")


def test_the_add_a_fact_example_is_new_and_works_when_pasted(tmp_path: Path, story_engine: Engine) -> None:
    (snippet,) = blocks(section("**Add a fact**"), "yaml")
    entry = yaml.safe_load(snippet)["entries"][0]
    question = entry["questions"][0]
    assert entry["id"] not in story_engine.kb.entries
    shipped_phrasings = {clean(q) for known in story_engine.kb.entries.values() for q in known.questions}
    assert not {clean(q) for q in entry["questions"]} & shipped_phrasings

    kb_dir = Path(shutil.copytree(bundled_knowledge_dir(), tmp_path / "kb"))
    (kb_dir / "entries" / "mine.yaml").write_text(snippet, encoding="utf-8")

    kb = load_knowledge(kb_dir)  # raises, listing every problem, if the example is not valid
    answer = Engine(kb).ask(question)
    assert answer.entry is not None
    assert answer.entry.id == entry["id"]
    assert answer.text == " ".join(entry["answer"].split())
