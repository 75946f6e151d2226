"""The engine cache's file: an engine pickled, then its large arrays raw, for an open to map or read.

`dump` writes an engine as a pickle (protocol 5) whose large arrays are left out of band and written after
it, each aligned; `load` unpickles the pickle and hands it the arrays as read-only `memoryview`s of the file
mapped into memory, which index, slice and iterate as the `array`s they were built as. What the engine reads
a few bytes of now and then (its entries, its sources, its phrasings' text) is read from the file with
`os.pread` when asked instead (`FileBytes`): through the mapping, a few bytes would bring in the page cache's
whole folio around them. A warm process so holds what its questions touch, and the page cache the rest.

The file is StoryBot's own (written only by `cache`, keyed by content), which is what makes unpickling it safe.
"""

from __future__ import annotations

import copyreg
import dataclasses
import gc
import io
import mmap
import os
import pickle
import struct
import weakref
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from operator import attrgetter
from typing import IO, TYPE_CHECKING, Any, TypeVar, overload

from bot.answering.entry_index import SeldomRead
from bot.knowledge.model import Entry, Evidence, KnowledgeBase, Quote, Source, Speaker

if TYPE_CHECKING:
    from bot.answering.matcher import Engine

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


# Each one's fields, in order, as one tuple.
_FIELDS = {cls: attrgetter(*names) for cls, names in _CONSTRUCTED.items() if len(names) > 1}


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
            # It lives as long as the engine, like what the open froze: left in the collector's care, the
            # entries read so far made every full collection walk them (30-120 ms inside a question at
            # 100,000 entries).
            gc.freeze()
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

    def pickled(self) -> tuple[bytes | memoryview, memoryview]:
        """Every entry pickled on its own, one after another, and where each starts (and the last ends): entries
        with the same bytes are the same entries."""
        data = self._data
        return (data.tobytes() if isinstance(data, FileBytes) else data), self._offsets

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
        fields_of = _FIELDS.get(type(obj))
        if fields_of is not None:  # first: the knowledge model's objects are most of what is pickled
            fields = fields_of(obj)
            if type(obj) is KnowledgeBase:  # its entries and sources, each on its own: see `LazyEntries`
                names = _CONSTRUCTED[KnowledgeBase]
                fields = tuple(_lazy(v) if n in LAZY_FIELDS else v for n, v in zip(names, fields, strict=True))
            return type(obj), fields
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
        return NotImplemented


def _lazy(entries: Mapping[str, _Value]) -> LazyEntries[_Value]:
    return entries if isinstance(entries, LazyEntries) else LazyEntries.of(entries)


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
    readable = hasattr(os, "pread")  # where it is not (Windows), what is read when asked is mapped instead
    if MAPPED in table[2::3] or not readable:
        mapped = memoryview(mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ))
    fd = _Descriptor(os.dup(handle.fileno())) if READ in table[2::3] and readable else None
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
