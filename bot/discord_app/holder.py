"""The live engine, behind one attribute so that a reload swaps it atomically.

A question being answered while a reload runs sees either the old engine or the new one, never a mix:
the new knowledge base is loaded and validated completely before the single assignment that swaps it in.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

from bot.engine import Engine, KnowledgeBase, bundled_knowledge_dir, load_knowledge

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
        self._lock = asyncio.Lock()

    def directory(self) -> Path:
        """Where a reload reads from: the configured folder, else the one the engine was loaded from."""
        if self.knowledge_dir is not None:
            return self.knowledge_dir
        if self.engine.kb.directory:
            return Path(self.engine.kb.directory)
        return bundled_knowledge_dir()

    async def reload(self) -> Reloaded:
        """Load, validate and swap in the knowledge base from disk.

        Raises `KnowledgeError` (and keeps the current engine) when the files on disk are invalid.
        Loading runs in a worker thread so the bot keeps answering meanwhile.
        """
        async with self._lock:
            directory = self.directory()
            kb = await asyncio.to_thread(load_knowledge, directory)
            engine = await asyncio.to_thread(Engine, kb)
            previous = self.engine.kb
            self.engine = engine
            log.info("knowledge base reloaded from %s (%s)", directory, kb.fingerprint[:12])
            return Reloaded(previous=previous, current=kb)
