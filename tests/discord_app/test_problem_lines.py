"""Problems shown to moderators: named inside the folder, and only as many made as a message can hold."""

from __future__ import annotations

from pathlib import Path

from bot.discord_app import limits
from bot.discord_app.curator import ProblemLines
from bot.discord_app.kb_text import problems_text
from bot.knowledge.loader import Problem, Problems


def flood(directory: Path, kept: int, total: int) -> Problems:
    file = str(directory / "entries" / "flood.yaml")
    return Problems((Problem(file, n + 1, 1, f"unknown section `s{n}`.") for n in range(kept)), total)


def test_a_million_problems_make_one_message_with_the_true_count(tmp_path: Path) -> None:
    lines = ProblemLines(flood(tmp_path, 1000, 1_000_000), tmp_path)
    text = problems_text("The knowledge base has problems:", lines)
    assert len(text) <= limits.CONTENT
    assert "entries/flood.yaml:1:1: unknown section `s0`." in text
    shown = text.count("entries/flood.yaml:")
    assert f"… and {1_000_000 - shown} more" in text
    assert str(tmp_path) not in text  # named inside the folder, as moderators edit it


def test_lines_are_made_only_when_read(tmp_path: Path) -> None:
    class Counting(Problems):
        reads = 0

        def __getitem__(self, index):  # type: ignore[no-untyped-def]
            Counting.reads += 1
            return super().__getitem__(index)

    problems = Counting(flood(tmp_path, 1000, 1000))
    lines = ProblemLines(problems, tmp_path)
    assert len(lines) == 1000
    assert lines[:3] == [f"entries/flood.yaml:{n}:1: unknown section `s{n - 1}`." for n in (1, 2, 3)]
    problems_text("head", lines)
    assert Counting.reads < 60  # a message holds a few dozen lines at most


def test_a_file_named_outside_the_folder_keeps_its_own_name(tmp_path: Path) -> None:
    loop = tmp_path / "kb" / "loop.yaml"
    loop.parent.mkdir()
    loop.symlink_to(loop)  # naming it must not touch the disk, let alone follow the loop
    outside = Problem("/elsewhere/x.yaml", 1, 1, "m")
    inside = Problem(str(loop), 2, 3, "cannot read the file: it is a loop of symbolic links.")
    assert list(ProblemLines([outside, inside], tmp_path / "kb")) == [
        "/elsewhere/x.yaml:1:1: m",
        "loop.yaml:2:3: cannot read the file: it is a loop of symbolic links.",
    ]
