"""Loading a knowledge directory, and proving it grounded before anything answers from it.

Every `*.yaml` file under the directory is a knowledge file holding any of the sections
`sources`, `people`, `quotes` and `entries` (see `schema.py`). Loading validates everything and
refuses an invalid directory with one `Problem` per error, each naming `file:line:column` and
saying what to do. The CLI's `validate`, the CLI's answers and the Discord bot all load through
`load_knowledge`, so they all report the same messages.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from rapidfuzz import process

from bot.engine.located_yaml import Document, Path_, Position, YamlProblem, load_document
from bot.engine.model import Entry, Evidence, Kind, KnowledgeBase, Quote, Source, Speaker
from bot.engine.normalize import clean
from bot.engine.schema import EVIDENCE_FIELDS, ID_PATTERN, KINDS, SECTIONS, SINGULAR, FieldSpec, FieldType
from bot.engine.verbatim import SourceText, first_difference

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 256 * 1024 * 1024  # far above any real knowledge file; refuses runaway input
_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One validation error: where it is, what is wrong and what to do."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class KnowledgeError(Exception):
    """The knowledge directory is invalid; `problems` says where and why."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        lines = [str(p) for p in self.problems]
        lines.append(f"{count} problem{'s' if count != 1 else ''} found; the knowledge base was not loaded.")
        super().__init__("\n".join(lines))


def bundled_knowledge_dir() -> Path:
    """The knowledge base that ships with StoryBot, wherever it was installed."""
    installed = resources.files("bot") / "knowledge"
    if installed.is_dir():
        return Path(str(installed))
    # Running from a source checkout: the curated directory at the top of the repository.
    return Path(__file__).resolve().parents[2] / "knowledge"


def knowledge_files(directory: Path) -> list[Path]:
    """The knowledge files of a directory, in a stable order; hidden folders are skipped."""
    found = [
        path
        for pattern in ("*.yaml", "*.yml")
        for path in directory.rglob(pattern)
        if not any(part.startswith(".") for part in path.relative_to(directory).parts)
    ]
    return sorted(found)


def display_path(path: Path) -> str:
    """A path as a person wants to read it: relative to where they are, when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass(slots=True)
class _Record:
    """One item of a section, with where it came from."""

    section: str
    data: dict[str, Any]
    file: Path
    doc: Document
    path: Path_
    valid: bool = True  # False: its own fields have problems, so only its id is used

    def at(self, *sub: str | int) -> Position:
        return self.doc.where((*self.path, *sub))

    def at_key(self, key: str) -> Position:
        return self.doc.where_key((*self.path, key))


@dataclass(slots=True)
class _Validation:
    problems: list[Problem] = field(default_factory=list)
    records: dict[str, list[_Record]] = field(default_factory=lambda: {name: [] for name in SECTIONS})
    # Some file or section could not be read, so the ids it holds are unknown: reporting every
    # reference to them would bury the one real problem under dozens of false ones.
    incomplete: bool = False

    overrides: dict[Path, bytes] = field(default_factory=dict)  # planned contents of files, by resolved path
    read: dict[Path, bytes] = field(default_factory=dict)  # what was read, so nothing is read twice

    def read_bytes(self, file: Path) -> bytes:
        key = file.resolve()
        if key not in self.read:
            self.read[key] = self.overrides[key] if key in self.overrides else file.read_bytes()
        return self.read[key]

    def report(self, file: Path, where: Position, message: str) -> None:
        self.problems.append(Problem(display_path(file), where.line, where.column, message))


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    best = process.extractOne(word, list(choices), score_cutoff=70)
    return f" Did you mean {best[0]!r}?" if best else ""


def _check_field(v: _Validation, rec: _Record, spec: FieldSpec, value: Any, sub: Path_ = ()) -> None:
    """Check one field's value against its type; report in words a curator understands."""
    name = spec.name

    def at() -> Position:  # positions are worked out only for problems
        return rec.doc.where((*rec.path, *sub, name))

    def wrong(expected: str) -> None:
        v.report(rec.file, at(), f"`{name}` must be {expected}, not {_describe(value)}.")

    if spec.type in (FieldType.ID, FieldType.REF):
        if not isinstance(value, str) or not value:
            wrong("an id such as `evan-greer`")
        elif not set(value) <= _ID_CHARS or value.startswith("-"):
            v.report(rec.file, at(), f"`{name}` {value!r} must use only a-z, 0-9 and '-' ({ID_PATTERN}).")
    elif spec.type == FieldType.OPTIONAL_REF:
        if value is not None and (not isinstance(value, str) or not set(value) <= _ID_CHARS):
            wrong("an id such as `evan-greer`, or null")
    elif spec.type == FieldType.TEXT:
        if not isinstance(value, str) or not value.strip():
            wrong("some text")
    elif spec.type == FieldType.OPTIONAL_TEXT:
        if value is not None and not isinstance(value, str | int | float):
            wrong("some text, or null when unknown")
    elif spec.type in (FieldType.TEXT_LIST, FieldType.REF_LIST):
        if not isinstance(value, list):
            wrong("a list of text items (`[a, b]` or one `- item` a line)")
            return
        for i, item in enumerate(value):
            # Numbers are fine where text is expected (`keywords: [400, partnerships]`).
            if isinstance(item, bool) or not isinstance(item, str | int | float) or not str(item).strip():
                v.report(
                    rec.file,
                    rec.doc.where((*rec.path, *sub, name, i)),
                    f"each item of `{name}` must be text, not {_describe(item)}.",
                )
        if spec.required and not value:
            v.report(rec.file, at(), f"`{name}` is empty; add at least one item.")
    elif spec.type == FieldType.KIND:
        if value not in KINDS:
            v.report(rec.file, at(), f"`kind` must be `person` or `organisation`, not {_describe(value)}.")
    elif spec.type == FieldType.EVIDENCE_LIST:
        if not isinstance(value, list) or not value:
            wrong("a list of `- source: ...` / `excerpt: ...` items")
            return
        for i, item in enumerate(value):
            _check_mapping(v, rec, EVIDENCE_FIELDS, item, (*sub, name, i), "evidence item")


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "empty text" if not value.strip() else f"the text {value[:40]!r}"
    return f"{value!r}"


def _check_mapping(
    v: _Validation, rec: _Record, fields: tuple[FieldSpec, ...], data: Any, sub: Path_, what: str
) -> bool:
    if not isinstance(data, dict):
        v.report(rec.file, rec.doc.where((*rec.path, *sub)), f"each {what} must be a mapping of `field: value` lines.")
        return False
    known = {f.name: f for f in fields}
    for key in data:
        if key not in known:
            hint = _did_you_mean(key, known)
            v.report(
                rec.file,
                rec.doc.where_key((*rec.path, *sub, key)),
                f"unknown field `{key}` in {what}.{hint} Known fields: {', '.join(known)}.",
            )
    ok = True
    for spec in fields:
        if spec.name not in data:
            if spec.required:
                v.report(
                    rec.file,
                    rec.doc.where((*rec.path, *sub)),
                    f"{what} is missing required field `{spec.name}`: {spec.description}",
                )
                ok = False
            continue
        _check_field(v, rec, spec, data[spec.name], sub)
    return ok


def _read_file(v: _Validation, file: Path) -> Document | None:
    start = Position(1, 1)
    try:
        if file.resolve() not in v.overrides and file.stat().st_size > MAX_FILE_BYTES:
            v.report(file, start, f"file is larger than {MAX_FILE_BYTES // 2**20} MiB; split it into several files.")
            return None
        raw = v.read_bytes(file)
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Point at the offending character: its line, and its column counted in characters.
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        where = Position(raw.count(b"\n", 0, exc.start) + 1, column)
        v.report(file, where, f"file is not UTF-8 text (byte {exc.start}); save it as UTF-8.")
        v.incomplete = True
        return None
    except OSError as exc:
        v.report(file, start, f"cannot read the file: {exc.strerror}.")
        v.incomplete = True
        return None
    try:
        return load_document(text)
    except YamlProblem as exc:
        v.report(file, exc.position, f"{exc.message}. Fix the YAML here; the rest of the file was not read.")
        v.incomplete = True
        return None


def _collect(v: _Validation, file: Path, doc: Document) -> None:
    data = doc.data
    if data is None:
        return  # an empty file is allowed: a place to put things later
    if not isinstance(data, dict):
        v.report(file, doc.where(()), f"a knowledge file is a mapping with the sections {', '.join(SECTIONS)}.")
        v.incomplete = True
        return
    for section, items in data.items():
        if section not in SECTIONS:
            hint = _did_you_mean(section, SECTIONS)
            v.report(
                file, doc.where_key((section,)), f"unknown section `{section}`.{hint} Sections: {', '.join(SECTIONS)}."
            )
            v.incomplete = True
            continue
        if items is None:
            continue
        if not isinstance(items, list):
            v.report(file, doc.where((section,)), f"`{section}` must be a list of items, each starting with `- `.")
            continue
        for i, item in enumerate(items):
            rec = _Record(section, item if isinstance(item, dict) else {}, file, doc, (section, i))
            before = len(v.problems)
            _check_mapping(v, rec, SECTIONS[section], item, (), SINGULAR[section])
            rec.valid = len(v.problems) == before
            v.records[section].append(rec)


def _unique_ids(v: _Validation) -> dict[str, dict[str, _Record]]:
    by_id: dict[str, dict[str, _Record]] = {}
    for section, records in v.records.items():
        seen: dict[str, _Record] = {}
        for rec in records:
            ident = rec.data.get("id")
            if not isinstance(ident, str):
                continue
            if ident in seen:
                first = seen[ident]
                v.report(
                    rec.file,
                    rec.at("id"),
                    f"the {SINGULAR[section]} id `{ident}` is already used at "
                    f"{display_path(first.file)}:{first.at('id').line}; give this one another id.",
                )
                continue
            seen[ident] = rec
        by_id[section] = seen
    return by_id


def _check_ref(
    v: _Validation, rec: _Record, value: Any, section: str, known: dict[str, _Record], *sub: str | int
) -> bool:
    if value is None or not isinstance(value, str) or value in known:
        return True
    if v.incomplete:
        return False  # it may be defined in what could not be read, which is reported already
    hint = _did_you_mean(value, known)
    v.report(
        rec.file,
        rec.at(*sub),
        f"no {SINGULAR[section]} has the id `{value}`.{hint} Add it to `{section}` or correct the id.",
    )
    return False


def _source_texts(v: _Validation, sources: dict[str, _Record]) -> dict[str, SourceText]:
    texts: dict[str, SourceText] = {}
    for ident, rec in sources.items():
        inline, file_name = rec.data.get("text"), rec.data.get("text_file")
        if (inline is None) == (file_name is None):
            v.report(
                rec.file,
                rec.at(),
                "a source needs exactly one of `text` (the text itself) or `text_file` "
                "(a path to it, relative to this YAML file).",
            )
            continue
        if isinstance(inline, str):
            texts[ident] = SourceText.of(inline)
            continue
        if not isinstance(file_name, str):
            continue
        path = (rec.file.parent / file_name).resolve()
        try:
            texts[ident] = SourceText.of(v.read_bytes(path).decode("utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
            v.report(
                rec.file,
                rec.at("text_file"),
                f"cannot read `{file_name}` ({reason}); the path is relative to this YAML file.",
            )
    return texts


def _check_verbatim(v: _Validation, rec: _Record, words: str, text: SourceText, what: str, *sub: str | int) -> None:
    if text.contains(words):
        return
    passage = text.closest_passage(words)
    difference = first_difference(words, passage) if passage else None
    detail = f" First difference: {difference}." if difference else ""
    closest = f" The closest passage is: {passage!r}." if passage else ""
    v.report(
        rec.file,
        rec.at(*sub),
        f"{what} is not word for word in the source.{detail}{closest} Copy the words "
        f"exactly from the source (only spacing and curly/straight quotes may differ).",
    )


def _cross_check(v: _Validation) -> None:
    ids = _unique_ids(v)
    sources, people, quotes, entries = (ids[s] for s in ("sources", "people", "quotes", "entries"))
    texts = _source_texts(v, {k: r for k, r in sources.items() if r.valid})

    def valid(records: dict[str, _Record]) -> list[_Record]:
        return [rec for rec in records.values() if rec.valid]

    for rec in valid(people):
        affiliation = rec.data.get("affiliation")
        resolved = _check_ref(v, rec, affiliation, "people", people, "affiliation")
        if resolved and isinstance(affiliation, str) and people[affiliation].data.get("kind") == "person":
            v.report(
                rec.file,
                rec.at("affiliation"),
                f"`affiliation` must name an organisation; `{affiliation}` is a person.",
            )

    for rec in valid(quotes):
        _check_ref(v, rec, rec.data["speaker"], "people", people, "speaker")
        if rec.data["speaker"] is None and not rec.data.get("attribution_note"):
            v.report(
                rec.file,
                rec.at("speaker"),
                "an unattributed quote needs an `attribution_note` saying what the "
                "source does say about who spoke (e.g. 'the story says only \"he said\"').",
            )
        source = rec.data["source"]
        if _check_ref(v, rec, source, "sources", sources, "source") and source in texts:
            _check_verbatim(v, rec, str(rec.data["text"]), texts[source], "this quote", "text")

    phrasing_owner: dict[str, tuple[str, _Record, int]] = {}
    for rec in valid(entries):
        entry_id = rec.data["id"]
        for i, item in enumerate(rec.data.get("evidence") or []):
            if not isinstance(item, dict):
                continue
            source = item.get("source")
            if _check_ref(v, rec, source, "sources", sources, "evidence", i, "source") and source in texts:
                _check_verbatim(
                    v, rec, str(item.get("excerpt", "")), texts[source], "this excerpt", "evidence", i, "excerpt"
                )
        for i, ref in enumerate(rec.data.get("quotes") or []):
            _check_ref(v, rec, ref, "quotes", quotes, "quotes", i)
        for i, ref in enumerate(rec.data.get("about") or []):
            _check_ref(v, rec, ref, "people", people, "about", i)
        for i, question in enumerate(rec.data["questions"]):
            key = clean(str(question))
            if not key:
                v.report(rec.file, rec.at("questions", i), "this phrasing has no words in it; write the question out.")
                continue
            if key in phrasing_owner:
                owner, first, j = phrasing_owner[key]
                same = "this entry" if owner == entry_id else f"entry `{owner}`"
                v.report(
                    rec.file,
                    rec.at("questions", i),
                    f"the phrasing {question!r} already belongs to {same} "
                    f"({display_path(first.file)}:{first.at('questions', j).line}); keep it in one entry only.",
                )
                continue
            phrasing_owner[key] = (entry_id, rec, i)


def _text(value: Any) -> str | None:
    return None if value is None else " ".join(str(value).split())


def _build(v: _Validation, directory: Path, fingerprint: str) -> KnowledgeBase:
    sources: dict[str, Source] = {}
    for rec in v.records["sources"]:
        d = rec.data
        text = d.get("text")
        if text is None:
            text = v.read_bytes(rec.file.parent / d["text_file"]).decode("utf-8")
        sources[d["id"]] = Source(
            id=d["id"],
            title=" ".join(d["title"].split()),
            text=text,
            outlet=_text(d.get("outlet")),
            author=_text(d.get("author")),
            date=_text(d.get("date")),
            url=_text(d.get("url")),
            note=_text(d.get("note")),
        )
    speakers = {
        d["id"]: Speaker(
            id=d["id"],
            name=d["name"].strip(),
            kind=Kind.PERSON if d["kind"] == "person" else Kind.ORGANISATION,
            aliases=tuple(str(a).strip() for a in d.get("aliases") or ()),
            role=_text(d.get("role")),
            affiliation=d.get("affiliation"),
            description=_text(d.get("description")),
        )
        for d in (rec.data for rec in v.records["people"])
    }
    quotes = {
        d["id"]: Quote(
            id=d["id"],
            text=" ".join(d["text"].split()),
            source=d["source"],
            speaker=d["speaker"],
            attribution_note=_text(d.get("attribution_note")),
        )
        for d in (rec.data for rec in v.records["quotes"])
    }
    entries = {
        d["id"]: Entry(
            id=d["id"],
            questions=tuple(" ".join(str(q).split()) for q in d["questions"]),
            answer=" ".join(d["answer"].split()),
            evidence=tuple(Evidence(e["source"], " ".join(str(e["excerpt"]).split())) for e in d["evidence"]),
            keywords=tuple(str(k) for k in d.get("keywords") or ()),
            quotes=tuple(d.get("quotes") or ()),
            about=tuple(d.get("about") or ()),
        )
        for d in (rec.data for rec in v.records["entries"])
    }
    return KnowledgeBase(sources, speakers, quotes, entries, directory=str(directory), fingerprint=fingerprint)


def _fingerprint(v: _Validation, directory: Path) -> str:
    """A digest of every file the knowledge base was built from (YAML and source texts)."""
    digest = hashlib.sha256()
    root = directory.resolve()
    for path in sorted(v.read):
        digest.update(str(path.relative_to(root) if path.is_relative_to(root) else path).encode())
        digest.update(len(v.read[path]).to_bytes(8, "big"))
        digest.update(v.read[path])
    return digest.hexdigest()


def validate_knowledge(
    directory: Path, overrides: Mapping[Path, str] | None = None
) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Check a knowledge directory; return the knowledge base, or None and every problem found.

    `overrides` checks planned edits before they are written: file path → the text it would have
    (a new YAML file is included too).
    """
    v = _Validation(overrides={p.resolve(): t.encode("utf-8") for p, t in (overrides or {}).items()})
    if not directory.is_dir():
        v.report(directory, Position(1, 1), "no such knowledge directory; pass --kb with a folder of YAML files.")
        return None, v.problems
    files = knowledge_files(directory)
    planned = [
        p
        for p in (overrides or {})
        if p.suffix in (".yaml", ".yml") and p.resolve() not in {f.resolve() for f in files}
    ]
    files = sorted([*files, *planned])
    if not files:
        v.report(directory, Position(1, 1), "the folder has no .yaml files; it is not a knowledge directory.")
        return None, v.problems
    for file in files:
        doc = _read_file(v, file)
        if doc is not None:
            _collect(v, file, doc)
    _cross_check(v)
    if not v.problems and not v.records["sources"]:
        v.report(files[0], Position(1, 1), "no `sources` found; add at least one source with its text.")
    if v.problems:
        return None, sorted(v.problems)
    kb = _build(v, directory, _fingerprint(v, directory))
    log.info(
        "loaded %s: %d sources, %d people, %d quotes, %d entries",
        display_path(directory),
        len(kb.sources),
        len(kb.speakers),
        len(kb.quotes),
        len(kb.entries),
    )
    return kb, []


def load_knowledge(directory: Path | str) -> KnowledgeBase:
    """Load and validate a knowledge directory, or raise `KnowledgeError` listing every problem."""
    kb, problems = validate_knowledge(Path(directory))
    if kb is None:
        raise KnowledgeError(problems)
    return kb
