"""Watching the knowledge folder, so an edit on disk (by hand or from Discord) goes live without a restart.

Changes are debounced: an editor that writes a file in several steps, or a moderator saving three files,
causes one reload once the folder has been quiet for `quiet` seconds. The edit lock and temporary files
(hidden, `.tmp`, `.lock`, editor swap and backup files) never trigger anything. At most `MAX_PATHS` changed
paths are handed over at once: the callback only names a few, and a flood of changes must not cost the loop.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from watchfiles import DefaultFilter, awatch

log = logging.getLogger(__name__)

DEFAULT_QUIET = 0.3  # seconds without a change before reloading
STEP_MS = 50  # how often watchfiles' thread hands over what changed (and checks whether to stop)
# Changed paths kept for one call: enough to name a few in a message. A script that rewrites a million
# files still causes one reload, without a million-path set to sort on the event loop.
MAX_PATHS = 1000


class KnowledgeFilter(DefaultFilter):
    """Everything a knowledge base is read from (YAML, source texts), nothing that only passes through."""

    ignore_entity_patterns: Sequence[str] = (
        *DefaultFilter.ignore_entity_patterns,
        r"^\.",  # hidden: the edit lock, atomic writers' temporary files, editors' lock files; the loader skips them
        r"\.(tmp|temp|lock|bak|orig|part)$",
        r"~$",
        r"^\d+$",  # vim's write test file ("4913")
    )


OnChange = Callable[[set[Path]], Awaitable[None]]


class KnowledgeWatcher:
    """Calls `on_change(paths)` after files under `directory` change, once they have been still for `quiet` s.

    Two tasks: one reads watchfiles' batches of changes, the other waits for the quiet period and calls back.
    While a callback runs (a reload), new changes queue up and make the next call.
    """

    def __init__(
        self,
        directory: Path,
        on_change: OnChange,
        *,
        quiet: float = DEFAULT_QUIET,
        force_polling: bool | None = None,
    ) -> None:
        self.directory = directory
        self.on_change = on_change
        self.quiet = quiet
        self.longest_wait = max(10 * quiet, 3.0)  # changes that never stop still reload this often
        self.force_polling = force_polling
        self._stop = asyncio.Event()
        self._changes: asyncio.Queue[set[Path] | None] = asyncio.Queue()  # None: the reader has stopped
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        """Start watching; a change made after this returns is seen."""
        if self._tasks:
            return
        self._tasks = [
            asyncio.create_task(self._read(), name="storybot-knowledge-watcher"),
            asyncio.create_task(self._call_back(), name="storybot-knowledge-reloader"),
        ]
        # watchfiles registers the watch synchronously in the reader's first step, before its first await;
        # yielding once lets that step run before anyone edits a file.
        await asyncio.sleep(0)

    async def stop(self) -> None:
        """Stop watching; returns within about one polling step (50 ms) unless a callback is running."""
        self._stop.set()
        if self._tasks:
            await asyncio.gather(*self._tasks)
            self._tasks = []

    async def _read(self) -> None:
        log.info("watching %s for changes (reload %d ms after the last one)", self.directory, self.quiet * 1000)
        try:
            async for changes in awatch(
                self.directory,
                watch_filter=KnowledgeFilter(),
                step=STEP_MS,  # also how soon the watching thread notices `stop`
                stop_event=self._stop,
                force_polling=self.force_polling,
                ignore_permission_denied=True,
            ):
                await self._changes.put({Path(path) for _, path in itertools.islice(changes, MAX_PATHS)})
        except Exception:
            log.exception("stopped watching %s; use /kb reload after editing files", self.directory)
        finally:
            await self._changes.put(None)

    async def _call_back(self) -> None:
        loop = asyncio.get_running_loop()
        while (paths := await self._changes.get()) is not None:
            # Debounce: gather whatever else changes until the folder has been still for `quiet` seconds.
            deadline = loop.time() + self.longest_wait
            stopping = False
            while not stopping and loop.time() < deadline:
                try:
                    more = await asyncio.wait_for(self._changes.get(), min(self.quiet, deadline - loop.time()))
                except TimeoutError:
                    break
                if more is None:
                    stopping = True
                elif len(paths) < MAX_PATHS:
                    paths |= set(itertools.islice(more, MAX_PATHS - len(paths)))
            if self._stop.is_set():
                return
            log.debug("knowledge files changed: %s", sorted(paths)[:10])
            try:
                await self.on_change(paths)
            except Exception:
                # A failed reload must not end the watching; the next change gets its own chance.
                log.exception("reacting to a change in %s failed", self.directory)
            if stopping:
                return
