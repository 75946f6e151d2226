"""The live engines, each behind one attribute so that a reload swaps it atomically.

A question being answered while a reload runs sees either the old engine or the new one, never a mix:
the new knowledge base is loaded and validated completely before the single assignment that swaps it in.
An invalid knowledge base on disk never replaces the live one. A library of several stories has one
holder per story folder (`LibraryHolder`): each story is validated on its own, so a broken story keeps its
last good engine while the others reload.

A large knowledge base is rebuilt in a worker process (`rebuild`): building it in a thread would hold the
interpreter lock for seconds at a time, and every question would wait. The worker validates, builds and
writes the engine to the data directory's engine cache (so the next start is warm too); this process then
only opens the file. A small one is rebuilt in a thread, which costs less than starting a process.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import os
import tempfile
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from bot.answering import Engine
from bot.answering.cache import (
    cache_folder,
    content_key,
    dump,
    engine_file,
    index_folder,
    open_engine,
    previous_engine,
    signature,
    write,
)
from bot.answering.rebuild_plan import why_not_reused
from bot.answering.startup import warm_engine
from bot.answering.stories import StoryEngines
from bot.knowledge import KnowledgeBase, KnowledgeError, bundled_knowledge_dir, load_knowledge
from bot.knowledge.files import folder_digest, real_path
from bot.knowledge.parsed import ParsedFiles
from bot.knowledge.problems import Problem

log = logging.getLogger(__name__)

# Knowledge folders of at least this many bytes are rebuilt in a worker process. At 1,000 entries (450 KB)
# a thread rebuilds in 0.9 s but stalls questions up to 100-170 ms (p99 28-48 ms); a worker takes 2-2.5 s
# and questions keep their usual pace (max 26-34 ms), measured with `python -m bot.benchmark reload`. A
# story of 90 KB, like the bundled one, builds in 0.2 s: a thread costs less than starting a process.
WORKER_MIN_BYTES = 250_000
PARSED_FOLDER = "parsed"  # in a knowledge folder's cache folder: its files as a reload last parsed them


@dataclass(frozen=True, slots=True)
class Reloaded:
    previous: KnowledgeBase
    current: KnowledgeBase

    @property
    def changed(self) -> bool:
        return self.previous.fingerprint != self.current.fingerprint


class EngineHolder:
    def __init__(self, engine: Engine, knowledge_dir: Path | None = None, *, data_dir: Path | None = None) -> None:
        """`data_dir`: where a reload caches the engine it builds (None: nowhere)."""
        self.engine = engine
        self.knowledge_dir = knowledge_dir
        self.data_dir = data_dir
        self.worker_min_bytes = WORKER_MIN_BYTES
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
        Loading runs in a worker (`rebuild`) so the bot keeps answering meanwhile. Callers that arrive while a
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
        worker = folder_bytes(directory) >= self.worker_min_bytes
        engine = await asyncio.to_thread(rebuild, directory, self.data_dir, previous.fingerprint, worker=worker)
        self._digest = digest  # taken before reading: a change made while loading is seen next time
        if engine is None:  # valid, and the live knowledge base unchanged
            return Reloaded(previous=previous, current=previous)
        self.engine = engine  # the swap: one assignment
        self.version += 1
        log.info("knowledge base reloaded from %s (%s)", directory, engine.kb.fingerprint[:12])
        return Reloaded(previous=previous, current=engine.kb)


@dataclass(frozen=True, slots=True)
class LibraryReloaded:
    """What a reload of a library did, story by story: reloaded (changed or not), or refused and why."""

    reloaded: dict[str, Reloaded] = field(default_factory=dict)
    failed: dict[str, KnowledgeError] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(r.changed for r in self.reloaded.values())


class LibraryHolder:
    """The live engine of every story of a library: one `EngineHolder` per story folder.

    `stories` is always the router over the engines live right now. A story's folder is reloaded on its
    own; which stories there are is fixed at start (a new story folder needs a restart).
    """

    def __init__(
        self,
        stories: StoryEngines,
        directory: Path | None = None,
        *,
        single_dir: Path | None = None,
        data_dir: Path | None = None,
    ) -> None:
        """`directory`: the knowledge directory holding the story folders; `single_dir`: for a library of one
        story, the folder configured for it (reloads read it even if the engine came from elsewhere);
        `data_dir`: where reloads cache the engines they build (None: nowhere)."""
        self._stories = stories
        self.holders: dict[str, EngineHolder] = {}
        for sid, engine in stories.engines.items():
            folder = single_dir if len(stories) == 1 else Path(engine.kb.directory) if engine.kb.directory else None
            self.holders[sid] = EngineHolder(engine, folder, data_dir=data_dir)
        self._directory = directory

    @property
    def default(self) -> EngineHolder:
        return self.holders[self._stories.default]

    @property
    def stories(self) -> StoryEngines:
        current = self._stories
        for sid, holder in self.holders.items():
            current = current.with_engine(sid, holder.engine)
        self._stories = current
        return current

    def holder(self, story: str | None = None) -> EngineHolder:
        return self.holders[story or self._stories.default]

    def directory(self) -> Path:
        """The folder to watch: the knowledge directory, or the only story's folder."""
        if len(self.holders) == 1:
            return self.default.directory()
        if self._directory is not None:
            return self._directory
        return self.default.directory().parent  # story folders sit one level below the knowledge directory

    def stories_of(self, paths: Iterable[Path]) -> list[str]:
        """The stories whose folders hold any of `paths`, in library order (every story for a path in none)."""
        folders = {sid: real_path(holder.directory()) for sid, holder in self.holders.items()}
        found: set[str] = set()
        for path in paths:
            real = real_path(path)
            owners = [sid for sid, folder in folders.items() if real.is_relative_to(folder)]
            if not owners:
                return list(self.holders)  # a file outside every story (a shared one, a new folder): check all
            found.update(owners)
        return [sid for sid in self.holders if sid in found]

    async def reload(self, stories: Iterable[str] | None = None, *, full: bool = False) -> LibraryReloaded:
        """Reload the stories given (default: every story), each on its own; a story whose files are invalid
        keeps its engine and is reported in `failed`."""
        chosen = list(self.holders) if stories is None else [sid for sid in stories if sid in self.holders]
        outcomes = await asyncio.gather(
            *(self.holders[sid].reload(full=full) for sid in chosen), return_exceptions=True
        )
        result = LibraryReloaded()
        for sid, outcome in zip(chosen, outcomes, strict=True):
            if isinstance(outcome, KnowledgeError):
                result.failed[sid] = outcome
            elif isinstance(outcome, BaseException):
                raise outcome
            else:
                result.reloaded[sid] = outcome
        if result.changed and len(self.holders) > 1:
            # The router over the new engines works out which words name each story from every entry of every
            # story: here, off the event loop, not in the first question after the reload.
            await asyncio.to_thread(self.stories.named, "")
        return result


def rebuild(
    directory: Path, data_dir: Path | None, live_fingerprint: str = "", *, worker: bool = True
) -> Engine | None:
    """A new engine for the knowledge folder as it is on disk, or None when it is valid and its knowledge base
    is the live one (`live_fingerprint`) unchanged: unchanged files are validated, but not indexed again.

    Invalid files raise `KnowledgeError`. With `worker`, the build runs in a process of its own, which writes
    the engine to the cache in `data_dir` (or to a temporary file), and this thread only opens it.
    """
    if not worker:
        here = _build(directory, data_dir, live_fingerprint)
        if here is not None:
            with quiet_collector():
                warm_engine(here)  # its first question's own costs, paid before the swap
        return here
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: nothing of this process's threads
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        built = pool.submit(_build_elsewhere, directory, data_dir, live_fingerprint).result()
    if isinstance(built, _Invalid):
        raise KnowledgeError(built.problems, built.total)
    if built is None:
        return None
    path, temporary = built
    try:
        with quiet_collector():
            engine = open_engine(path)
            if engine is not None:
                warm_engine(engine)  # its first question's own costs, paid before the swap
    finally:
        if temporary:
            path.unlink(missing_ok=True)
    if engine is None:  # the worker's file could not be read back: build here instead
        log.warning("could not open the engine built in a worker; building it here")
        return rebuild(directory, data_dir, live_fingerprint, worker=False)
    return engine


@dataclass(frozen=True, slots=True)
class _Invalid:
    """A worker's `KnowledgeError`, as data (an exception crosses processes as its message alone)."""

    problems: tuple[Problem, ...]
    total: int


def _parsed(data_dir: Path | None, directory: Path) -> ParsedFiles | None:
    """Where reloads keep the knowledge folder's parsed files: beside its engine cache."""
    return ParsedFiles(cache_folder(data_dir, directory) / PARSED_FOLDER) if data_dir is not None else None


class _Previous:
    """The engine the data directory holds for the folder, from before its files changed: what a reload reuses
    (its knowledge base's proofs: `load_knowledge`'s `previous`; its index: `Engine`'s), or why there is none."""

    def __init__(self, directory: Path, data_dir: Path | None) -> None:
        self.directory = directory
        self.engine, self.why_not = previous_engine(data_dir, directory) if data_dir else (None, "no data directory")

    @property
    def kb(self) -> KnowledgeBase | None:
        """Its knowledge base, if the code that runs now validated it (else what it proved may not hold)."""
        kept = self.engine._reuse if self.engine is not None else None
        return self.engine.kb if self.engine is not None and kept is not None and kept.current else None

    def taken(self, kb: KnowledgeBase) -> Engine | None:
        """The engine to rebuild `kb` from (None: build it in full), said in a log line; let go of here."""
        engine, self.engine = self.engine, None  # its arrays are mapped from the cache file the new one replaces
        why_not = self.why_not if engine is None else why_not_reused(engine, kb)
        if why_not is None:
            log.info("reload of %s: rebuilding the index from the previous engine's", self.directory)
            return engine
        log.info("reload of %s: building the index in full (%s)", self.directory, why_not)
        return None


def _load(directory: Path, parsed: ParsedFiles | None, previous: _Previous) -> KnowledgeBase:
    """`load_knowledge`, parsing only the files an earlier reload has not parsed (in `parsed`), and proving
    grounded only entries that changed or whose support did (against the previous engine's knowledge base)."""
    if parsed is None:
        return load_knowledge(directory)
    kb = load_knowledge(directory, parsed=parsed, previous=previous.kb)
    parsed.prune()
    log.info("reload of %s: %d files not parsed again", directory, parsed.hits)
    return kb


def _engine(kb: KnowledgeBase, directory: Path, data_dir: Path | None, key: str, previous: _Previous) -> Engine:
    """The engine of a knowledge base just loaded: rebuilt from the engine the data directory holds for the
    folder where it can be (only entries an edit touched are indexed again), else built in full."""
    if data_dir is None:
        return Engine(kb)
    return Engine(kb, index_dir=index_folder(data_dir, directory, key), previous=previous.taken(kb))


def _build(directory: Path, data_dir: Path | None, live_fingerprint: str) -> Engine | None:
    """`rebuild` in this process; the engine is cached in `data_dir` when it is given."""
    stamped = signature(directory)
    key = content_key(directory) if data_dir is not None else ""
    with quiet_collector():
        previous = _Previous(directory, data_dir)
        kb = _load(directory, _parsed(data_dir, directory), previous)
        if kb.fingerprint == live_fingerprint:
            return None
        engine = _engine(kb, directory, data_dir, key, previous)
    unchanged = data_dir is not None and content_key(directory) == key  # else a file changed while it was read
    if unchanged and data_dir is not None and not write(engine, cache_folder(data_dir, directory), key, stamped):
        log.warning("could not write the engine cache in %s", data_dir)
    return engine


Built = tuple[Path, bool] | _Invalid | None  # what a worker did: see `_build_elsewhere`


def _build_elsewhere(directory: Path, data_dir: Path | None, live_fingerprint: str) -> Built:
    """In the worker: validate and build, write the engine where the caller can open it, and say where
    (the file, and whether it is a temporary one for the caller to remove)."""
    stamped = signature(directory)
    key = content_key(directory)
    gc.disable()  # this process only builds: nothing it allocates is garbage until it exits
    previous = _Previous(directory, data_dir)
    try:
        kb = _load(directory, _parsed(data_dir, directory), previous)
    except KnowledgeError as error:
        return _Invalid(error.problems, error.total)
    if kb.fingerprint == live_fingerprint:
        return None
    engine = _engine(kb, directory, data_dir, key, previous)
    if data_dir is not None and content_key(directory) == key:
        folder = cache_folder(data_dir, directory)
        if write(engine, folder, key, stamped):
            return engine_file(folder, key), False
        log.warning("could not write the engine cache in %s", data_dir)
    descriptor, name = tempfile.mkstemp(prefix="storybot-reload-", suffix=".engine")
    with os.fdopen(descriptor, "wb") as handle:
        dump(engine, handle)
    return Path(name), True


def folder_bytes(directory: Path) -> int:
    """The size of a knowledge folder's files, to tell a large rebuild from a small one."""
    total = 0
    with suppress(OSError):
        for root, _, names in os.walk(directory):
            for name in names:
                with suppress(OSError):
                    total += os.stat(os.path.join(root, name)).st_size
    return total


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
