"""What the loader checks, and the compact records it keeps while checking.

`loader.py` reads each file and builds model objects; this module holds the checks it applies:
each field of a record against its type in `schema.py` (`_check_mapping`), and, once every file is
read, the references between records and the quotes and excerpts against their sources
(`_cross_check`). Problems are reported to the loader's `_Validation` by `Place` (file, path in
it), and their `file:line:column` is worked out at the end.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.answering.normalize import clean
from bot.knowledge.model import Entry, Source
from bot.knowledge.naming import did_you_mean
from bot.knowledge.schema import EVIDENCE_FIELDS, ID_PATTERN, KINDS, SECTIONS, SINGULAR, FieldSpec, FieldType
from bot.knowledge.verbatim import SourceText, first_difference
from bot.knowledge.yaml_positions import Path_

if TYPE_CHECKING:
    from bot.knowledge.loader import _Validation

_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")
# Stricter than the editor's suggestions: a curator's unknown field or section is shown a known one
# only when it is plainly a typo of it ("evidense" for "evidence"), not any short word.
SUGGEST_CUTOFF = 70

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


# ------------------------------------------------------------------ one record's fields


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    return did_you_mean(word, choices, cutoff=SUGGEST_CUTOFF, as_code=False)


def _check_id(v: _Validation, rec: _Record, spec: FieldSpec, value: Any, sub: Path_) -> None:
    if not isinstance(value, str) or not value:
        _wrong(v, rec, spec.name, value, sub, "an id such as `evan-greer`")
    elif not _ID_CHARS.issuperset(value) or value.startswith("-"):
        v.report(rec.at(*sub, spec.name), f"`{spec.name}` {value!r} must use only a-z, 0-9 and '-' ({ID_PATTERN}).")


def _check_text(v: _Validation, rec: _Record, spec: FieldSpec, value: Any, sub: Path_) -> None:
    if not isinstance(value, str) or not value.strip():
        _wrong(v, rec, spec.name, value, sub, "some text")


def _check_optional_text(v: _Validation, rec: _Record, spec: FieldSpec, value: Any, sub: Path_) -> None:
    if value is not None and not isinstance(value, str | int | float):
        _wrong(v, rec, spec.name, value, sub, "some text, or null when unknown")


def _check_optional_ref(v: _Validation, rec: _Record, spec: FieldSpec, value: Any, sub: Path_) -> None:
    if value is not None and (not isinstance(value, str) or not _ID_CHARS.issuperset(value)):
        _wrong(v, rec, spec.name, value, sub, "an id such as `evan-greer`, or null")


def _check_text_list(v: _Validation, rec: _Record, spec: FieldSpec, value: Any, sub: Path_) -> None:
    name = spec.name
    if not isinstance(value, list):
        _wrong(v, rec, name, value, sub, "a list of text items (`[a, b]` or one `- item` a line)")
        return
    for i, item in enumerate(value):
        # Numbers are fine where text is expected (`keywords: [400, partnerships]`).
        if type(item) is str and item and not item.isspace():
            continue  # the usual case, decided at once
        if isinstance(item, bool) or not isinstance(item, str | int | float) or not str(item).strip():
            v.report(rec.at(*sub, name, i), f"each item of `{name}` must be text, not {_describe(item)}.")
    if spec.required and not value:
        v.report(rec.at(*sub, name), f"`{name}` is empty; add at least one item.")


def _check_kind(v: _Validation, rec: _Record, spec: FieldSpec, value: Any, sub: Path_) -> None:
    if value not in KINDS:
        v.report(rec.at(*sub, spec.name), f"`kind` must be `person` or `organisation`, not {_describe(value)}.")


def _check_evidence_list(v: _Validation, rec: _Record, spec: FieldSpec, value: Any, sub: Path_) -> None:
    if not isinstance(value, list) or not value:
        _wrong(v, rec, spec.name, value, sub, "a list of `- source: ...` / `excerpt: ...` items")
        return
    for i, item in enumerate(value):
        _check_mapping(v, rec, EVIDENCE_FIELDS, item, (*sub, spec.name, i), "evidence item")


_FieldCheck = Callable[["_Validation", _Record, FieldSpec, Any, Path_], None]
_CHECKS: dict[FieldType, _FieldCheck] = {
    FieldType.ID: _check_id,
    FieldType.REF: _check_id,
    FieldType.TEXT: _check_text,
    FieldType.OPTIONAL_TEXT: _check_optional_text,
    FieldType.OPTIONAL_REF: _check_optional_ref,
    FieldType.TEXT_LIST: _check_text_list,
    FieldType.REF_LIST: _check_text_list,
    FieldType.KIND: _check_kind,
    FieldType.EVIDENCE_LIST: _check_evidence_list,
}


def _check_field(v: _Validation, rec: _Record, spec: FieldSpec, value: Any, sub: Path_ = ()) -> None:
    """Check one field's value against its type; report in words a curator understands."""
    _CHECKS[spec.type](v, rec, spec, value, sub)


def _wrong(v: _Validation, rec: _Record, name: str, value: Any, sub: Path_, expected: str) -> None:
    v.report(rec.at(*sub, name), f"`{name}` must be {expected}, not {_describe(value)}.")


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


# The fields of each table by name, looked up by the table's identity (hashing it would cost more).
_KNOWN_FIELDS = {id(fields): {spec.name: spec for spec in fields} for fields in (*SECTIONS.values(), EVIDENCE_FIELDS)}


def _check_mapping(
    v: _Validation, rec: _Record, fields: tuple[FieldSpec, ...], data: Any, sub: Path_, what: str
) -> bool:
    if not isinstance(data, dict):
        v.report(rec.at(*sub), f"each {what} must be a mapping of `field: value` lines.")
        return False
    known = _KNOWN_FIELDS[id(fields)]
    if not known.keys() >= data.keys():
        for key in data:
            if key not in known:
                hint = _did_you_mean(key, known)
                v.report(
                    rec.at_key(*sub, key), f"unknown field `{key}` in {what}.{hint} Known fields: {', '.join(known)}."
                )
    ok = True
    for spec in fields:
        if spec.name not in data:
            if spec.required:
                v.report(rec.at(*sub), f"{what} is missing required field `{spec.name}`: {spec.description}")
                ok = False
            continue
        _CHECKS[spec.type](v, rec, spec, data[spec.name], sub)  # `_check_field`, without a call between
    return ok


# ------------------------------------------------------------------ across files, once all are read


def _check_ref(v: _Validation, value: Any, section: str, claims: _Claims, ordinal: int, *sub: str | int) -> bool:
    """Whether `value` (in the record `ordinal` of `claims`, at `sub`) names a record of `section`."""
    known = v.claims[section].ids
    if value is None or not isinstance(value, str) or value in known:
        return True
    if v.incomplete:
        return False  # it may be defined in what could not be read, which is reported already
    hint = _did_you_mean(value, known)
    v.report(
        claims.at(ordinal, *sub),
        f"no {SINGULAR[section]} has the id `{value}`.{hint} Add it to `{section}` or correct the id.",
    )
    return False


def _not_verbatim(v: _Validation, words: str, text: SourceText, what: str, at: Place) -> None:
    """Report words that are not in the source, showing the passage most like them."""
    passage = text.closest_passage(words)
    difference = first_difference(words, passage) if passage else None
    detail = f" First difference: {difference}." if difference else ""
    closest = f" The closest passage is: {passage!r}." if passage else ""
    v.report(
        at,
        f"{what} is not word for word in the source.{detail}{closest} Copy the words "
        f"exactly from the source (only spacing and curly/straight quotes may differ).",
    )


class _SourceTexts(dict[str, SourceText | None]):
    """Each source's text, prepared for verbatim checks when first needed (None: the source has problems)."""

    def __init__(self, sources: _Claims) -> None:
        super().__init__()
        self._sources = sources

    def __missing__(self, source: str) -> SourceText | None:
        built: Source | None = self._sources.built[self._sources.ids[source]]
        text = self[source] = None if built is None else SourceText.of(built.text)
        return text


def _check_affiliations(v: _Validation) -> None:
    people = v.claims["people"]
    for ordinal, speaker in enumerate(people.built):
        if speaker is None:
            continue
        affiliation = speaker.affiliation
        resolved = _check_ref(v, affiliation, "people", people, ordinal, "affiliation")
        if resolved and isinstance(affiliation, str) and affiliation in v.person_ids:
            v.report(
                people.at(ordinal, "affiliation"),
                f"`affiliation` must name an organisation; `{affiliation}` is a person.",
            )


def _check_quotes(v: _Validation, texts: _SourceTexts) -> None:
    quotes = v.claims["quotes"]
    for ordinal, quote in enumerate(quotes.built):
        if quote is None:
            continue
        _check_ref(v, quote.speaker, "people", quotes, ordinal, "speaker")
        if _check_ref(v, quote.source, "sources", quotes, ordinal, "source"):
            text = texts[quote.source]
            if text is not None and not text.contains(quote.text):
                _not_verbatim(v, quote.text, text, "this quote", quotes.at(ordinal, "text"))


def _check_entries(v: _Validation, texts: _SourceTexts) -> None:
    entries, source_ids = v.claims["entries"], v.claims["sources"].ids
    for ordinal, entry in enumerate(entries.built):
        if entry is None:
            continue
        for i, evidence in enumerate(entry.evidence):
            source = evidence.source
            # The usual case first: a known source, without the call that would report it unknown.
            if source in source_ids or _check_ref(v, source, "sources", entries, ordinal, "evidence", i, "source"):
                text = texts[source]
                if text is not None and not text.contains(evidence.excerpt):
                    at = entries.at(ordinal, "evidence", i, "excerpt")
                    _not_verbatim(v, evidence.excerpt, text, "this excerpt", at)
        for i, ref in enumerate(entry.quotes):
            _check_ref(v, ref, "quotes", entries, ordinal, "quotes", i)
        for i, ref in enumerate(entry.about):
            _check_ref(v, ref, "people", entries, ordinal, "about", i)


def _cross_check(v: _Validation) -> None:
    """References between records, and quotes and excerpts against their sources' texts."""
    texts = _SourceTexts(v.claims["sources"])
    _check_affiliations(v)
    _check_quotes(v, texts)
    _check_entries(v, texts)
