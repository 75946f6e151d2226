"""A warm start: the built engine cached in the data directory, keyed by the content of the knowledge files.

A cold start parses, validates and indexes every file; a warm start finds an engine already built
from files with exactly the same bytes, by the same engine code, and unpickles it. Any change to any
file (or a new file), or to the engine's code, changes the key, so a stale cache is never used. The
cache directory is StoryBot's own (written only by this module), which is what makes unpickling it safe.

Each knowledge folder has its own cache folder in the data directory (`cache_folder`), holding one
engine file named by its key and a stamp: the key, filed under the folder's file sizes and change
times. A start whose files show the stamp's exact sizes and times (`signature`) reads no knowledge
file at all; any other start reads and hashes every file (`content_key`), as git does with its index.

The engine file is a pickle followed by the engine's large arrays, raw (`dump`). An open unpickles the small
part and memory-maps the arrays, which the engine then reads as read-only `memoryview`s in place of the
`array`s it was built with (they index, slice and iterate alike), and reads each entry from the file when it
is first asked for: a warm process holds what its questions touch, and the page cache holds the rest.
"""

from __future__ import annotations

import copyreg
import dataclasses
import gc
import hashlib
import io
import logging
import mmap
import os
import pickle
import struct
import sys
import time
import weakref
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cache
from itertools import chain
from pathlib import Path
from typing import IO, Any, TypeVar, overload

from bot.answering.answer import StoryRef
from bot.answering.index import SeldomRead
from bot.answering.matcher import Engine
from bot.answering.stories import StoryEngines
from bot.answering.tantivy_index import index_key
from bot.knowledge.files import atomic_writer, folder_digest, real_path, write_atomically
from bot.knowledge.library import load_library, story_folders, story_of
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import Entry, Evidence, KnowledgeBase, Quote, Source, Speaker

Build = Callable[[KnowledgeBase, Path | None], Engine]  # (knowledge base, where its search index lives)

log = logging.getLogger(__name__)

CACHE_VERSION = b"storybot-engine-4"  # bump when the cache's own layout changes
_ENGINE_CODE = Path(__file__).parent  # the code that decides what an engine holds: part of the key
ENGINE_CACHE = "engine-cache"  # the data directory's folder of engine caches, one folder per knowledge folder
RETRIEVAL_INDEX = "retrieval-index"  # the data directory's folder of on-disk search indexes, likewise
ENGINE_SUFFIX, STAMP_SUFFIX = ".engine", ".stamp"
# A file changed this recently may change again within the file system's clock tick and keep its size and
# time: no stamp vouches for it, and the next start hashes it (git's "racily clean" rule).
RACY_SECONDS = 2.0
# The cache file: this mark, the length of its pickle, how many raw arrays follow it, where each starts, how
# long it is and how it is read (MAPPED or READ), the pickle, then the arrays, each at a multiple of
# ARRAY_ALIGNMENT.
FILE_MARK = b"storybot-engine-mapped-1\n"
# An array the engine reads all over (its index: in a long run, every page) is memory-mapped; one it reads a
# few bytes of now and then (the pickled entries: one an answer) is read with `os.pread` when asked. Mapped,
# a few bytes would bring in a whole folio of the page cache (up to 2 MB on ext4): 240 answers at 100,000
# entries held 37 of its 39 MB.
MAPPED, READ = 0, 1
ARRAY_ALIGNMENT = 64  # a cache line: numpy reads an aligned array at full speed
# Arrays at least this large are written raw after the pickle and memory-mapped when the engine is opened: a
# process then holds only the pages its questions touch. A smaller one stays in the pickle.
MAPPED_MIN_BYTES = 1 << 16
_WORD = struct.Struct("<Q")
# The knowledge base's mappings held by the cache one item at a time, read when asked: an answer reads its
# entry and the sources of its evidence. (Speakers and quotes stay whole: the engine reads them all over.)
LAZY_FIELDS = ("entries", "sources")
_Value = TypeVar("_Value")


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


def _view(buffer: Any, typecode: str) -> memoryview:
    """A read-only view of a buffer as items of `typecode` (an `array` type code): no copy."""
    view = memoryview(buffer).toreadonly()
    return view if view.format == typecode else view.cast("B").cast(typecode)  # type: ignore[call-overload]


def _mapped(typecode: str, buffer: Any) -> memoryview:
    """An engine array as the cache restores it: a view of the file's mapped bytes (or of the bytes a pickle
    without raw buffers carried). It indexes, slices and iterates as the `array` it was."""
    return _view(buffer, typecode)


def _read_when_asked(data: Any) -> FileBytes | SeldomRead:
    """A `SeldomRead` array as the cache restores it: read from the file when sliced, or (from a pickle that
    carried its bytes) an array again."""
    if isinstance(data, FileBytes):
        return data
    restored = SeldomRead("B")
    restored.frombytes(data)
    return restored


def _plain(view: memoryview) -> tuple[Any, ...]:
    """A mapped array pickled anywhere but in the cache: a copy of its bytes."""
    return _mapped, (view.format, view.tobytes())


copyreg.pickle(memoryview, _plain)  # an engine opened from the cache pickles (and copies) as a built one does


class Ids(Sequence[str]):
    """Strings in order (an archive's entry ids), held as one UTF-8 byte string and where each ends, and found by
    their CRC-32 in a sorted table: four arrays, which the cache maps. At 100,000 entries they take 2 MB, where a
    list of the ids and a dictionary of their places took 11."""

    __slots__ = ("_data", "_ends", "_hashes", "_order")

    def __init__(self, data: Any, ends: Any, hashes: Any, order: Any) -> None:
        self._data = data  # the strings' UTF-8 bytes, one after another
        self._ends = ends  # where string i ends in `_data`
        self._hashes = hashes  # the strings' CRC-32s, sorted
        self._order = order  # the number of the string of each of `_hashes`

    @classmethod
    def of(cls, strings: Iterable[str]) -> Ids:
        data, ends, crcs = array("B"), array("I"), []  # bytes: under 4 GB
        for text in strings:
            encoded = text.encode()
            data.frombytes(encoded)
            ends.append(len(data))
            crcs.append(zlib.crc32(encoded))
        order = sorted(range(len(crcs)), key=crcs.__getitem__)  # stable: equal CRCs in string order
        return cls(data, ends, array("I", map(crcs.__getitem__, order)), array("I", order))

    def __len__(self) -> int:
        return len(self._ends)

    @overload
    def __getitem__(self, at: int) -> str: ...
    @overload
    def __getitem__(self, at: slice) -> list[str]: ...
    def __getitem__(self, at: int | slice) -> str | list[str]:
        if isinstance(at, slice):
            return [self[i] for i in range(*at.indices(len(self)))]
        ends = self._ends
        number = at + len(ends) if at < 0 else at
        if not 0 <= number < len(ends):
            raise IndexError(at)
        return str(self._data[ends[number - 1] if number else 0 : ends[number]], "utf-8")

    def find(self, text: str) -> int | None:
        """The number of a string, or None."""
        hashes, crc = self._hashes, zlib.crc32(text.encode())
        at = bisect_left(hashes, crc)
        while at < len(hashes) and hashes[at] == crc:
            if self[self._order[at]] == text:
                return int(self._order[at])
            at += 1
        return None

    def __reduce__(self) -> tuple[Any, ...]:
        return Ids, (self._data, self._ends, self._hashes, self._order)


class LazyEntries(Mapping[str, _Value]):
    """The entries of a knowledge base opened from the cache, each unpickled when it is first read (and its
    sources likewise: `LAZY_FIELDS`).

    Most of a large base's cache is its entries, and a process that answers one question reads one of
    them: the engine's own index, opened whole, finds it. So the cache holds the entries' ids (`Ids`) and
    every entry pickled on its own, one after another in one array, with where each starts in another: an open
    copies nothing, and a read brings in that one entry, read from the file (`FileBytes`). A read-only mapping
    like the dict it stands for, in the same order; it pickles back as a plain dict anywhere but in the cache.
    Two threads reading the same new entry at once both unpickle it: harmless.
    """

    __slots__ = ("_data", "_entries", "_offsets", "ids")

    def __init__(self, ids: Ids, data: Any, offsets: Any) -> None:
        self.ids = ids  # every id, in order: what the engine numbers entries by
        # Entry i pickled: bytes offsets[i] to offsets[i + 1], of the open cache file or of memory.
        self._data = data if isinstance(data, FileBytes) else memoryview(data)
        self._offsets = _view(offsets, "Q")
        self._entries: dict[str, _Value] = {}  # the entries unpickled so far

    @classmethod
    def of(cls, entries: Mapping[str, _Value]) -> LazyEntries[_Value]:
        handle = io.BytesIO()
        pickler = _Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
        offsets = array("Q", [0])
        for entry in entries.values():
            pickler.clear_memo()  # each entry a whole pickle of its own, read without the others
            pickler.dump(entry)
            offsets.append(handle.tell())
        return cls(Ids.of(entries), handle.getbuffer(), offsets)

    def __getitem__(self, key: str) -> _Value:
        entry = self._entries.get(key)
        if entry is None:
            at = self.ids.find(key)
            if at is None:
                raise KeyError(key)
            offsets = self._offsets
            entry = pickle.loads(self._data[offsets[at] : offsets[at + 1]])  # noqa: S301 - our own cache file
            self._entries[key] = entry
        return entry

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, key: object) -> bool:
        return key in self._entries or (isinstance(key, str) and self.ids.find(key) is not None)

    def __repr__(self) -> str:
        return f"LazyEntries({len(self)} entries)"

    def __reduce__(self) -> tuple[Any, ...]:
        return dict, (dict(self.items()),)

    def packed(self) -> tuple[Ids, pickle.PickleBuffer, pickle.PickleBuffer]:
        """The ids, the pickled entries and their offsets, as the cache holds them: the last two raw."""
        data = self._data
        # Writable, so that an unpickler hands `load`'s reader over as it is (a read-only buffer it would view).
        writable = data if isinstance(data, memoryview) and not data.readonly else bytearray(data.tobytes())
        return self.ids, pickle.PickleBuffer(writable), pickle.PickleBuffer(self._offsets)


class FileBytes:
    """A stretch of an open file, read when sliced (`os.pread`): bytes read seldom and a few at a time. The file
    stays open as long as this does, so it still reads after the cache file is replaced or removed."""

    __slots__ = ("_fd", "_start", "nbytes")

    def __init__(self, fd: _Descriptor, start: int, size: int) -> None:
        self._fd, self._start, self.nbytes = fd, start, size

    def __getitem__(self, part: slice) -> bytes:
        start, stop, _ = part.indices(self.nbytes)
        size = max(stop - start, 0)
        data = os.pread(self._fd.number, size, self._start + start)
        if len(data) != size:
            raise OSError("the engine cache file is shorter than it was")
        return data

    def tobytes(self) -> bytes:
        return self[0 : self.nbytes]

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled anywhere but in the cache, its bytes as an array (a file descriptor means nothing elsewhere)."""
        return _read_when_asked, (self.tobytes(),)


class _Descriptor:
    """A file descriptor closed when the last reader of it is gone."""

    __slots__ = ("__weakref__", "number")

    def __init__(self, number: int) -> None:
        self.number = number
        weakref.finalize(self, os.close, number)


class _Pickler(pickle.Pickler):
    def __init__(self, handle: IO[bytes], read_when_asked: set[int] | None = None, **options: Any) -> None:
        super().__init__(handle, **options)
        self.read_when_asked = set() if read_when_asked is None else read_when_asked

    read_when_asked: set[int]  # ids of the raw buffers to read with `os.pread` rather than map

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, LazyEntries):
            ids, data, offsets = obj.packed()
            self.read_when_asked.add(id(data))
            return LazyEntries, (ids, data, offsets)
        if isinstance(obj, SeldomRead | FileBytes):
            writable = bytearray(obj.tobytes()) if isinstance(obj, FileBytes) else obj  # see `packed`
            buffer = pickle.PickleBuffer(writable)
            self.read_when_asked.add(id(buffer))
            return _read_when_asked, (buffer,)
        # (A bytearray never comes here: a pickler writes it inline without asking.)
        if isinstance(obj, array | memoryview) and memoryview(obj).nbytes >= MAPPED_MIN_BYTES:
            typecode = obj.typecode if isinstance(obj, array) else obj.format
            return _mapped, (typecode, pickle.PickleBuffer(obj))  # written raw by `dump`, in band otherwise
        names = _CONSTRUCTED.get(type(obj))
        if names is None:
            return NotImplemented
        fields = tuple(getattr(obj, name) for name in names)
        if type(obj) is KnowledgeBase:  # its entries and sources, each on its own: see `LazyEntries`
            fields = tuple(_lazy(v) if n in LAZY_FIELDS else v for n, v in zip(names, fields, strict=True))
        return type(obj), fields


def _lazy(entries: Mapping[str, _Value]) -> LazyEntries[_Value]:
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
    """Write the engine: its pickle, then its large arrays raw (`FILE_MARK`), for `load` to map or read."""
    arrays: list[tuple[memoryview, int]] = []
    body = io.BytesIO()
    read_when_asked: set[int] = set()

    def keep(buffer: pickle.PickleBuffer) -> None:
        arrays.append((buffer.raw(), READ if id(buffer) in read_when_asked else MAPPED))

    _Pickler(body, read_when_asked, protocol=pickle.HIGHEST_PROTOCOL, buffer_callback=keep).dump(engine)
    header = len(FILE_MARK) + _WORD.size * (2 + 3 * len(arrays))
    at = header + body.tell()
    table: list[int] = []
    for view, how in arrays:
        at += -at % ARRAY_ALIGNMENT
        table += [at, view.nbytes, how]
        at += view.nbytes
    handle.write(FILE_MARK)
    handle.write(b"".join(map(_WORD.pack, (body.tell(), len(arrays), *table))))
    handle.write(body.getbuffer())
    written = header + body.tell()
    for (view, _), place in zip(arrays, table[::3], strict=True):
        handle.write(bytes(place - written))
        handle.write(view)
        written = place + view.nbytes


def _words(handle: IO[bytes], count: int) -> list[int]:
    data = handle.read(_WORD.size * count)
    if len(data) != _WORD.size * count:
        raise ValueError("a truncated engine cache")
    return [w for (w,) in _WORD.iter_unpack(data)]


def load(handle: IO[bytes]) -> object:
    """An engine written by `dump`, its large arrays views of the file mapped into memory (read-only) or read
    when asked (`READ`): the pages a question touches are read then, as the kernel reads a file's."""
    if handle.read(len(FILE_MARK)) != FILE_MARK:
        raise ValueError("not an engine cache of this layout")
    body, count = _words(handle, 2)
    table = _words(handle, 3 * count)
    size = os.fstat(handle.fileno()).st_size
    ends = [start + length for start, length in zip(table[::3], table[1::3], strict=True)]
    if max(ends, default=0) > size or handle.tell() + body > size:
        raise ValueError("a truncated engine cache")
    mapped = memoryview(b"")
    if MAPPED in table[2::3]:
        mapped = memoryview(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))
    fd = _Descriptor(os.dup(handle.fileno())) if READ in table[2::3] else None
    arrays = [
        FileBytes(fd, start, length) if fd is not None and how == READ else mapped[start : start + length]
        for start, length, how in zip(table[::3], table[1::3], table[2::3], strict=True)
    ]
    # Unpickling creates millions of objects at once, none of them garbage: collecting while it runs
    # would only walk them over and over. They then live as long as the engine: frozen, later
    # collections leave them out.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.load(handle, buffers=arrays)  # noqa: S301 - our own cache, keyed by content
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
