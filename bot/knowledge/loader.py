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
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from bot.knowledge.cross_check import cross_check, proven_files
from bot.knowledge.fields import check_mapping, shown
from bot.knowledge.files import Unreadable, real_path
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.naming import did_you_mean
from bot.knowledge.parsed import ParsedFiles
from bot.knowledge.problems import (
    MAX_PROBLEMS_KEPT,
    MAX_PROBLEMS_LISTED,
    KnowledgeError,
    Place,
    Problem,
    Problems,
    _Record,
    phrasing_key,
    problem_count,
)
from bot.knowledge.records import BUILDERS, LISTED
from bot.knowledge.schema import SECTIONS, SINGULAR
from bot.knowledge.validation import _file_name, _Validation, display_path
from bot.knowledge.yaml_positions import Position, YamlProblem, load_data

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
        fields, what, claims, build = SECTIONS[section], SINGULAR[section], v.claims[section], BUILDERS.get(section)
        as_before = v.as_before(index)  # its records passed these checks, by this code: they still do
        for i, item in enumerate(items):
            rec = _Record(item if isinstance(item, dict) else {}, index, (section, i))
            before = v.count
            if not as_before:
                check_mapping(v, rec, fields, item, (), what)
            valid = v.count == before
            if section in LISTED:
                built = LISTED[section](v, rec, valid)
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


# ------------------------------------------------------------------ across files, once all are read


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
