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
LONGEST_WAIT = 3.0  # seconds: under changes that never stop, a reload still happens at least this often
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

    The debouncing is watchfiles' own: it hands over a batch once nothing has changed for `step` (our
    `quiet`), or after `debounce` (our `longest_wait`) when changes never stop. While a callback runs (a
    reload), new changes gather in watchfiles' watcher and make the next call.
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
        self.longest_wait = max(10 * quiet, LONGEST_WAIT)  # changes that never stop still reload this often
        self.force_polling = force_polling
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start watching; a change made after this returns is seen."""
        if self._task is not None:
            return
        self._task = asyncio.create_task(self._watch(), name="storybot-knowledge-watcher")
        # watchfiles registers the watch synchronously in the task's first step, before its first await;
        # yielding once lets that step run before anyone edits a file.
        await asyncio.sleep(0)

    async def stop(self) -> None:
        """Stop watching; returns within about `quiet` seconds unless a callback is running."""
        self._stop.set()
        if self._task is not None:
            await self._task
            self._task = None

    async def _watch(self) -> None:
        log.info("watching %s for changes (reload %d ms after the last one)", self.directory, self.quiet * 1000)
        try:
            async for changes in awatch(
                self.directory,
                watch_filter=KnowledgeFilter(),
                debounce=round(self.longest_wait * 1000),
                step=max(round(self.quiet * 1000), 1),  # also how soon the watching thread notices `stop`
                stop_event=self._stop,
                force_polling=self.force_polling,
                ignore_permission_denied=True,
            ):
                if self._stop.is_set():
                    return
                paths = {Path(path) for _, path in itertools.islice(changes, MAX_PATHS)}
                log.debug("knowledge files changed: %s", sorted(paths)[:10])
                try:
                    await self.on_change(paths)
                except Exception:
                    # A failed reload must not end the watching; the next change gets its own chance.
                    log.exception("reacting to a change in %s failed", self.directory)
        except Exception:
            log.exception("stopped watching %s; use /kb reload after editing files", self.directory)
