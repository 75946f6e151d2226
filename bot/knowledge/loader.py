"""Loading a knowledge directory, and proving it grounded before anything answers from it.

Every `*.yaml` file under the directory is a knowledge file holding any of the sections `sources`,
`people`, `quotes`, `entries`, `vocabulary` and `examples` (see `schema.py`). Loading validates everything and
refuses an invalid directory with one `Problem` per error, each naming `file:line:column` and
saying what to do. The CLI's `validate`, the CLI's answers and the Discord bot all load through
`load_knowledge`, so they all report the same messages.

A newsroom's archive is 100,000 entries in tens of megabytes of YAML, so a load holds as little as
it can: each file is parsed, its records checked and turned into model objects, and its text and
parsed data dropped before the next file is read. Checks across files (ids, references, quotes and
excerpts against sources, repeated phrasings) run on the model objects and a little compact data
on where each record was. Positions are worked out only for problems, at the end, by parsing each
file that has any once more.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from bot.knowledge.cross_check import cross_check, proven_files
from bot.knowledge.fields import check_mapping, shown
from bot.knowledge.files import Unreadable, read_inside, real_path
from bot.knowledge.model import Entry, Evidence, Kind, KnowledgeBase, Quote, Source, Speaker, Synonyms
from bot.knowledge.naming import did_you_mean
from bot.knowledge.parsed import ParsedFiles
from bot.knowledge.problems import (
    MAX_PROBLEMS_KEPT,
    MAX_PROBLEMS_LISTED,
    KnowledgeError,
    Place,
    Problem,
    Problems,
    _Claims,
    _Found,
    _Phrasings,
    _Record,
    phrasing_key,
    problem_count,
)
from bot.knowledge.schema import SECTIONS, SINGULAR
from bot.knowledge.text import clean
from bot.knowledge.yaml_positions import LocatedDocument, Path_, Position, YamlProblem, load_data, locate

# What other modules read from here; the problems themselves live in `problems`.
__all__ = [
    "MAX_PROBLEMS_KEPT",
    "MAX_PROBLEMS_LISTED",
    "STORY_FILE",
    "KnowledgeError",
    "Place",
    "Problem",
    "Problems",
    "bundled_knowledge_dir",
    "display_path",
    "knowledge_files",
    "load_knowledge",
    "phrasing_key",
    "problem_count",
    "validate_knowledge",
]

log = logging.getLogger(__name__)

STORY_FILE = "story.yaml"  # read by bot.knowledge.library
_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def bundled_knowledge_dir() -> Path:
    """The knowledge base that ships with StoryBot, wherever it was installed."""
    installed = resources.files("bot") / "bundled_knowledge"
    if installed.is_dir():
        return Path(str(installed))
    # Running from a source checkout: the curated directory at the top of the repository.
    return Path(__file__).resolve().parents[2] / "knowledge"


def knowledge_files(directory: Path) -> list[Path]:
    """The knowledge files of a directory, in a stable order; hidden folders and its story file are skipped."""
    found = [
        path
        for pattern in ("*.yaml", "*.yml")
        for path in directory.rglob(pattern)
        if not any(part.startswith(".") for part in path.relative_to(directory).parts)
        and path != directory / STORY_FILE  # a story's id and title (bot.knowledge.library), not knowledge
    ]
    return sorted(found)


def display_path(path: Path) -> str:
    """A path as a person wants to read it: relative to where they are, when it is below it.

    Links are not followed: a knowledge file that is a link is named as the curator sees it, and
    never by the place outside the folder it may point to.
    """
    try:
        return str(Path(os.path.abspath(path)).relative_to(Path.cwd()))
    except (ValueError, OSError):
        return str(path)


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
    listed: dict[str, list[Any]] = field(default_factory=lambda: {name: [] for name in _LISTED})
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


# ------------------------------------------------------------------ one file: reading and fields


def _read_file(v: _Validation, file: Path, parsed: ParsedFiles | None = None) -> tuple[bool, Any]:
    """Whether the file could be read as YAML, and its plain data (kept in `parsed`, or found there)."""
    start = Position(1, 1)
    try:
        raw = v.read_bytes(file)
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Point at the offending character: its line, and its column counted in characters.
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        where = Position(raw.count(b"\n", 0, exc.start) + 1, column)
        v.report_at(file, where, f"file is not UTF-8 text (byte {exc.start}); save it as UTF-8.")
        v.incomplete = True
        return False, None
    except Unreadable as exc:
        v.report_at(file, start, f"cannot read the file: {exc.reason}.")
        v.incomplete = True
        return False, None
    digest = v.digests[real_path(file)] if parsed is not None else b""
    if parsed is not None:
        found, data = parsed.get(digest)
        if found:
            return True, data
    try:
        data = load_data(text, raw)
    except YamlProblem as exc:
        v.report_at(file, exc.position, f"{exc.message}. Fix the YAML here; the rest of the file was not read.")
        v.incomplete = True
        return False, None
    if parsed is not None:
        parsed.put(digest, data)
    return True, data


def _collect(v: _Validation, index: int, data: Any) -> None:
    """Check a file's records, and build the model object of each that claims its id first."""
    if data is None:
        return  # an empty file is allowed: a place to put things later
    if not isinstance(data, dict):
        v.report((index, (), False), f"a knowledge file is a mapping with the sections {', '.join(SECTIONS)}.")
        v.incomplete = True
        return
    for section, items in data.items():
        if section not in SECTIONS:
            hint = "" if v.full else did_you_mean(section, SECTIONS, as_code=False)
            v.report(
                (index, (section,), True),
                f"unknown section `{shown(str(section))}`.{hint} Sections: {', '.join(SECTIONS)}.",
            )
            v.incomplete = True
            continue
        if items is None:
            continue
        if not isinstance(items, list):
            v.report((index, (section,), False), f"`{section}` must be a list of items, each starting with `- `.")
            continue
        fields, what, claims, build = SECTIONS[section], SINGULAR[section], v.claims[section], _BUILDERS.get(section)
        as_before = v.as_before(index)  # its records passed these checks, by this code: they still do
        for i, item in enumerate(items):
            rec = _Record(item if isinstance(item, dict) else {}, index, (section, i))
            before = v.count
            if not as_before:
                check_mapping(v, rec, fields, item, (), what)
            valid = v.count == before
            if section in _LISTED:
                built = _LISTED[section](v, rec, valid)
                if built is not None:
                    v.listed[section].append(built)
                continue
            ident = rec.data.get("id")
            if not isinstance(ident, str):
                continue
            first = claims.ids.get(ident)
            if first is not None:
                v.report(
                    rec.at("id"),
                    f"the {what} id `{ident}` is already used at ",
                    claims.at(first, "id"),
                    "; give this one another id.",
                )
                continue
            ordinal = claims.claim(ident, rec)
            claims.built[ordinal] = build(v, rec, ordinal, valid) if build else None


# ------------------------------------------------------------------ model objects, built as each file is read


def _text(value: Any) -> str | None:
    return None if value is None else " ".join(str(value).split())


def _ref(value: Any) -> Any:
    """Ids are repeated wherever they are referred to; one copy of each will do."""
    return sys.intern(value) if type(value) is str else value


def _build_source(v: _Validation, rec: _Record, ordinal: int, valid: bool) -> Source | None:
    if not valid:
        return None
    d = rec.data
    text, file_name = d.get("text"), d.get("text_file")
    if (text is None) == (file_name is None):
        v.report(
            rec.at(),
            "a source needs exactly one of `text` (the text itself) or `text_file` "
            "(a path to it, relative to this YAML file).",
        )
        return None
    if text is None:
        path = v.files[rec.file].parent / str(file_name)
        key = real_path(path)
        text = v.texts.get(key)
        if text is None:
            try:
                text = v.texts[key] = v.read_bytes(path).decode("utf-8")
            except (Unreadable, UnicodeDecodeError) as exc:
                reason = exc.reason if isinstance(exc, Unreadable) else "it is not UTF-8 text"
                v.report(
                    rec.at("text_file"),
                    f"cannot read `{shown(str(file_name))}` ({reason}); the path is relative to this YAML file "
                    "and must stay inside the knowledge folder.",
                )
                return None
    return Source(
        id=_ref(d["id"]),
        title=" ".join(d["title"].split()),
        text=text,
        outlet=_text(d.get("outlet")),
        author=_text(d.get("author")),
        date=_text(d.get("date")),
        url=_text(d.get("url")),
        note=_text(d.get("note")),
    )


def _build_speaker(v: _Validation, rec: _Record, ordinal: int, valid: bool) -> Speaker | None:
    d = rec.data
    if d.get("kind") == "person":
        v.person_ids.add(d["id"])
    if not valid:
        return None
    return Speaker(
        id=_ref(d["id"]),
        name=d["name"].strip(),
        kind=Kind.PERSON if d["kind"] == "person" else Kind.ORGANISATION,
        aliases=tuple(str(a).strip() for a in d.get("aliases") or ()),
        role=_text(d.get("role")),
        affiliation=_ref(d.get("affiliation")),
        description=_text(d.get("description")),
    )


def _build_quote(v: _Validation, rec: _Record, ordinal: int, valid: bool) -> Quote | None:
    if not valid:
        return None
    d = rec.data
    if d["speaker"] is None and not d.get("attribution_note"):
        v.report(
            rec.at("speaker"),
            "an unattributed quote needs an `attribution_note` saying what the "
            "source does say about who spoke (e.g. 'the story says only \"he said\"').",
        )
    return Quote(
        id=_ref(d["id"]),
        text=" ".join(d["text"].split()),
        source=_ref(d["source"]),
        speaker=_ref(d["speaker"]),
        attribution_note=_text(d.get("attribution_note")),
    )


def _build_entry(v: _Validation, rec: _Record, ordinal: int, valid: bool) -> Entry | None:
    phrasings = v.phrasings
    first = phrasings.count
    phrasings.start.append(first)
    if not valid:
        return None
    d = rec.data
    questions = d["questions"]
    entry = Entry(
        id=d["id"],
        questions=tuple(" ".join(str(q).split()) for q in questions),
        answer=" ".join(d["answer"].split()),
        evidence=tuple(Evidence(_ref(e["source"]), " ".join(str(e["excerpt"]).split())) for e in d["evidence"]),
        keywords=tuple(str(k) for k in d.get("keywords") or ()),
        quotes=tuple(_ref(q) for q in d.get("quotes") or ()),
        about=tuple(_ref(a) for a in d.get("about") or ()),
    )
    entries = v.claims["entries"]
    entries.built[ordinal] = entry  # its own phrasings are compared with each other too
    phrasings.count += len(questions)
    for i, phrasing in enumerate(entry.questions):
        key = phrasing_key(phrasing)
        if not key:
            v.report(rec.at("questions", i), "this phrasing has no words in it; write the question out.")
            continue
        owner = phrasings.claim(key, first + i)
        if owner is None:
            continue
        owner_ordinal, j = phrasings.whose(owner)
        owner_id = entries.built[owner_ordinal].id
        same = "this entry" if owner_id == entry.id else f"entry `{owner_id}`"
        v.report(
            rec.at("questions", i),
            f"the phrasing {questions[i]!r} already belongs to {same} (",
            entries.at(owner_ordinal, "questions", j),
            "); keep it in one entry only.",
        )
    return entry


def _build_synonyms(v: _Validation, rec: _Record, valid: bool) -> Synonyms | None:
    if not valid:
        return None
    means = " ".join(str(rec.data["means"]).split())
    words: list[str] = []
    for i, word in enumerate(rec.data["words"]):
        text = " ".join(str(word).split())
        if not clean(text):
            v.report(rec.at("words", i), f"{text!r} has no letters or digits to match; write the word out.")
        elif clean(text) == clean(means):
            v.report(rec.at("words", i), f"{text!r} is `means` itself; list only the other words for it.")
        else:
            words.append(text)
    if not clean(means):
        v.report(rec.at("means"), f"`means` {means!r} has no letters or digits to match; write the word out.")
        return None
    return Synonyms(means, tuple(words))


def _build_example(v: _Validation, rec: _Record, valid: bool) -> str | None:
    return " ".join(str(rec.data["question"]).split()) if valid else None


_LISTED: dict[str, Callable[[_Validation, _Record, bool], Any]] = {
    "vocabulary": _build_synonyms,
    "examples": _build_example,
}

_BUILDERS: dict[str, Callable[[_Validation, _Record, int, bool], Any]] = {
    "sources": _build_source,
    "people": _build_speaker,
    "quotes": _build_quote,
    "entries": _build_entry,
}


# ------------------------------------------------------------------ across files, once all are read


def _file_name(path: Path, root: Path) -> str:
    return str(path.relative_to(root) if path.is_relative_to(root) else path)


def _fingerprint(v: _Validation, directory: Path) -> str:
    """A digest of every file the knowledge base was built from (YAML and source texts)."""
    digest = hashlib.sha256()
    root = real_path(directory)
    for path in sorted(v.digests):
        digest.update(_file_name(path, root).encode())
        digest.update(v.digests[path])
    return digest.hexdigest()


def _file_digests(v: _Validation, directory: Path) -> dict[str, str]:
    root = real_path(directory)
    return {_file_name(path, root): v.digests[path].hex() for path in sorted(v.digests)}


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a load makes millions of objects that all live on.

    Otherwise it walks the whole heap again and again for nothing: 7% of a 100,000-entry load, 12%
    of a reload with the old base still in memory. A load makes no cyclic garbage.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def validate_knowledge(
    directory: Path,
    overrides: Mapping[Path, str] | None = None,
    *,
    parsed: ParsedFiles | None = None,
    previous: KnowledgeBase | None = None,
) -> tuple[KnowledgeBase | None, Problems]:
    """Check a knowledge directory; return the knowledge base, or None and the problems found.

    `overrides` checks planned edits before they are written: file path → the text it would have
    (a new YAML file is included too). Only files inside `directory` are read (see `files`), and at
    most `MAX_PROBLEMS_KEPT` problems are kept; `Problems.total` counts them all. `parsed`: files parsed
    by an earlier load, by their bytes (a reload's; see `parsed`), which are validated but not parsed again.
    `previous`: the folder's last valid knowledge base (a reload's), validated by this same code: the records
    of files with the bytes they had then are not checked field by field again, and their entries are not
    proven grounded again when nothing they rest on changed (see `cross_check.proven_files`); the result is the same.
    """
    v = _Validation({real_path(p): t.encode("utf-8") for p, t in (overrides or {}).items()}, directory)
    v.valid_before = dict(previous.file_digests) if previous is not None else {}
    if not directory.is_dir():
        v.report_at(directory, Position(1, 1), "no such knowledge directory; pass --kb with a folder of YAML files.")
        return None, v.problems()
    files = knowledge_files(directory)
    planned = [
        p
        for p in (overrides or {})
        if p.suffix in (".yaml", ".yml") and real_path(p) not in {real_path(f) for f in files}
    ]
    files = sorted([*files, *planned])
    if not files:
        v.report_at(directory, Position(1, 1), "the folder has no .yaml files; it is not a knowledge directory.")
        return None, v.problems()
    with _collector_paused():
        for file in files:
            v.files.append(file)
            read, data = _read_file(v, file, parsed)
            if read:
                _collect(v, len(v.files) - 1, data)
            del data  # each file's plain data goes as soon as its records are built
        v.phrasings.clear()
        v.proven = proven_files(v, previous)
        cross_check(v)
        if not v.count and not v.claims["sources"].built:
            v.report_at(files[0], Position(1, 1), "no `sources` found; add at least one source with its text.")
        if v.count:
            return None, v.problems()
        kb = KnowledgeBase(
            v.claims["sources"].table(),
            v.claims["people"].table(),
            v.claims["quotes"].table(),
            v.claims["entries"].table(),
            directory=str(directory),
            fingerprint=_fingerprint(v, directory),
            file_digests=_file_digests(v, directory),
            vocabulary=tuple(v.listed["vocabulary"]),
            examples=tuple(v.listed["examples"]),
        )
    log.info(
        "loaded %s: %d sources, %d people, %d quotes, %d entries",
        display_path(directory),
        len(kb.sources),
        len(kb.speakers),
        len(kb.quotes),
        len(kb.entries),
    )
    return kb, Problems()


def load_knowledge(
    directory: Path | str, *, parsed: ParsedFiles | None = None, previous: KnowledgeBase | None = None
) -> KnowledgeBase:
    """Load and validate a knowledge directory, or raise `KnowledgeError` listing every problem."""
    kb, problems = validate_knowledge(Path(directory), parsed=parsed, previous=previous)
    if kb is None:
        raise KnowledgeError(problems, problems.total)
    return kb
