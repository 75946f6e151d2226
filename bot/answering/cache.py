"""A warm start: the built engine cached in the data directory, keyed by the content of the knowledge files.

A cold start parses, validates and indexes every file; a warm start finds an engine already built
from files with exactly the same bytes, by the same engine code, and unpickles it. Any change to any
file (or a new file), or to the engine's code, changes the key, so a stale cache is never used. The
cache directory is StoryBot's own (written only by this module), which is what makes unpickling it safe.

Each knowledge folder has its own cache folder in the data directory (`cache_folder`), holding one
engine file named by its key and a stamp: the key, filed under the folder's file sizes and change
times. A start whose files show the stamp's exact sizes and times (`signature`) reads no knowledge
file at all; any other start reads and hashes every file (`content_key`), as git does with its index.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import io
import logging
import os
import pickle
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from itertools import chain
from pathlib import Path
from typing import IO, Any

from bot.answering.answer import StoryRef
from bot.answering.matcher import Engine
from bot.answering.stories import StoryEngines
from bot.answering.tantivy_index import index_key
from bot.knowledge.files import atomic_writer, folder_digest, real_path, write_atomically
from bot.knowledge.library import load_library, story_folders, story_of
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import Entry, Evidence, KnowledgeBase, Quote, Source, Speaker

Build = Callable[[KnowledgeBase, Path | None], Engine]  # (knowledge base, where its search index lives)

log = logging.getLogger(__name__)

CACHE_VERSION = b"storybot-engine-3"  # bump when the cache's own layout changes
_ENGINE_CODE = Path(__file__).parent  # the code that decides what an engine holds: part of the key
ENGINE_CACHE = "engine-cache"  # the data directory's folder of engine caches, one folder per knowledge folder
RETRIEVAL_INDEX = "retrieval-index"  # the data directory's folder of on-disk search indexes, likewise
ENGINE_SUFFIX, STAMP_SUFFIX = ".engine", ".stamp"
# A file changed this recently may change again within the file system's clock tick and keep its size and
# time: no stamp vouches for it, and the next start hashes it (git's "racily clean" rule).
RACY_SECONDS = 2.0
# Entries unpickled together at their first read. One blob of 256 takes about a millisecond to unpickle,
# and 100,000 entries make 400 blobs to copy at an open, where one object each would cost 100 ms.
ENTRIES_PER_BLOB = 256
ID_SEPARATOR = "\n"  # between the entry ids of a cache; ids are single words, never holding one


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


class LazyEntries(Mapping[str, Entry]):
    """The entries of a knowledge base opened from the cache, unpickled a few hundred at a time as they are read.

    Most of a large base's cache is its entries, and a process that answers one question reads one of
    them: the engine's own index, opened whole, finds it. So the cache holds the entries' ids as one
    string and the entries themselves in blobs of `ENTRIES_PER_BLOB`, which an open only copies. A
    read-only mapping like the dict it stands for, in the same order; it pickles back as a plain dict
    anywhere but in the cache. Two threads reading the same new blob at once both unpickle it: harmless.
    """

    __slots__ = ("_blobs", "_entries", "_ids", "_keys", "_order")

    def __init__(self, ids: str, blobs: list[bytes]) -> None:
        self._ids = ids  # every id, joined by ID_SEPARATOR, in order
        self._blobs = blobs  # blob i: the entries of ids i * ENTRIES_PER_BLOB onwards, as a pickled tuple
        self._keys: dict[str, int] | None = None  # id -> its place in `_ids`, worked out at the first read
        self._order: list[str] = []  # the ids, likewise
        self._entries: dict[str, Entry] = {}  # the entries unpickled so far

    @classmethod
    def of(cls, entries: Mapping[str, Entry]) -> LazyEntries:
        ids = list(entries)
        if any(ID_SEPARATOR in i for i in ids):
            raise ValueError("an entry id holds the separator of the cache's list of ids")
        values = list(entries.values())
        blobs = [_pickled(tuple(values[i : i + ENTRIES_PER_BLOB])) for i in range(0, len(values), ENTRIES_PER_BLOB)]
        return cls(ID_SEPARATOR.join(ids), blobs)

    @property
    def _index(self) -> dict[str, int]:
        if self._keys is None:
            self._order = self._ids.split(ID_SEPARATOR) if self._ids else []
            self._keys = dict(zip(self._order, range(len(self._order)), strict=True))
        return self._keys

    def _unpickle(self, blob: int) -> None:
        if not self._blobs[blob]:  # another thread unpickled it meanwhile
            return
        entries: tuple[Entry, ...] = pickle.loads(self._blobs[blob])  # noqa: S301 - part of our own cache file
        self._entries.update(zip(self._chunk(blob), entries, strict=True))
        # They live as long as the engine, like what `load` froze: left in the collector's care, the entries
        # read so far made every full collection walk them (30-120 ms inside a question at 100,000 entries).
        gc.freeze()
        self._blobs[blob] = b""  # unpickled for good: its bytes need not stay in memory

    def _chunk(self, blob: int) -> list[str]:
        return self._order[blob * ENTRIES_PER_BLOB : (blob + 1) * ENTRIES_PER_BLOB]

    def __getitem__(self, key: str) -> Entry:
        entry = self._entries.get(key)
        if entry is None:
            self._unpickle(self._index[key] // ENTRIES_PER_BLOB)  # an unknown id raises KeyError, as a dict does
            entry = self._entries[key]
        return entry

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __repr__(self) -> str:
        return f"LazyEntries({len(self)} entries)"

    def __reduce__(self) -> tuple[Any, ...]:
        return dict, (dict(self.items()),)

    def packed(self) -> tuple[str, list[bytes]]:
        """The ids and blobs the cache holds (a blob already unpickled is pickled again)."""
        self._index  # noqa: B018 - the ids' order, for the blobs to pickle again
        blobs = [b or _pickled(tuple(self._entries[k] for k in self._chunk(n))) for n, b in enumerate(self._blobs)]
        return self._ids, blobs


def _pickled(obj: object) -> bytes:
    handle = io.BytesIO()
    _Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL).dump(obj)
    return handle.getvalue()


class _Pickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, LazyEntries):
            return LazyEntries, obj.packed()
        names = _CONSTRUCTED.get(type(obj))
        if names is None:
            return NotImplemented
        fields = tuple(getattr(obj, name) for name in names)
        if type(obj) is KnowledgeBase:  # its entries, each on its own: see `LazyEntries`
            fields = tuple(_lazy(v) if n == "entries" else v for n, v in zip(names, fields, strict=True))
        return type(obj), fields


def _lazy(entries: Mapping[str, Entry]) -> LazyEntries:
    return entries if isinstance(entries, LazyEntries) else LazyEntries.of(entries)


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


@cache
def _code_digest() -> bytes:
    """The engine's code as it is in this process (read once: code does not change under a process)."""
    digest = hashlib.sha256(CACHE_VERSION)
    digest.update(sys.version.encode())
    for chunk in chain(_files(_ENGINE_CODE, "*.py"), _files(_ENGINE_CODE, "*.yaml")):  # english.yaml is code too
        digest.update(chunk)
    return digest.digest()


def content_key(directory: Path) -> str:
    """A digest of every file under the knowledge directory (names and bytes, read the contained way:
    `folder_digest`) and of the engine's code."""
    digest = hashlib.sha256(_code_digest())
    digest.update(b"\0knowledge\0" + (folder_digest(directory) or "unreadable").encode())
    return digest.hexdigest()


def signature(directory: Path) -> tuple[str, int] | None:
    """A digest of every visible file's name, size, change times and inode under `directory`, and the
    newest change time seen (ns); None when the folder cannot be listed or holds a link (then only its
    content can say whether it changed)."""
    digest = hashlib.sha256(_code_digest())
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
    _Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL).dump(engine)


def load(handle: IO[bytes]) -> object:
    # Unpickling creates millions of objects at once, none of them garbage: collecting while it runs
    # would only walk them over and over. They then live as long as the engine: frozen, later
    # collections leave them out.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.load(handle)  # noqa: S301 - our own cache, keyed by content
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


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
