"""A knowledge folder is untrusted: nothing outside it is read or quoted, and no file can hang or flood a load.

Each test copies the shipped knowledge base, plants one hostile file or path in it, and checks that the
load is refused with a problem at `file:line:column` that says what is wrong, promptly, and that
nothing from outside the folder appears in any message.
"""

from __future__ import annotations

import os
import shutil
import threading
import tracemalloc
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeError, bundled_knowledge_dir, load_knowledge
from bot.knowledge import files as knowledge_files_module
from bot.knowledge.files import Unreadable, _read_bounded, read_inside
from bot.knowledge.loader import MAX_PROBLEMS_KEPT, MAX_PROBLEMS_LISTED, Problem, validate_knowledge
from bot.knowledge.yaml_positions import locate, parse

SOURCES = "sources.yaml"
TEXT_FILE = "sources/tech-police-surveillance-2020.txt"
SECRET = "DISCORD_TOKEN=outside-secret-do-not-show"  # noqa: S105 - planted, to prove it never shows
HANG_LIMIT = 20.0  # seconds; a load that has not returned by then is hung (it takes well under one)
# Nearly the secret line: were the outside file read as the source, the loader would show it as the closest passage.
NEAR_EXCERPT = "DISCORD_TOKEN=outside-secret-do-not-shew"

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, devices and /proc are POSIX")


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return Path(shutil.copytree(bundled_knowledge_dir(), tmp_path / "kb"))


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file next to the knowledge folder, holding a secret, and an excerpt that nearly quotes it."""
    path = tmp_path / "secret.txt"
    path.write_text(f"{SECRET}\nThis line is outside the knowledge folder.\n", encoding="utf-8")
    return path


def point_source_at(kb: Path, target: str) -> tuple[int, int]:
    """Make the shipped source read `target`; return where its `text_file` value is (line, column)."""
    path = kb / SOURCES
    text = path.read_text(encoding="utf-8")
    assert f"text_file: {TEXT_FILE}" in text
    text = text.replace(f"text_file: {TEXT_FILE}", f"text_file: '{target}'")
    path.write_text(text, encoding="utf-8")
    index = text.index(f"'{target}'")
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


def add_near_quote(kb: Path) -> None:
    """An entry whose excerpt nearly matches the outside file: a source read from it would be quoted back."""
    (kb / "entries" / "zz-near.yaml").write_text(
        "entries:\n"
        "  - id: zz-near\n"
        "    questions: [What does the outside file say?]\n"
        "    answer: It says something.\n"
        "    evidence:\n"
        "      - source: tech-police-surveillance-2020\n"
        f"        excerpt: {NEAR_EXCERPT}\n",
        encoding="utf-8",
    )


def problems_of(kb: Path) -> list[Problem]:
    """The load's problems, from a thread that must finish within `HANG_LIMIT` seconds."""
    found: list[list[Problem]] = []
    worker = threading.Thread(target=lambda: found.append(validate_knowledge(kb)[1]), daemon=True)
    worker.start()
    worker.join(HANG_LIMIT)
    assert not worker.is_alive(), f"validate_knowledge hung for {HANG_LIMIT} s"
    return found[0]


def assert_nothing_from_outside(problems: list[Problem]) -> None:
    text = "\n".join(str(p) for p in problems)
    assert "outside-secret" not in text
    assert "This line is outside" not in text


@pytest.mark.parametrize("how", ["absolute", "dot-dot", "link"])
def test_a_text_file_outside_the_folder_is_refused_and_never_quoted(kb: Path, outside: Path, how: str) -> None:
    if how == "absolute":
        target = str(outside)
    elif how == "dot-dot":
        target = "../secret.txt"  # relative to kb/sources.yaml: the folder that holds the knowledge folder
    else:
        (kb / "sources" / "innocent.txt").symlink_to(outside)
        target = "sources/innocent.txt"
    line, column = point_source_at(kb, target)
    add_near_quote(kb)
    problems = problems_of(kb)
    assert_nothing_from_outside(problems)
    [problem] = [p for p in problems if p.file.endswith(SOURCES)]
    assert (problem.line, problem.column) == (line, column)
    assert "outside the knowledge folder" in problem.message
    assert "closest passage" not in "\n".join(p.message for p in problems)


@posix_only
def test_proc_self_environ_is_outside_the_folder(kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYBOT_PLANTED", SECRET)
    point_source_at(kb, "/proc/self/environ")
    add_near_quote(kb)
    problems = problems_of(kb)
    assert_nothing_from_outside(problems)
    assert any("outside the knowledge folder" in p.message for p in problems)


def test_a_link_that_stays_inside_the_folder_is_followed(kb: Path) -> None:
    (kb / "sources" / "alias.txt").symlink_to(kb / TEXT_FILE)
    point_source_at(kb, "sources/alias.txt")
    assert problems_of(kb) == []


@posix_only
def test_a_fifo_as_source_text_is_refused_at_once(kb: Path) -> None:
    os.mkfifo(kb / "sources" / "pipe.txt")
    line, column = point_source_at(kb, "sources/pipe.txt")
    [problem] = problems_of(kb)
    assert (problem.line, problem.column) == (line, column)
    assert "named pipe (FIFO)" in problem.message


@posix_only
def test_a_fifo_named_like_a_knowledge_file_is_refused_at_once(kb: Path) -> None:
    os.mkfifo(kb / "entries" / "pipe.yaml")
    [problem] = problems_of(kb)
    assert problem.file.endswith("entries/pipe.yaml")
    assert (problem.line, problem.column) == (1, 1)
    assert "named pipe (FIFO), not a regular file" in problem.message


@posix_only
def test_a_knowledge_file_linked_to_dev_zero_is_refused_without_reading(kb: Path) -> None:
    (kb / "entries" / "zero.yaml").symlink_to("/dev/zero")
    [problem] = problems_of(kb)
    assert problem.file.endswith("entries/zero.yaml")
    # /dev/zero is outside the folder: refused for that before its kind is even looked at.
    assert "outside the knowledge folder" in problem.message


@posix_only
def test_a_device_inside_the_folder_is_refused_for_what_it_is(tmp_path: Path) -> None:
    # Only root can make a device node; /dev itself stands in for a folder that holds one.
    with pytest.raises(Unreadable, match="character device, not a regular file"):
        read_inside(Path("/dev/zero"), Path("/dev"))


def test_a_loop_of_links_is_a_problem_not_a_traceback(kb: Path) -> None:
    (kb / "entries" / "a.yaml").symlink_to("b.yaml")
    (kb / "entries" / "b.yaml").symlink_to("a.yaml")
    (kb / "sources" / "loop.txt").symlink_to("loop.txt")
    point_source_at(kb, "sources/loop.txt")
    problems = problems_of(kb)
    by_file = {Path(p.file).name: p for p in problems}
    assert "loop of symbolic links" in by_file["a.yaml"].message
    assert "loop of symbolic links" in by_file["b.yaml"].message
    with pytest.raises(KnowledgeError) as refused:
        load_knowledge(kb)
    assert "loop of symbolic links" in str(refused.value)


def test_an_oversize_file_is_refused_from_its_size_before_it_is_read(kb: Path) -> None:
    huge = kb / "entries" / "huge.yaml"
    with huge.open("wb") as handle:  # sparse: its size says 256 MiB and more, and it costs no disk
        handle.truncate(knowledge_files_module.MAX_FILE_BYTES + 1)
    [problem] = problems_of(kb)
    assert problem.file.endswith("entries/huge.yaml")
    assert "larger than 256 MiB" in problem.message


def test_an_oversize_source_text_is_refused_where_it_is_named(kb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(knowledge_files_module, "MAX_FILE_BYTES", 1000)
    line, column = point_source_at(kb, TEXT_FILE)  # the article is far longer than 1,000 bytes
    problems = [p for p in problems_of(kb) if p.file.endswith(SOURCES)]
    assert [(p.line, p.column) for p in problems] == [(line, column)]
    assert "larger than 1,000 bytes" in problems[0].message


@posix_only
def test_a_read_stops_past_the_limit_whatever_size_the_file_claims() -> None:
    # A file may say it is empty (/proc) or grow while read: the read itself is bounded, not just the check.
    reader, writer = os.pipe()

    def feed() -> None:
        os.write(writer, b"x" * 5000)
        os.close(writer)

    feeder = threading.Thread(target=feed)
    feeder.start()
    try:
        with pytest.raises(Unreadable, match="larger than 1,000 bytes"):
            _read_bounded(reader, 0, 1000)
    finally:
        feeder.join()
        os.close(reader)


# ---------------------------------------------------------------------- bounded work on bad input


def test_a_flood_of_problems_is_counted_and_listed_only_in_part(kb: Path) -> None:
    count = MAX_PROBLEMS_KEPT * 3
    (kb / "entries" / "zz-flood.yaml").write_text("".join(f"section{n}: 1\n" for n in range(count)), encoding="utf-8")
    kb_, problems = validate_knowledge(kb)
    assert kb_ is None
    assert problems.total == count
    assert len(problems) == MAX_PROBLEMS_KEPT
    assert problems[0].line == 1 and "unknown section `section0`" in problems[0].message
    with pytest.raises(KnowledgeError) as refused:
        load_knowledge(kb)
    lines = str(refused.value).splitlines()
    assert len(lines) == MAX_PROBLEMS_LISTED + 2
    assert lines[-2] == f"… and {count - MAX_PROBLEMS_LISTED:,} more."
    assert lines[-1] == f"{count:,} problems found; the knowledge base was not loaded."


def test_a_huge_unknown_key_is_reported_cut_and_without_a_suggestion(kb: Path) -> None:
    key = "sourcez" + "x" * (10 * 2**20)  # 10 MB; the fuzzy suggestion for 50 MB took 3.3 GB
    (kb / "entries" / "zz-key.yaml").write_text(f"? {key}\n: 1\n", encoding="utf-8")  # a long key must be explicit
    tracemalloc.start()
    try:
        _, problems = validate_knowledge(kb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    [problem] = problems
    assert "unknown section `sourcezxxx" in problem.message
    assert len(problem.message) < 300
    assert "Did you mean" not in problem.message
    assert peak < 20 * len(key), f"peak {peak / 2**20:.0f} MiB for a {len(key) / 2**20:.0f} MB key"


def test_a_short_unknown_key_still_gets_a_suggestion(kb: Path) -> None:
    (kb / "entries" / "zz-key.yaml").write_text("sourcez: []\n", encoding="utf-8")
    [problem] = validate_knowledge(kb)[1]
    assert "Did you mean 'sources'?" in problem.message


def test_positions_from_streamed_events_are_those_of_the_full_parse() -> None:
    for file in sorted(bundled_knowledge_dir().rglob("*.yaml")):
        text = file.read_text(encoding="utf-8")
        full = parse(text)
        wanted = {(path, False) for path in full.values} | {(path, True) for path in full.keys}
        streamed = locate(text, wanted)
        assert streamed.values == full.values, file.name
        assert streamed.keys == full.keys, file.name
        some = sorted(full.values, key=str)[len(full.values) // 2]
        assert locate(text, {(some, False)}).where(some) == full.where(some)
