import asyncio
from pathlib import Path

from watchfiles import Change

from bot.app.watcher import KnowledgeFilter, KnowledgeWatcher


def test_the_filter_lets_knowledge_files_through_and_nothing_that_only_passes_through(tmp_path: Path) -> None:
    accept = KnowledgeFilter()
    for name in ("entries/companies.yaml", "people.yml", "sources/story.txt"):
        assert accept(Change.modified, str(tmp_path / name)), name
    for name in (
        ".storybot.lock",  # the editor's lock
        "entries/.companies.yaml.abc123.storybot-tmp",  # the editor's temporary file before its rename
        "entries/companies.yaml.tmp",
        "entries/companies.yaml~",
        "entries/.companies.yaml.swp",
        "entries/4913",  # vim checking it may write the folder
        ".git/index",
    ):
        assert not accept(Change.added, str(tmp_path / name)), name


async def test_a_burst_of_changes_is_one_call_and_ignored_files_are_not_in_it(tmp_path: Path) -> None:
    calls: asyncio.Queue[set[Path]] = asyncio.Queue()

    async def on_change(paths: set[Path]) -> None:
        await calls.put(paths)

    (tmp_path / "entries").mkdir()
    watcher = KnowledgeWatcher(tmp_path, on_change, quiet=0.2)
    await watcher.start()
    try:
        (tmp_path / ".storybot.lock").write_text("", encoding="utf-8")
        (tmp_path / "entries" / ".a.yaml.x.storybot-tmp").write_text("entries: []\n", encoding="utf-8")
        for name in ("a.yaml", "b.yaml", "c.yaml"):
            (tmp_path / "entries" / name).write_text("entries: []\n", encoding="utf-8")
        paths = await asyncio.wait_for(calls.get(), timeout=5)
        assert {p.name for p in paths} == {"a.yaml", "b.yaml", "c.yaml"}
    finally:
        await watcher.stop()
    assert calls.empty()


async def test_a_failing_callback_does_not_stop_the_watching(tmp_path: Path) -> None:
    seen: asyncio.Queue[set[Path]] = asyncio.Queue()

    async def on_change(paths: set[Path]) -> None:
        await seen.put(paths)
        raise RuntimeError("reload exploded")

    watcher = KnowledgeWatcher(tmp_path, on_change, quiet=0.05)
    await watcher.start()
    try:
        (tmp_path / "one.yaml").write_text("a: 1\n", encoding="utf-8")
        assert {p.name for p in await asyncio.wait_for(seen.get(), timeout=5)} == {"one.yaml"}
        (tmp_path / "two.yaml").write_text("a: 1\n", encoding="utf-8")
        assert {p.name for p in await asyncio.wait_for(seen.get(), timeout=5)} == {"two.yaml"}
    finally:
        await watcher.stop()
