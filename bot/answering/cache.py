"""A warm start: the built engine cached in the data directory, keyed by the content of the knowledge files.

A cold start parses, validates and indexes every file; a warm start finds an engine already built
from files with exactly the same bytes, by the same engine code, and unpickles it. Any change to any
file (or a new file), or to the engine's code, changes the key, so a stale cache is never used. The
cache directory is StoryBot's own (written only by this module), which is what makes unpickling it safe.

Each knowledge folder has its own cache folder in the data directory (`cache_folder`), holding one
engine file named by its key and a stamp: the key, filed under the folder's file sizes and change
times. A start whose files show the stamp's exact sizes and times (`signature`) reads no knowledge
file at all; any other start reads and hashes every file (`content_key`), as git does with its index.

The engine file is a pickle followed by the engine's large arrays, raw, which an open maps (`engine_file`).
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import logging
import os
import pickle
import time
from collections.abc import Callable
from itertools import chain
from pathlib import Path
from typing import IO

from bot.answering import engine_file as file_format
from bot.answering.answer import StoryRef
from bot.answering.code_version import code_digest
from bot.answering.matcher import Engine
from bot.answering.stories import StoryEngines
from bot.answering.tantivy_index import index_key
from bot.knowledge.files import atomic_writer, folder_digest, real_path, write_atomically
from bot.knowledge.library import load_library, story_folders, story_of
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import KnowledgeBase

Build = Callable[[KnowledgeBase, Path | None], Engine]  # (knowledge base, where its search index lives)

log = logging.getLogger(__name__)

ENGINE_CACHE = "engine-cache"  # the data directory's folder of engine caches, one folder per knowledge folder
RETRIEVAL_INDEX = "retrieval-index"  # the data directory's folder of on-disk search indexes, likewise
ENGINE_SUFFIX, STAMP_SUFFIX = ".engine", ".stamp"
# A file changed this recently may change again within the file system's clock tick and keep its size and
# time: no stamp vouches for it, and the next start hashes it (git's "racily clean" rule).
RACY_SECONDS = 2.0


def _place(knowledge_dir: Path) -> str:
    """A knowledge folder's name in the data directory: its real path, and the path as given (an engine
    remembers the path it was loaded from, so a folder reached by a relative path is cached apart)."""
    where = f"{real_path(knowledge_dir)}\0{knowledge_dir}"
    return hashlib.sha256(where.encode()).hexdigest()[:24]


def cache_folder(data_dir: Path, knowledge_dir: Path) -> Path:
    """Where the engine of one knowledge folder is cached."""
    return data_dir / ENGINE_CACHE / _place(knowledge_dir)


def engine_file(cache_dir: Path, key: str) -> Path:
    """The cache file of the engine built from the files of `key`."""
    return cache_dir / f"{key}{ENGINE_SUFFIX}"


def index_root(data_dir: Path, knowledge_dir: Path) -> Path:
    """The folder for one knowledge folder's on-disk search index, by key (`root / key`): each folder has
    its own, so that keeping one index a root never removes another folder's."""
    return data_dir / RETRIEVAL_INDEX / _place(knowledge_dir)


def index_folder(data_dir: Path, knowledge_dir: Path, key: str) -> Path | None:
    """Where the search index of the engine built from the files of `key` lives; None (in memory) when the
    data directory cannot hold it, which the engine cache's own warning already reports."""
    root = index_root(data_dir, knowledge_dir)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return root / index_key(key)


def content_key(directory: Path) -> str:
    """A digest of every file under the knowledge directory (names and bytes, read the contained way:
    `folder_digest`) and of the engine's code."""
    digest = hashlib.sha256(code_digest())
    digest.update(b"\0knowledge\0" + (folder_digest(directory) or "unreadable").encode())
    return digest.hexdigest()


def signature(directory: Path) -> tuple[str, int] | None:
    """A digest of every visible file's name, size, change times and inode under `directory`, and the
    newest change time seen (ns); None when the folder cannot be listed or holds a link (then only its
    content can say whether it changed)."""
    digest = hashlib.sha256(code_digest())
    newest = 0
    pending = [("", str(directory))]
    try:
        while pending:
            prefix, folder = pending.pop()
            with os.scandir(folder) as listing:
                found = sorted((item for item in listing if not item.name.startswith(".")), key=lambda i: i.name)
            if any(item.is_symlink() for item in found):  # what a link points at may change unseen here
                return None
            for item in reversed(found):  # folders are walked last-in first-out: queue them in reverse
                if item.is_dir():
                    pending.append((f"{prefix}{item.name}/", item.path))
            for item in found:
                if item.is_dir():
                    continue
                info = item.stat()
                stamp = f"{prefix}{item.name}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\0{info.st_ino}\n"
                digest.update(stamp.encode())
                newest = max(newest, info.st_mtime_ns, info.st_ctime_ns)
    except OSError:
        return None
    return digest.hexdigest(), newest


def dump(engine: Engine, handle: IO[bytes]) -> None:
    file_format.dump(engine, handle)


def load(handle: IO[bytes]) -> object:
    return file_format.load(handle)


def open_engine(path: Path) -> Engine | None:
    """The engine in a cache file, or None when it is missing or cannot be read."""
    try:
        with path.open("rb") as handle:
            engine = load(handle)
    except (FileNotFoundError, NotADirectoryError):  # no cache yet, or no data directory to hold one
        return None
    except Exception as exc:  # whatever is wrong with a cache file, a cold start mends it
        log.warning("ignoring an unreadable engine cache %s: %s", path, exc)
        return None
    return engine if isinstance(engine, Engine) else None


def previous_engine(data_dir: Path, knowledge_dir: Path) -> tuple[Engine | None, str]:
    """The engine the data directory holds for a knowledge folder, built from its files as they were before
    they changed, for a rebuild to reuse (`Engine(previous=...)`, `rebuild_plan.why_not_reused`); else None
    and why not."""
    folder = cache_folder(data_dir, knowledge_dir)
    try:
        found = sorted(folder.glob(f"*{ENGINE_SUFFIX}"), key=lambda path: path.stat().st_mtime_ns)
    except OSError:
        found = []
    if not found:
        return None, "no engine in the data directory yet"
    path = found[-1]
    key = path.name.removesuffix(ENGINE_SUFFIX)
    index = index_folder(data_dir, knowledge_dir, key)
    if index is None or not (index / "meta.json").is_file():  # opening the engine would build its index again
        return None, "the previous engine's search index is gone"
    engine = open_engine(path)
    if engine is None:
        return None, "the previous engine could not be read"
    return engine, ""


@dataclasses.dataclass(frozen=True, slots=True)
class Lookup:
    """What the cache holds for a knowledge folder as it is: the engine (None: build one), the key of its
    files, and their signature taken before any was read (None: the folder could not be listed)."""

    engine: Engine | None
    key: str
    stamped: tuple[str, int] | None


def cached_engine(directory: Path, cache_dir: Path) -> Lookup:
    """The cached engine of a knowledge folder, if there is one for its files as they are."""
    stamped = signature(directory)
    if stamped is not None:
        try:
            key = (cache_dir / f"{stamped[0]}{STAMP_SUFFIX}").read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            key = ""
        engine = open_engine(engine_file(cache_dir, key)) if key else None
        if engine is not None:
            return Lookup(engine, key, stamped)
    key = content_key(directory)
    engine = open_engine(engine_file(cache_dir, key))
    if engine is not None and stamped is not None:
        _stamp(cache_dir, stamped, key)
    return Lookup(engine, key, stamped)


def _stamp(cache_dir: Path, stamped: tuple[str, int], key: str) -> None:
    """File `key` under the signature taken before the files were read, unless a file is too fresh."""
    if stamped[1] > time.time_ns() - RACY_SECONDS * 1e9:
        return
    try:
        for old in cache_dir.glob(f"*{STAMP_SUFFIX}"):
            old.unlink(missing_ok=True)
        write_atomically(cache_dir / f"{stamped[0]}{STAMP_SUFFIX}", key)
    except OSError:
        pass  # only a faster start lost


def load_engine(directory: Path, cache_dir: Path | None) -> tuple[Engine, bool]:
    """The engine for a knowledge directory, from the cache when its files are unchanged.

    Returns the engine and whether it came warm from the cache.
    """
    return build_or_open(directory, cache_dir, lambda where: Engine(load_knowledge(directory), index_dir=where))


def build_or_open(
    directory: Path, cache_dir: Path | None, build: Callable[[Path | None], Engine]
) -> tuple[Engine, bool]:
    """The cached engine of `directory`, else `build(index_dir)`'s, stored for next time (whether it came
    warm). Its first stage's search index is kept beside the cache, keyed alike, so a warm engine reopens it."""
    if cache_dir is None:
        return build(None), False
    found = cached_engine(directory, cache_dir)
    if found.engine is not None:
        return found.engine, True
    engine = build(cache_dir / "retrieval" / index_key(found.key))
    if content_key(directory) == found.key:  # else a file changed while it was read: no key names what was built
        store(engine, cache_dir, found.key, found.stamped)
    return engine, False


def store(engine: Engine, cache_dir: Path, key: str, stamped: tuple[str, int] | None = None) -> None:
    """Write the cache, in a forked child where the platform has fork; one log line if it cannot be written.

    Pickling a large engine keeps a table of every object it has written; in a child that table, and
    the pages the pickler touches, never count against the running process's memory.
    """
    if not hasattr(os, "fork"):
        written = write(engine, cache_dir, key, stamped)
    else:
        pid = os.fork()
        if pid == 0:  # the child: write, and leave without running the parent's exit handlers
            code = 1
            try:
                gc.disable()
                code = 0 if write(engine, cache_dir, key, stamped) else 1
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        written = os.waitstatus_to_exitcode(status) == 0
    if not written:
        log.warning("could not write the engine cache in %s; built it without one", cache_dir)
    # What a rebuild reuses is read from the cache file; in this process it would only hold memory (the words
    # of every entry: 28 MB at 100,000 entries).
    engine._reuse = None


def write(engine: Engine, cache_dir: Path, key: str, stamped: tuple[str, int] | None = None) -> bool:
    """Write the engine as the cache file of `key`, replacing the folder's older ones; whether it could."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for old in chain(cache_dir.glob(f"*{ENGINE_SUFFIX}"), cache_dir.glob(f"*{STAMP_SUFFIX}")):
            if old.name != f"{key}{ENGINE_SUFFIX}":  # one knowledge base, one cache file
                old.unlink(missing_ok=True)
        with atomic_writer(engine_file(cache_dir, key)) as handle:
            dump(engine, handle)
    except (OSError, pickle.PicklingError, ValueError):  # a cache is an optimisation; never fail a start for it
        return False
    if stamped is not None:
        _stamp(cache_dir, stamped, key)
    return True


def _engine(kb: KnowledgeBase, index_dir: Path | None) -> Engine:
    return Engine(kb, index_dir=index_dir)


def open_stories(directory: Path, data_dir: Path | None, build: Build = _engine) -> StoryEngines:
    """Every story of a knowledge directory with its engine, each story cached in `data_dir` (None: none).

    When every story's files are unchanged since their engines were cached, nothing is parsed: those
    engines were built from these very bytes after a full validation. Otherwise the whole library is
    validated (its problems reported together, as `KnowledgeError`), and each story the cache lacks is
    built with `build` and cached.
    """
    folders = story_folders(directory)
    if data_dir is None or not folders:
        return StoryEngines((StoryRef(s.id, s.title), build(s.kb, None)) for s in load_library(directory))
    found = [cached_engine(folder, cache_folder(data_dir, folder)) for folder in folders]
    warm = [lookup.engine for lookup in found if lookup.engine is not None]
    if len(warm) == len(found):
        refs = [story_of(engine.kb) for engine in warm]
        if len({ref.id for ref in refs}) == len(refs):  # else the library's own check says which clash
            return StoryEngines((StoryRef(ref.id, ref.title), engine) for ref, engine in zip(refs, warm, strict=True))
    library = load_library(directory)
    engines: list[tuple[StoryRef, Engine]] = []
    for story, folder, lookup in zip(library, folders, found, strict=True):
        engine = lookup.engine
        if engine is None:
            engine = build(story.kb, index_folder(data_dir, folder, lookup.key))
            if content_key(folder) == lookup.key:  # else a file changed while it was read
                store(engine, cache_folder(data_dir, folder), lookup.key, lookup.stamped)
        engines.append((StoryRef(story.id, story.title), engine))
    return StoryEngines(engines)
