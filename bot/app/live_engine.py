"""The live engine, behind one attribute so that a reload swaps it atomically.

A question being answered while a reload runs sees either the old engine or the new one, never a mix:
the new knowledge base is loaded and validated completely before the single assignment that swaps it in.
An invalid knowledge base on disk never replaces the live one.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.answering import Engine
from bot.knowledge import KnowledgeBase, bundled_knowledge_dir, load_knowledge
from bot.knowledge.files import folder_digest

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Reloaded:
    previous: KnowledgeBase
    current: KnowledgeBase

    @property
    def changed(self) -> bool:
        return self.previous.fingerprint != self.current.fingerprint


class EngineHolder:
    def __init__(self, engine: Engine, knowledge_dir: Path | None = None) -> None:
        self.engine = engine
        self.knowledge_dir = knowledge_dir
        self.version = 0  # counts the swaps; a test or a log line can tell one knowledge base from the next
        self._lock = asyncio.Lock()
        self._pending: asyncio.Future[Reloaded] | None = None  # a reload callers wait for that has not begun
        self._pending_full = False  # someone waiting for the pending reload wants a full validation
        self._tasks: set[asyncio.Task[None]] = set()
        self._digest: str | None = None  # of the folder's files as they were when the live engine was loaded

    def directory(self) -> Path:
        """Where a reload reads from: the configured folder, else the one the engine was loaded from."""
        if self.knowledge_dir is not None:
            return self.knowledge_dir
        if self.engine.kb.directory:
            return Path(self.engine.kb.directory)
        return bundled_knowledge_dir()

    async def reload(self, *, full: bool = False) -> Reloaded:
        """Load, validate and swap in the knowledge base as it is on disk now.

        Raises `KnowledgeError` (and keeps the current engine) when the files on disk are invalid.
        Loading runs in a worker thread so the bot keeps answering meanwhile. Callers that arrive while a
        reload is running share the next one, which reads the disk after all of them asked: a burst of edits
        costs a few reloads, not one each, and each caller still sees its own edit live when this returns.
        When no file in the folder has changed since the live engine was loaded, nothing is validated again
        unless `full` (a moderator's explicit reload, which also catches a source text kept elsewhere).
        """
        pending = self._pending
        if pending is None:
            pending = self._pending = asyncio.get_running_loop().create_future()
            # Nobody may be left to read a failure (all waiters cancelled); reading it here keeps asyncio quiet.
            pending.add_done_callback(lambda done: done.cancelled() or done.exception())
            task = asyncio.create_task(self._run(pending))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        self._pending_full = self._pending_full or full
        # A cancelled caller must not cancel the reload the others are waiting for.
        return await asyncio.shield(pending)

    async def _run(self, result: asyncio.Future[Reloaded]) -> None:
        async with self._lock:
            full = self._pending_full
            if self._pending is result:
                self._pending = None  # from here on the disk is being read; later callers need a later read
                self._pending_full = False
            try:
                reloaded = await self._load_and_swap(full)
            except Exception as error:
                result.set_exception(error)
            else:
                result.set_result(reloaded)

    async def _load_and_swap(self, full: bool) -> Reloaded:
        directory = self.directory()
        previous = self.engine.kb
        digest = await asyncio.to_thread(folder_digest, directory)
        if not full and digest is not None and digest == self._digest:
            return Reloaded(previous=previous, current=previous)
        kb, engine = await asyncio.to_thread(_load, directory, previous.fingerprint)
        self._digest = digest  # taken before reading: a change made while loading is seen next time
        if engine is not None:
            self.engine = engine  # the swap: one assignment
            self.version += 1
            log.info("knowledge base reloaded from %s (%s)", directory, kb.fingerprint[:12])
        return Reloaded(previous=previous, current=kb)


def _load(directory: Path, live_fingerprint: str) -> tuple[KnowledgeBase, Engine | None]:
    """The knowledge base in `directory`, and a new engine for it unless it is the live one unchanged.

    Invalid files raise `KnowledgeError`. Unchanged files are still validated, but not indexed again.
    """
    with quiet_collector():
        kb = load_knowledge(directory)
        return kb, None if kb.fingerprint == live_fingerprint else Engine(kb)


def build_engine(directory: Path) -> Engine:
    """A new engine for `directory` the way a reload builds one (the benchmark measures this path)."""
    with quiet_collector():
        return Engine(load_knowledge(directory))


_quiet = threading.Lock()


@contextmanager
def quiet_collector() -> Iterator[None]:
    """Build without pausing the bot: no cyclic garbage collection while a reload allocates, then freeze.

    A full collection walks every object of both the live and the new knowledge base while holding the
    interpreter lock, which would stall questions for tens of milliseconds. Knowledge bases hold no
    reference cycles worth collecting, so the collector is paused during the build and what survives is
    frozen (left out of later collections); the old engine is freed by reference counting once swapped out.
    """
    with _quiet:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            yield
        finally:
            gc.freeze()
            if was_enabled:
                gc.enable()
