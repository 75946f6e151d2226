"""The state of one validation of a knowledge directory: the files read, the records claimed, the problems found.

`loader` fills it file by file; the field checks (`fields`), the record builders (`records`) and the checks
across files (`cross_check`) report into it. Positions of problems are worked out once, at the end (`problems`).
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.knowledge.files import Unreadable, read_inside, real_path
from bot.knowledge.problems import MAX_PROBLEMS_KEPT, Place, Problem, Problems, _Claims, _Found, _Phrasings
from bot.knowledge.schema import SECTIONS
from bot.knowledge.yaml_positions import LocatedDocument, Path_, Position, YamlProblem, locate

log = logging.getLogger(__name__)

# Sections whose items have no id: their model objects are kept in file order (`records.LISTED` builds them).
LISTED_SECTIONS = ("vocabulary", "examples")


def display_path(path: Path) -> str:
    """A path as a person wants to read it: relative to where they are, when it is below it.

    Links are not followed: a knowledge file that is a link is named as the curator sees it, and
    never by the place outside the folder it may point to.
    """
    try:
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)


def _file_name(path: Path, root: Path) -> str:
    return str(path.relative_to(root) if path.is_relative_to(root) else path)


@dataclass(slots=True)
class _Validation:
    overrides: dict[Path, bytes]  # planned contents of files, by resolved path
    root: Path  # the knowledge directory: nothing outside it is read
    files: list[Path] = field(default_factory=list)  # the knowledge files read, by index
    fixed: list[Problem] = field(default_factory=list)  # problems whose position is known at once
    found: list[_Found] = field(default_factory=list)  # problems whose position is worked out at the end
    # Some file or section could not be read, so the ids it holds are unknown: reporting every
    # reference to them would bury the one real problem under dozens of false ones.
    incomplete: bool = False
    counted: int = 0  # every problem found, kept or not
    digests: dict[Path, bytes] = field(default_factory=dict)  # every file read, by resolved path
    texts: dict[Path, str] = field(default_factory=dict)  # source texts read, by resolved path
    claims: dict[str, _Claims] = field(default_factory=lambda: {name: _Claims(name) for name in SECTIONS})
    # Sections whose items have no id (vocabulary, examples): their model objects, in file order.
    listed: dict[str, list[Any]] = field(default_factory=lambda: {name: [] for name in LISTED_SECTIONS})
    person_ids: set[str] = field(default_factory=set)  # people ids whose first record says `kind: person`
    proven: set[int] = field(default_factory=set)  # files whose entries need not be proven grounded again
    # The file digests (by name) of the last valid knowledge base of this folder, validated by this same code:
    # a file with the same bytes has records with no problem of their own (see `_collect`).
    valid_before: dict[str, str] = field(default_factory=dict)
    phrasings: _Phrasings = field(init=False)

    def __post_init__(self) -> None:
        self.phrasings = _Phrasings(self.claims["entries"])

    @property
    def count(self) -> int:
        return self.counted

    @property
    def full(self) -> bool:
        """No more problems are kept: a message's costlier parts ("did you mean") need not be worked out."""
        return self.counted >= MAX_PROBLEMS_KEPT

    def as_before(self, index: int) -> bool:
        """Whether file `index` has the bytes it had in the last valid knowledge base (`valid_before`)."""
        key = real_path(self.files[index])
        found = self.digests.get(key)
        return found is not None and self.valid_before.get(_file_name(key, real_path(self.root))) == found.hex()

    def read_bytes(self, file: Path) -> bytes:
        """The bytes of a file (or its planned contents), noted for the fingerprint.

        Raises `Unreadable` for a file outside the knowledge directory, or one that is not a regular file.
        """
        key = real_path(file)
        raw = self.overrides[key] if key in self.overrides else read_inside(file, self.root)
        self.digests[key] = hashlib.sha256(raw).digest()
        return raw

    def _keep(self) -> bool:
        self.counted += 1
        return self.counted <= MAX_PROBLEMS_KEPT

    def report_at(self, file: Path, where: Position, message: str) -> None:
        if self._keep():
            self.fixed.append(Problem(display_path(file), where.line, where.column, message))

    def report(self, place: Place, *parts: str | Place) -> None:
        if self._keep():
            self.found.append(_Found(place, parts))

    def problems(self) -> Problems:
        """The problems kept, with positions (each file that has any is parsed again, once), and the count."""
        places: dict[int, set[tuple[Path_, bool]]] = {}
        for found in self.found:
            for place in (found.place, *(part for part in found.parts if not isinstance(part, str))):
                places.setdefault(place[0], set()).add(place[1:])
        positions: dict[Place, Position] = {}
        for index, wanted in places.items():
            located = self._located(index, wanted)
            for path, key in wanted:
                positions[(index, path, key)] = located.where_key(path) if key else located.where(path)
        problems = list(self.fixed)
        for found in self.found:
            index, _, _ = found.place
            where = positions[found.place]
            message = "".join(
                part if isinstance(part, str) else f"{display_path(self.files[part[0]])}:{positions[part].line}"
                for part in found.parts
            )
            problems.append(Problem(display_path(self.files[index]), where.line, where.column, message))
        return Problems(sorted(problems), self.counted)

    def _located(self, index: int, wanted: set[tuple[Path_, bool]]) -> LocatedDocument:
        file = self.files[index]
        key = real_path(file)
        try:
            raw = self.overrides[key] if key in self.overrides else read_inside(file, self.root)
            if hashlib.sha256(raw).digest() != self.digests.get(key):
                log.warning("%s changed while it was being checked; positions may be off", display_path(file))
            return locate(raw.decode("utf-8"), wanted)
        except (Unreadable, UnicodeDecodeError, YamlProblem):
            log.warning("%s could not be read again; its problems are shown at its start", display_path(file))
            return LocatedDocument(None, {}, {})
