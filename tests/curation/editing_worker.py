"""Separate writer processes for the editing tests, each with its own store and editor, as another bot
process would have.

Writers are forked from a server process that has imported the editor once, so one starts in
milliseconds instead of the fraction of a second a fresh interpreter needs to import it; the kill test
starts a new writer some twenty times.

`start_writer` starts a writer that teaches `phrasing(n)` for n in [first, stop) to one entry and
reports on a pipe: `READY`, then each n as soon as its edit has returned, so a test can kill it in the
middle of an edit. With `die_at` it kills itself (SIGKILL) at that step of its first write instead:
`pending` (audit row recorded), `written` (temporary file written, not yet renamed) or `renamed` (file
in place, audit row not yet confirmed). A writer that fails reports `FAILED` and the traceback.
`start_teachers` starts one process per list of (entry, n) to teach.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import traceback
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from bot.curation.editing import KnowledgeEditor
from bot.curation.store import Store

READY = "ready"
FAILED = "failed"
LOCK_TIMEOUT = 300.0  # seconds; the last of many concurrent writers waits for all the others

_forks = multiprocessing.get_context("forkserver")
# What the server imports once for all its children: the editor, and the test runner, which each child
# would otherwise import again as the parent's main module. (The server does not see the tests' folder,
# so it cannot import this module itself.)
_forks.set_forkserver_preload(["bot.curation.editing", "bot.curation.store", "pytest"])


def phrasing(n: int) -> str:
    return f"Worker phrasing number {n}, taught from another process?"


def start_writer(
    kb: Path, db: Path, entry_id: str, first: int, stop: int, die_at: str | None = None
) -> tuple[BaseProcess, Connection]:
    """A started writer process and the pipe it reports on."""
    reports, sender = _forks.Pipe(duplex=False)
    writer = _forks.Process(target=_write, args=(str(kb), str(db), entry_id, first, stop, die_at, sender))
    writer.start()
    sender.close()  # the writer holds the only sending end: reading past its last report means it has ended
    return writer, reports


def start_teachers(kb: Path, db: Path, jobs: list[list[tuple[str, int]]]) -> list[BaseProcess]:
    """One started process per list of (entry, n), each teaching its list one by one."""
    teachers: list[BaseProcess] = [_forks.Process(target=_teach_many, args=(str(kb), str(db), part)) for part in jobs]
    for teacher in teachers:
        teacher.start()
    return teachers


def _teach_many(kb: str, db: str, jobs: list[tuple[str, int]]) -> None:
    store = Store(Path(db))
    editor = KnowledgeEditor(Path(kb), store, lock_timeout=LOCK_TIMEOUT)
    for entry_id, n in jobs:
        editor.teach(entry_id, phrasing(n), user_id=n, user_name=f"process-{n}")
    store.close()


def _write(kb: str, db: str, entry_id: str, first: int, stop: int, die_at: str | None, reports: Connection) -> None:
    try:
        store = Store(Path(db))
        if die_at is not None:
            _die_at(die_at, store)
        editor = KnowledgeEditor(Path(kb), store, lock_timeout=LOCK_TIMEOUT)
        reports.send(READY)
        for n in range(first, stop):
            editor.teach(entry_id, phrasing(n), user_id=n)
            reports.send(n)
    except Exception:
        reports.send((FAILED, traceback.format_exc()))
        raise


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _die_at(step: str, store: Store) -> None:
    """Make this process kill itself at one step of the next write."""
    real_replace, real_record = os.replace, store.record_change

    def replace(src: Any, dst: Any) -> None:
        if step == "written":
            _die()
        real_replace(src, dst)
        if step == "renamed":
            _die()

    def record_change(**fields: Any) -> int:
        ident = real_record(**fields)
        if step == "pending":
            _die()
        return ident

    os.replace = replace  # type: ignore[assignment]
    store.record_change = record_change  # type: ignore[method-assign]
