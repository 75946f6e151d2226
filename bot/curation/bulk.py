"""Bulk curation through a spreadsheet: entries exported to CSV, edited, and imported back whole.

One row an entry, in the columns `id`, `phrasings` (one a line, in one cell), `answer`, `evidence` (one
excerpt a line) and `source` (the evidence's source: one for all its lines, one a line, or empty when the
knowledge base has a single source). The file is what Excel and LibreOffice read and write: UTF-8 with a
byte-order mark (tolerated, not required), CRLF line ends, quoted cells holding new lines; a `;` delimiter
(European spreadsheets) is recognised too.

An import is all or nothing. Every row is read first; then the knowledge directory is validated as a whole
with the planned files in place (the loader's validation with overrides, as every edit is), so an answer the
evidence does not back, a misquoted excerpt or a phrasing another entry has refuses the import, each problem
given as `file.csv:row:column: what is wrong`. Only then are the files replaced (each atomically, all under
the editors' lock) and one audit record written. Rows whose id is new become entries in the moderators' file;
entries the file leaves out are kept as they are (an import never removes anything).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bot.curation.editing import DEFAULT_ENTRY_FILE, LOCK_NAME
from bot.curation.roundtrip import dump, load_round_trip, styled
from bot.curation.store import Store
from bot.knowledge.files import write_atomically
from bot.knowledge.loader import Problem, knowledge_files, phrasing_key, validate_knowledge
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.yaml_positions import parse

__all__ = ["COLUMNS", "ImportRefused", "Imported", "export_csv", "import_csv"]

COLUMNS = ("id", "phrasings", "answer", "evidence", "source")
REQUIRED = ("id", "phrasings", "answer", "evidence")
_FIELD_COLUMN = {"id": "id", "questions": "phrasings", "answer": "answer", "evidence": "evidence"}
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_BOM = "\ufeff"
ANSWER_COLUMN = 4  # where an entry's `answer:` key sits (`  - id:`, then `    answer:`)
EXCERPT_COLUMN = 8  # and an evidence item's `excerpt:` key
NEW_FILE_COMMENT = "Entries added by moderators. Edit it by hand freely; `storybot validate` checks it."
LOCK_TIMEOUT = 10.0  # seconds to wait for a moderator's edit in progress


class ImportRefused(Exception):
    """Nothing was changed; `problems` says where in the CSV (or the knowledge files) and why."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        super().__init__(
            "\n".join([*self.problems, f"{count} problem{'s' if count != 1 else ''} found; nothing was imported."])
        )


@dataclass(frozen=True, slots=True)
class Imported:
    """What an import changed, and the audit record that says so (None when nothing changed)."""

    change_id: int | None
    added: tuple[str, ...]
    changed: tuple[str, ...]
    unchanged: int
    files: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Row:
    number: int  # as a spreadsheet numbers it: the header is row 1
    id: str
    phrasings: tuple[str, ...]
    answer: str
    evidence: tuple[tuple[str, str], ...]  # (source id, excerpt)


# ---------------------------------------------------------------------- export


def export_csv(kb: KnowledgeBase) -> str:
    """Every entry as one CSV row, for a spreadsheet: with a byte-order mark, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for entry in kb.entries.values():
        sources = list(dict.fromkeys(e.source for e in entry.evidence))
        source = sources[0] if len(sources) == 1 else "\n".join(e.source for e in entry.evidence)
        writer.writerow(
            [entry.id, "\n".join(entry.questions), entry.answer, "\n".join(e.excerpt for e in entry.evidence), source]
        )
    return _BOM + out.getvalue()


# ---------------------------------------------------------------------- reading the CSV


def _lines(cell: str) -> list[str]:
    return [" ".join(line.split()) for line in cell.splitlines() if line.strip()]


def _read_rows(data: bytes, name: str, kb: KnowledgeBase) -> list[_Row]:
    """The rows of a CSV file, checked one by one; raises `ImportRefused` with every problem found."""
    records = _csv_records(_decoded(data, name), name)
    reader = _RowReader(name, kb, _column_indexes(records[0], name))
    rows = [
        row for number, record in enumerate(records[1:], start=2) if (row := reader.read(number, record)) is not None
    ]
    problems = reader.problems or _shared_phrasings(rows, kb, name, reader.column_of("phrasings"))
    if problems:
        raise ImportRefused(problems)
    return rows


def _decoded(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data.count(b"\n", 0, exc.start) + 1
        raise ImportRefused([f"{name}:{row}:1: the file is not UTF-8 text; save it as CSV UTF-8."]) from None


def _csv_records(text: str, name: str) -> list[list[str]]:
    """The file's records, header first, split at `,` or at `;` when the header has more of those."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise ImportRefused([f"{name}:1:1: the file is not CSV a spreadsheet can read ({exc})."]) from None
    if not records:
        raise ImportRefused([f"{name}:1:1: the file is empty; export one with `storybot export --format csv`."])
    return records


def _column_indexes(header_record: list[str], name: str) -> dict[str, int]:
    """Where each known column is (title -> index); an unknown or a missing required column refuses the file."""
    header = [cell.strip().lower() for cell in header_record]
    problems: list[str] = []
    for column, title in enumerate(header, start=1):
        if title and title not in COLUMNS:
            problems.append(f"{name}:1:{column}: unknown column {title!r}; the columns are {', '.join(COLUMNS)}.")
    missing = [title for title in REQUIRED if title not in header]
    if missing:
        problems.append(f"{name}:1:1: the header lacks {', '.join(missing)}; the columns are {', '.join(COLUMNS)}.")
    if problems:
        raise ImportRefused(problems)
    return {title: header.index(title) for title in COLUMNS if title in header}


class _RowReader:
    """Reads the rows after the header one at a time, gathering the problems of them all in `problems`."""

    def __init__(self, name: str, kb: KnowledgeBase, at: dict[str, int]) -> None:
        self.name = name
        self.kb = kb
        self.at = at
        self.only_source = next(iter(kb.sources)) if len(kb.sources) == 1 else None
        self.problems: list[str] = []
        self.seen: dict[str, int] = {}  # id -> the row it is in

    def column_of(self, title: str) -> int:
        """The column a spreadsheet shows `title` in (counted from 1; 1 when the file lacks it)."""
        return self.at.get(title, 0) + 1

    def read(self, number: int, record: list[str]) -> _Row | None:
        """Row `number` checked: None when it is blank or its sources are wrong (every problem noted)."""
        if not any(cell.strip() for cell in record):
            return None  # a blank row, as spreadsheets leave at the end
        cells = {title: record[index] if index < len(record) else "" for title, index in self.at.items()}
        ident = self._ident(number, cells.get("id", "").strip())
        phrasings = _lines(cells.get("phrasings", ""))
        if not phrasings:
            self._problem(number, "phrasings", "give at least one phrasing, one a line in the cell.")
        answer = " ".join(cells.get("answer", "").split())
        if not answer:
            self._problem(number, "answer", "the answer is empty; write the short answer readers will see.")
        excerpts = _lines(cells.get("evidence", ""))
        if not excerpts:
            self._problem(
                number, "evidence", "give at least one excerpt copied word for word from the source, one a line."
            )
        sources = self._sources(number, _lines(cells.get("source", "")), len(excerpts))
        if sources is None:
            return None
        paired = tuple(zip(sources * len(excerpts) if len(sources) == 1 else sources, excerpts, strict=False))
        return _Row(number, ident, tuple(phrasings), answer, paired)

    def _problem(self, number: int, title: str, message: str) -> None:
        self.problems.append(f"{self.name}:{number}:{self.column_of(title)}: {message}")

    def _ident(self, number: int, ident: str) -> str:
        """The row's id, a malformed one or one an earlier row has noted."""
        if not _ID.match(ident):
            self._problem(number, "id", f"the id {ident!r} must use only a-z, 0-9 and '-', e.g. `ring-police-deals`.")
        elif ident in self.seen:
            self._problem(number, "id", f"the id `{ident}` is also in row {self.seen[ident]}; give each entry one row.")
        else:
            self.seen[ident] = number
        return ident

    def _sources(self, number: int, sources: list[str], excerpts: int) -> list[str] | None:
        """The evidence's sources as the row gives them (or the only source there is); None, noted, when wrong."""
        sources = sources or ([self.only_source] if self.only_source else [])
        known = self.kb.sources
        if not sources:
            self._problem(
                number, "source", f"say which source the evidence is from: one of {', '.join(sorted(known))}."
            )
            return None
        unknown = [s for s in sources if s not in known]
        if unknown:
            self._problem(
                number, "source", f"no source has the id `{unknown[0]}`; the sources are {', '.join(sorted(known))}."
            )
            return None
        if len(sources) not in (1, excerpts):
            self._problem(number, "source", "give one source for all the evidence, or one a line for each excerpt.")
            return None
        return sources


def _shared_phrasings(rows: Sequence[_Row], kb: KnowledgeBase, name: str, column: int) -> list[str]:
    """Phrasings that two entries would have after the import: each may belong to one entry only."""
    owner: dict[str, str] = {}
    imported = {row.id for row in rows}
    for entry in kb.entries.values():
        if entry.id not in imported:
            for question in entry.questions:
                owner.setdefault(phrasing_key(question), entry.id)
    problems: list[str] = []
    had = {row.id: {phrasing_key(q) for q in kb.entries[row.id].questions} for row in rows if row.id in kb.entries}
    # Phrasings an entry already had keep it; a phrasing new to an entry is the one reported.
    for row in rows:
        for key in had.get(row.id, set()).intersection(phrasing_key(p) for p in row.phrasings):
            owner.setdefault(key, row.id)
    for row in rows:
        for phrasing in row.phrasings:
            key = phrasing_key(phrasing)
            other = owner.setdefault(key, row.id)
            if other != row.id:
                problems.append(
                    f"{name}:{row.number}:{column}: the phrasing {phrasing!r} also belongs to entry `{other}`; "
                    "keep it in one entry only."
                )
    return problems


# ---------------------------------------------------------------------- planning the files


def _entry_data(row: _Row, item: CommentedMap | None = None) -> CommentedMap:
    """A new entry's data, or `item` changed to what `row` says; what is unchanged is left as it was written."""
    if item is None:
        item = CommentedMap([("id", row.id), ("questions", CommentedSeq())])
    old = [" ".join(str(q).split()) for q in item.get("questions") or []]
    if old != list(row.phrasings):
        if old and list(row.phrasings[: len(old)]) == old:  # phrasings added at the end: keep the list
            item["questions"].extend(row.phrasings[len(old) :])
        else:
            item["questions"] = CommentedSeq(row.phrasings)
    if " ".join(str(item.get("answer", "")).split()) != row.answer:
        item["answer"] = styled(row.answer, "answer", ANSWER_COLUMN)
    evidence = [
        (str(e.get("source")), " ".join(str(e.get("excerpt", "")).split()))
        for e in item.get("evidence") or []
        if isinstance(e, dict)
    ]
    if evidence != list(row.evidence):
        item["evidence"] = CommentedSeq(
            CommentedMap([("source", s), ("excerpt", styled(e, "excerpt", EXCERPT_COLUMN))]) for s, e in row.evidence
        )
    return item


def _plan(directory: Path, kb: KnowledgeBase, rows: Sequence[_Row]) -> tuple[dict[str, str], list[str], list[str]]:
    """The new text of each file the import changes (relative path → text), and the ids added and changed."""
    wanted = {row.id: row for row in rows}
    changed = {row.id for row in rows if row.id in kb.entries and _differs(kb, row)}
    planned = _changed_files(directory, changed, wanted)
    added = [row.id for row in rows if row.id not in kb.entries]
    if added:
        # The moderators' file as this import leaves it: its changed entries, if it has any, kept.
        file = directory / DEFAULT_ENTRY_FILE
        existing = planned.get(DEFAULT_ENTRY_FILE) or (file.read_text(encoding="utf-8") if file.exists() else "")
        planned[DEFAULT_ENTRY_FILE] = _with_new_entries(existing, [wanted[i] for i in added])
    return planned, added, sorted(changed, key=lambda ident: wanted[ident].number)


def _differs(kb: KnowledgeBase, row: _Row) -> bool:
    """Whether the row says something else than the entry of its id does."""
    entry = kb.entries[row.id]
    evidence = tuple((e.source, e.excerpt) for e in entry.evidence)
    return (entry.questions, entry.answer, evidence) != (row.phrasings, row.answer, row.evidence)


def _changed_files(directory: Path, changed: set[str], wanted: dict[str, _Row]) -> dict[str, str]:
    """The new text of each knowledge file holding an entry the import changes (relative path → text)."""
    planned: dict[str, str] = {}
    for path in knowledge_files(directory):
        text = path.read_text(encoding="utf-8")
        if not any(ident in text for ident in changed):
            continue  # cheaply passed over: no id of a changed entry is even in the text
        data = load_round_trip(text)
        touched = False
        for item in (data.get("entries") or []) if isinstance(data, dict) else []:
            ident = item.get("id") if isinstance(item, dict) else None
            if ident in changed:
                _entry_data(wanted[ident], item)
                touched = True
        if touched:
            planned[path.relative_to(directory).as_posix()] = dump(data)
    return planned


def _with_new_entries(existing: str, rows: Sequence[_Row]) -> str:
    """The moderators' file's text with the rows' entries added at its end (a new file when it is empty)."""
    data = load_round_trip(existing) if existing.strip() else None
    if not isinstance(data, dict):
        data = CommentedMap()
        data.yaml_set_start_comment(NEW_FILE_COMMENT)
    entries = data.setdefault("entries", CommentedSeq())
    for row in rows:
        entries.append(_entry_data(row))
    return dump(data)


def _where_in_csv(problem: Problem, planned: dict[Path, str], rows: dict[str, _Row], name: str) -> str | None:
    """A validation problem in a planned file, as the CSV row and column it came from (None: not from a row)."""
    file, line, column = Path(problem.file).resolve(), problem.line, problem.column
    if file not in planned:
        # A problem found at an old record because of a new one ("already belongs to entry x (file:line)"):
        # the new one is where the message points.
        for planned_file in planned:
            for shown in re.findall(rf"([^\s(]*{re.escape(planned_file.name)}):(\d+)\b", problem.message):
                if Path(shown[0]).resolve() == planned_file:
                    file, line, column = planned_file, int(shown[1]), 0
    text = planned.get(file)
    if text is None:
        return None
    located = parse(text)
    paths = [p for p, at in located.values.items() if at.line == line and column in (0, at.column)]
    path = max(paths, key=len, default=())
    if len(path) < 2 or path[0] != "entries" or not isinstance(path[1], int):
        return None
    item = located.data["entries"][path[1]]
    row = rows.get(str(item.get("id"))) if isinstance(item, dict) else None
    if row is None:
        return None
    column = COLUMNS.index(_FIELD_COLUMN.get(str(path[2]) if len(path) > 2 else "id", "id")) + 1
    return f"{name}:{row.number}:{column}: {problem.message}"


# ---------------------------------------------------------------------- applying


def import_csv(
    directory: Path,
    store: Store,
    csv_file: Path,
    *,
    user_name: str | None = None,
    user_id: int | None = None,
    lock_timeout: float = LOCK_TIMEOUT,
) -> Imported:
    """Import a CSV of entries into `directory` as one change, or raise `ImportRefused` having written nothing."""
    name = csv_file.name
    try:
        data = csv_file.read_bytes()
    except OSError as exc:
        raise ImportRefused([f"{name}:1:1: cannot read the file ({exc.strerror})."]) from None
    lock = FileLock(directory / LOCK_NAME, timeout=lock_timeout)
    try:
        lock.acquire()
    except Timeout:
        raise ImportRefused([f"{name}:1:1: another edit of the knowledge base is being saved; try again."]) from None
    try:
        kb, problems = validate_knowledge(directory)
        if kb is None:
            raise ImportRefused(
                ["the knowledge base has problems of its own; fix them first:", *(str(p) for p in problems)]
            )
        rows = _read_rows(data, name, kb)
        planned, added, changed = _plan(directory, kb, rows)
        if not planned:
            return Imported(None, (), (), len(rows), ())
        overrides = {(directory / file).resolve(): text for file, text in planned.items()}
        checked, problems = validate_knowledge(directory, {directory / f: t for f, t in planned.items()})
        if checked is None:
            by_id = {row.id: row for row in rows}
            raise ImportRefused(_where_in_csv(p, overrides, by_id, name) or f"after import: {p}" for p in problems)
        before = {file: _read(directory / file) for file in planned}
        summary = f"imported {name}: {len(added)} entries added, {len(changed)} changed"
        files = sorted(planned)
        single = len(files) == 1
        # One file: an ordinary change, which `undo` reverts. Several: one record of them all, kept for the history.
        change_id = store.record_change(
            at=datetime.now(UTC),
            user_id=user_id,
            user_name=user_name,
            action="import",
            target=name,
            summary=summary,
            file=files[0] if single else f"import of {', '.join(files)}",
            before=before[files[0]] if single else json.dumps(before, ensure_ascii=False),
            after=planned[files[0]] if single else json.dumps(planned, ensure_ascii=False),
            pending=True,
        )
        try:
            for file in files:
                write_atomically(directory / file, planned[file])
        except OSError as exc:
            for file in files:  # put back what was already replaced
                with suppress(OSError):
                    if before[file]:
                        write_atomically(directory / file, before[file])
                    else:
                        (directory / file).unlink(missing_ok=True)
            store.drop_change(change_id)
            raise ImportRefused(
                [f"{name}:1:1: the files could not be written ({exc.strerror}); nothing changed."]
            ) from None
        store.finish_change(change_id)
        return Imported(change_id, tuple(added), tuple(changed), len(rows) - len(added) - len(changed), tuple(files))
    finally:
        lock.release()


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
