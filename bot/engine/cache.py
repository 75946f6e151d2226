"""A warm start: the built engine cached on disk, keyed by the content of the knowledge files.

A cold start parses, validates and indexes every file; a warm start finds an engine already built
from files with exactly the same bytes and unpickles it. Any change to any file (or a new file)
changes the key, so a stale cache is never used. The cache directory is StoryBot's own (written
only by this module), which is what makes unpickling it safe.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from pathlib import Path

from bot.engine.loader import load_knowledge
from bot.engine.matcher import Engine

log = logging.getLogger(__name__)

CACHE_VERSION = b"storybot-engine-1"  # bump when Engine's layout changes


def content_key(directory: Path) -> str:
    """A digest of every file under the knowledge directory: names and bytes."""
    digest = hashlib.sha256(CACHE_VERSION)
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        relative = path.relative_to(directory)
        if any(part.startswith(".") for part in relative.parts):
            continue
        data = path.read_bytes()
        digest.update(str(relative).encode())
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def load_engine(directory: Path, cache_dir: Path | None) -> tuple[Engine, bool]:
    """The engine for a knowledge directory, from the cache when its files are unchanged.

    Returns the engine and whether it came warm from the cache.
    """
    if cache_dir is None:
        return Engine(load_knowledge(directory)), False
    key = content_key(directory)
    cached = cache_dir / f"{key}.engine"
    if cached.is_file():
        try:
            with cached.open("rb") as handle:
                engine = pickle.load(handle)  # noqa: S301 - our own cache, keyed by content
            if isinstance(engine, Engine):
                return engine, True
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError) as exc:
            log.warning("ignoring an unreadable engine cache %s: %s", cached, exc)
    engine = Engine(load_knowledge(directory))
    _store(engine, cache_dir, cached)
    return engine, False


def _store(engine: Engine, cache_dir: Path, target: Path) -> None:
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for old in cache_dir.glob("*.engine"):  # one knowledge base, one cache file
            old.unlink(missing_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache_dir, suffix=".tmp", delete=False) as handle:
            pickle.dump(engine, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, target)
    except OSError as exc:  # a cache is an optimisation; never fail a start for it
        log.warning("could not write the engine cache in %s: %s", cache_dir, exc)
