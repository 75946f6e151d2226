"""A warm start: the built engine cached on disk, keyed by the content of the knowledge files.

A cold start parses, validates and indexes every file; a warm start finds an engine already built
from files with exactly the same bytes, by the same engine code, and unpickles it. Any change to any
file (or a new file), or to the engine's code, changes the key, so a stale cache is never used. The
cache directory is StoryBot's own (written only by this module), which is what makes unpickling it safe.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import IO, Any

from bot.answering.matcher import Engine
from bot.answering.tantivy_index import index_key
from bot.knowledge.files import folder_digest
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import Entry, Evidence, KnowledgeBase, Quote, Source, Speaker

log = logging.getLogger(__name__)

CACHE_VERSION = b"storybot-engine-2"  # bump when the cache's own layout changes
_ENGINE_CODE = Path(__file__).parent  # the code that decides what an engine holds: part of the key


def _init_fields(cls: type) -> tuple[str, ...] | None:
    fields = dataclasses.fields(cls)
    return tuple(f.name for f in fields) if all(f.init for f in fields) else None


# The knowledge model's frozen dataclasses are pickled as constructor calls. By default each one is
# restored field by field through dataclasses' generic __setstate__, which makes unpickling a
# 100,000-entry base several times slower.
_CONSTRUCTED = {
    cls: names
    for cls in (Source, Speaker, Quote, Evidence, Entry, KnowledgeBase)
    if (names := _init_fields(cls)) is not None
}


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        names = _CONSTRUCTED.get(type(obj))
        if names is None:
            return NotImplemented
        return type(obj), tuple(getattr(obj, name) for name in names)


def _files(directory: Path, pattern: str) -> Iterator[bytes]:
    """Name, length and bytes of each of the engine's own files, in a stable order."""
    for path in sorted(p for p in directory.rglob(pattern) if p.is_file()):
        relative = path.relative_to(directory)
        if any(part.startswith(".") for part in relative.parts):
            continue
        data = path.read_bytes()
        yield str(relative).encode()
        yield len(data).to_bytes(8, "big")
        yield data


def content_key(directory: Path) -> str:
    """A digest of every file under the knowledge directory (names and bytes, read the contained way:
    `folder_digest`) and of the engine's code."""
    digest = hashlib.sha256(CACHE_VERSION)
    digest.update(sys.version.encode())
    for chunk in chain(_files(_ENGINE_CODE, "*.py"), _files(_ENGINE_CODE, "*.yaml")):  # english.yaml is code too
        digest.update(chunk)
    digest.update(b"\0knowledge\0" + (folder_digest(directory) or "unreadable").encode())
    return digest.hexdigest()


def dump(engine: Engine, handle: IO[bytes]) -> None:
    _Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL).dump(engine)


def load(handle: IO[bytes]) -> object:
    # Unpickling creates millions of objects at once, none of them garbage: collecting while it runs
    # would only walk them over and over.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.load(handle)  # noqa: S301 - our own cache, keyed by content
    finally:
        if enabled:
            gc.enable()


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
                engine = load(handle)
            if isinstance(engine, Engine):
                return engine, True
        except Exception as exc:  # whatever is wrong with a cache file, a cold start mends it
            log.warning("ignoring an unreadable engine cache %s: %s", cached, exc)
    # The first stage's tantivy index lives beside the cache, keyed alike; a warm engine reopens it.
    engine = Engine(load_knowledge(directory), index_dir=cache_dir / "retrieval" / index_key(key))
    _store(engine, cache_dir, cached)
    return engine, False


def _store(engine: Engine, cache_dir: Path, target: Path) -> None:
    """Write the cache, in a forked child where the platform has fork.

    Pickling a large engine keeps a table of every object it has written; in a child that table, and
    the pages the pickler touches, never count against the running process's memory.
    """
    if not hasattr(os, "fork"):
        _write(engine, cache_dir, target)
        return
    pid = os.fork()
    if pid == 0:  # the child: write, and leave without running the parent's exit handlers
        code = 1
        try:
            gc.disable()
            code = 0 if _write(engine, cache_dir, target) else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        log.warning("could not write the engine cache in %s", cache_dir)


def _write(engine: Engine, cache_dir: Path, target: Path) -> bool:
    temporary: Path | None = None
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for old in cache_dir.glob("*.engine"):  # one knowledge base, one cache file
            old.unlink(missing_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache_dir, suffix=".tmp", delete=False) as handle:
            temporary = Path(handle.name)
            dump(engine, handle)
        os.replace(temporary, target)
    except (OSError, pickle.PicklingError):  # a cache is an optimisation; never fail a start for it
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        return False
    return True
