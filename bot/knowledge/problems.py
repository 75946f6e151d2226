"""What a load says is wrong, and where: `Problem`s, the error that refuses a directory, and the compact
records of where each item was, from which positions are worked out at the end (see `loader`)."""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.knowledge.model import Entry
from bot.knowledge.text import clean
from bot.knowledge.yaml_positions import Path_

# A folder with a million mistakes is one mistake made a million times (a generated file, a bad paste):
# the first thousand are kept with positions and the rest only counted, so a hostile folder costs
# bounded memory and time to report; the first hundred are listed in a message.
MAX_PROBLEMS_KEPT = 1000
MAX_PROBLEMS_LISTED = 100


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One validation error: where it is, what is wrong and what to do."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class Problems(list[Problem]):
    """Problems found, in order; `total` also counts those past the ones kept (`MAX_PROBLEMS_KEPT`)."""

    def __init__(self, problems: Iterable[Problem] = (), total: int | None = None) -> None:
        super().__init__(problems)
        self.total = len(self) if total is None else max(total, len(self))


def problem_count(problems: Iterable[Problem]) -> int:
    """How many problems there were, counting those not kept."""
    total = getattr(problems, "total", None)
    return total if isinstance(total, int) else len(list(problems))


class KnowledgeError(Exception):
    """The knowledge directory is invalid; `problems` says where and why (`total` counts them all)."""

    def __init__(self, problems: Iterable[Problem], total: int | None = None) -> None:
        self.problems = tuple(problems)
        self.total = max(len(self.problems), problem_count(problems) if total is None else total)
        lines = [str(p) for p in self.problems[:MAX_PROBLEMS_LISTED]]
        if self.total > len(lines):
            lines.append(f"… and {self.total - len(lines):,} more.")
        count = self.total
        lines.append(f"{count:,} problem{'s' if count != 1 else ''} found; the knowledge base was not loaded.")
        super().__init__("\n".join(lines))


# ------------------------------------------------------------------ where problems are

Place = tuple[int, Path_, bool]  # (index of the file, path of the value in it, the key rather than the value)


@dataclass(slots=True)
class _Found:
    """A problem whose position is worked out at the end, when all of them are known.

    Positions need a file parsed again with positions, which is done once per file that has
    problems, after its plain data is long gone. `parts` is the message; a `Place` in it reads
    `file:line` (where an earlier record with the same id or phrasing is).
    """

    place: Place
    parts: tuple[str | Place, ...]


@dataclass(slots=True)
class _Record:
    """One item of a section while its file is being checked."""

    data: dict[str, Any]
    file: int
    path: Path_

    def at(self, *sub: str | int) -> Place:
        return (self.file, (*self.path, *sub), False)

    def at_key(self, *sub: str | int) -> Place:
        return (self.file, (*self.path, *sub), True)


class _Claims:
    """The records of one section that claimed each id first, in a compact form.

    The model object is built as soon as a record's file is checked, and the file's data is
    dropped; what later checks need is the id, where the record was, and the model (None when
    the record has problems of its own).
    """

    __slots__ = ("built", "ids", "section", "where")

    def __init__(self, section: str) -> None:
        self.section = section
        self.ids: dict[str, int] = {}  # id → ordinal of the record that claimed it first
        self.where = array("I")  # ordinal → file index, item index (two numbers an ordinal)
        self.built: list[Any] = []  # ordinal → model object, or None

    def claim(self, ident: str, rec: _Record) -> int:
        ordinal = len(self.built)
        self.ids[ident] = ordinal
        self.where.append(rec.file)
        self.where.append(int(rec.path[1]))
        self.built.append(None)
        return ordinal

    def at(self, ordinal: int, *sub: str | int) -> Place:
        return (self.where[2 * ordinal], (self.section, self.where[2 * ordinal + 1], *sub), False)

    def table(self) -> dict[str, Any]:
        """Id → model object, once every record has been built (the id dict is reused: it is large)."""
        built = self.built
        table: dict[str, Any] = self.ids
        for ident, ordinal in table.items():
            table[ident] = built[ordinal]
        self.built = []
        return table


_SPECIAL = "\ufffd"  # marks an ASCII character that `clean` does not map on its own (an apostrophe)


def _ascii_table() -> dict[int, str]:
    """What `clean` does to each ASCII character on its own, learnt from `clean` itself."""
    table: dict[int, str] = {}
    for code in range(128):
        cleaned = clean(f"a{chr(code)}a")
        if cleaned == "a a":
            table[code] = " "
        elif len(cleaned) == 3 and cleaned[0] == cleaned[2] == "a" and cleaned[1] != " ":
            table[code] = cleaned[1]
        else:
            table[code] = _SPECIAL
    return table


_ASCII_CLEAN = _ascii_table()


def phrasing_key(text: str) -> str:
    """`clean(text)`: phrasings with the same key are the same phrasing.

    Most phrasings are plain ASCII, where `clean` only maps each character on its own (to lower
    case, or a space) and collapses spaces; that is done here by one translation, several times
    faster. Apostrophes and the like, and all other text, go through `clean` itself.
    """
    if text.isascii():
        translated = text.translate(_ASCII_CLEAN)
        if _SPECIAL not in translated:
            return " ".join(translated.split())
    return clean(text)


class _Phrasings:
    """Every phrasing seen so far, by number, and which entry each (cleaned) phrasing belongs to.

    Phrasings are numbered across entries in order, so a number says whose phrasing it is. A dict
    of half a million cleaned phrasings would be the largest thing a load holds besides the
    knowledge itself; this is instead an open-addressing table of their hashes and numbers in two
    flat arrays (12 bytes a slot), and phrasings are compared only where hashes meet.
    """

    def __init__(self, entries: _Claims) -> None:
        self._entries = entries
        self.start = array("Q")  # entry ordinal → the number of its first phrasing
        self.count = 0  # phrasings numbered so far
        self.clear()

    def clear(self) -> None:
        """Start again with an empty table (and let a large one go once every phrasing is in)."""
        self._hashes = array("q", bytes(8 * 1024))  # 0: an empty slot
        self._numbers = array("I", bytes(4 * 1024))
        self._used = 0

    def whose(self, number: int) -> tuple[int, int]:
        """The ordinal of the entry that has phrasing `number`, and the phrasing's index in it."""
        ordinal = bisect_right(self.start, number) - 1
        return ordinal, number - self.start[ordinal]

    def claim(self, key: str, number: int) -> int | None:
        """Give `key` to phrasing `number`, or return the number of the phrasing that has it already."""
        wanted = hash(key) or 1
        hashes = self._hashes
        mask = len(hashes) - 1
        slot = wanted & mask
        while (found := hashes[slot]) != 0:
            if found == wanted and self._key(self._numbers[slot]) == key:
                return self._numbers[slot]
            slot = (slot + 1) & mask
        hashes[slot] = wanted
        self._numbers[slot] = number
        self._used += 1
        if 2 * self._used > len(hashes):
            self._grow()
        return None

    def _key(self, number: int) -> str:
        ordinal, index = self.whose(number)
        entry: Entry = self._entries.built[ordinal]
        return phrasing_key(entry.questions[index])

    def _grow(self) -> None:
        old = zip(self._hashes, self._numbers, strict=True)
        size = 2 * len(self._hashes)
        self._hashes = hashes = array("q", bytes(8 * size))
        self._numbers = numbers = array("I", bytes(4 * size))
        mask = size - 1
        for wanted, number in old:
            if wanted:
                slot = wanted & mask
                while hashes[slot]:
                    slot = (slot + 1) & mask
                hashes[slot] = wanted
                numbers[slot] = number
