"""Checking one record's fields against the schema, in words a curator understands.

The loader reads each knowledge file and hands every record here; a wrong value is reported at its own
`file:line:column`, and text echoed from the file is cut (`shown`): a folder is untrusted input.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.knowledge.naming import did_you_mean
from bot.knowledge.schema import EVIDENCE_FIELDS, ID_PATTERN, KINDS, SECTIONS, FieldSpec, FieldType
from bot.knowledge.yaml_positions import Path_

if TYPE_CHECKING:
    from bot.knowledge.problems import _Record
    from bot.knowledge.validation import _Validation

SHOWN_TEXT = 80  # characters of a key, id or value echoed in a message; a 50 MB key is shown cut
_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def shown(text: str) -> str:
    """Text from a knowledge file as a message quotes it: cut to `SHOWN_TEXT` characters."""
    return text if len(text) <= SHOWN_TEXT else text[: SHOWN_TEXT - 1] + "…"


def check_field(v: _Validation, rec: _Record, spec: FieldSpec, value: Any, sub: Path_ = ()) -> None:
    """Check one field's value against its type; report in words a curator understands."""
    _CHECKS[spec.type](v, rec, spec, value, sub)


def _check_id(v: _Validation, rec: _Record, spec: FieldSpec, value: Any, sub: Path_) -> None:
    name = spec.name
    if not isinstance(value, str) or not value:
        _wrong(v, rec, name, value, sub, "an id such as `ana-reyes`")
    elif not _ID_CHARS.issuperset(value) or value.startswith("-"):
        v.report(rec.at(*sub, name), f"`{name}` {shown(value)!r} must use only a-z, 0-9 and '-' ({ID_PATTERN}).")


def _check_text(v: _Validation, rec: _Record, spec: FieldSpec, value: Any, sub: Path_) -> None:
    if not isinstance(value, str) or not value.strip():
        _wrong(v, rec, spec.name, value, sub, "some text")


def _check_optional_text(v: _Validation, rec: _Record, spec: FieldSpec, value: Any, sub: Path_) -> None:
    if value is not None and not isinstance(value, str | int | float):
        _wrong(v, rec, spec.name, value, sub, "some text, or null when unknown")


def _check_optional_ref(v: _Validation, rec: _Record, spec: FieldSpec, value: Any, sub: Path_) -> None:
    if value is not None and (not isinstance(value, str) or not _ID_CHARS.issuperset(value)):
        _wrong(v, rec, spec.name, value, sub, "an id such as `ana-reyes`, or null")


def _check_list(v: _Validation, rec: _Record, spec: FieldSpec, value: Any, sub: Path_) -> None:
    name = spec.name
    if not isinstance(value, list):
        _wrong(v, rec, name, value, sub, "a list of text items (`[a, b]` or one `- item` a line)")
        return
    for i, item in enumerate(value):
        # Numbers are fine where text is expected (`keywords: [400, partnerships]`).
        if type(item) is str and item and not item.isspace():
            continue  # the usual case, decided at once
        if isinstance(item, bool) or not isinstance(item, str | int | float) or not str(item).strip():
            v.report(rec.at(*sub, name, i), f"each item of `{name}` must be text, not {describe(item)}.")
    if spec.required and not value:
        v.report(rec.at(*sub, name), f"`{name}` is empty; add at least one item.")


def _check_kind(v: _Validation, rec: _Record, spec: FieldSpec, value: Any, sub: Path_) -> None:
    if value not in KINDS:
        v.report(rec.at(*sub, spec.name), f"`kind` must be `person` or `organisation`, not {describe(value)}.")


def _check_evidence(v: _Validation, rec: _Record, spec: FieldSpec, value: Any, sub: Path_) -> None:
    if not isinstance(value, list) or not value:
        _wrong(v, rec, spec.name, value, sub, "a list of `- source: ...` / `excerpt: ...` items")
        return
    for i, item in enumerate(value):
        check_mapping(v, rec, EVIDENCE_FIELDS, item, (*sub, spec.name, i), "evidence item")


_CHECKS = {
    FieldType.ID: _check_id,
    FieldType.REF: _check_id,
    FieldType.TEXT: _check_text,
    FieldType.OPTIONAL_TEXT: _check_optional_text,
    FieldType.OPTIONAL_REF: _check_optional_ref,
    FieldType.TEXT_LIST: _check_list,
    FieldType.REF_LIST: _check_list,
    FieldType.KIND: _check_kind,
    FieldType.EVIDENCE_LIST: _check_evidence,
}


def _wrong(v: _Validation, rec: _Record, name: str, value: Any, sub: Path_, expected: str) -> None:
    v.report(rec.at(*sub, name), f"`{name}` must be {expected}, not {describe(value)}.")


def describe(value: Any) -> str:
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


def check_mapping(
    v: _Validation, rec: _Record, fields: tuple[FieldSpec, ...], data: Any, sub: Path_, what: str
) -> bool:
    if not isinstance(data, dict):
        v.report(rec.at(*sub), f"each {what} must be a mapping of `field: value` lines.")
        return False
    known = _KNOWN_FIELDS[id(fields)]
    if not known.keys() >= data.keys():
        for key in data:
            if key not in known:
                hint = "" if v.full else did_you_mean(key, known, as_code=False)
                v.report(
                    rec.at_key(*sub, key),
                    f"unknown field `{shown(str(key))}` in {what}.{hint} Known fields: {', '.join(known)}.",
                )
    ok = True
    for spec in fields:
        if spec.name not in data:
            if spec.required:
                v.report(rec.at(*sub), f"{what} is missing required field `{spec.name}`: {spec.description}")
                ok = False
            continue
        check_field(v, rec, spec, data[spec.name], sub)
    return ok
