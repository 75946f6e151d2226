"""A separate writer process for the editing tests: teaches phrasings to one entry, one by one.

`python editing_worker.py KB_DIR DB_PATH ENTRY FIRST STOP [DIE_AT]` teaches `phrasing(n)` for n in
[FIRST, STOP) and prints `ready`, then each n as soon as its edit has returned, so a test can kill
it in the middle of an edit. With DIE_AT it kills itself (SIGKILL) at that step of its first write
instead: `pending` (audit row recorded), `written` (temporary file written, not yet renamed) or
`renamed` (file in place, audit row not yet confirmed). `teach_many` teaches from a
multiprocessing child.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Any

from bot.curation.editing import KnowledgeEditor
from bot.curation.store import Store


def phrasing(n: int) -> str:
    return f"Worker phrasing number {n}, taught from another process?"


def teach_many(kb: str, db: str, jobs: list[tuple[str, int]]) -> None:
    """Teach `phrasing(n)` to each (entry, n), with its own store and editor, as another bot process would."""
    store = Store(Path(db))
    editor = KnowledgeEditor(Path(kb), store, lock_timeout=300.0)
    for entry_id, n in jobs:
        editor.teach(entry_id, phrasing(n), user_id=n, user_name=f"process-{n}")
    store.close()


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def die_at(step: str, store: Store) -> None:
    """Make this process kill itself at one step of the next write."""
    real_replace, real_record = os.replace, store.record_change

    def replace(src: Any, dst: Any) -> None:
        if step == "written":
            die()
        real_replace(src, dst)
        if step == "renamed":
            die()

    def record_change(**fields: Any) -> int:
        ident = real_record(**fields)
        if step == "pending":
            die()
        return ident

    os.replace = replace  # type: ignore[assignment]
    store.record_change = record_change  # type: ignore[method-assign]


def main(argv: list[str]) -> None:
    kb, db, entry_id, first, stop, *step = argv
    store = Store(Path(db))
    if step:
        die_at(step[0], store)
    editor = KnowledgeEditor(Path(kb), store, lock_timeout=300.0)
    print("ready", flush=True)
    for n in range(int(first), int(stop)):
        editor.teach(entry_id, phrasing(n), user_id=n)
        print(n, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
