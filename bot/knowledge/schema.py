"""The shape of a knowledge file, declared once.

The validator checks files against these tables, and `json_schema()` turns the same tables into
the JSON Schema shipped in `knowledge/schema/` for editors, so the two never drift apart
(a test compares them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


class FieldType(StrEnum):
    ID = "id"  # a kebab-case identifier
    TEXT = "text"  # a non-empty string
    OPTIONAL_TEXT = "optional text"  # a string, or null when unknown
    TEXT_LIST = "text list"  # a list of non-empty strings
    REF = "reference"  # the id of something else (which kind: `refers_to`)
    OPTIONAL_REF = "optional reference"
    REF_LIST = "reference list"
    KIND = "kind"  # person | organisation
    EVIDENCE_LIST = "evidence list"  # a list of {source, excerpt}


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    type: FieldType
    required: bool
    description: str
    refers_to: str | None = None  # section whose ids a reference must name


SECTIONS: dict[str, tuple[FieldSpec, ...]] = {
    "sources": (
        FieldSpec("id", FieldType.ID, True, "Unique id, e.g. `city-budget-2024`."),
        FieldSpec("title", FieldType.TEXT, True, "Title readers see when the source is named."),
        FieldSpec("text_file", FieldType.TEXT, False, "Path of the verbatim text, relative to this YAML file."),
        FieldSpec("text", FieldType.TEXT, False, "The verbatim text itself (instead of `text_file`)."),
        FieldSpec("outlet", FieldType.OPTIONAL_TEXT, False, "Publication; null when the source does not say."),
        FieldSpec("author", FieldType.OPTIONAL_TEXT, False, "Author; null when unknown."),
        FieldSpec("date", FieldType.OPTIONAL_TEXT, False, "Publication date as written, e.g. `2020-06-10`."),
        FieldSpec("url", FieldType.OPTIONAL_TEXT, False, "Link to the original; null when unknown."),
        FieldSpec("note", FieldType.OPTIONAL_TEXT, False, "Anything a reader should know about the source."),
    ),
    "people": (
        FieldSpec("id", FieldType.ID, True, "Unique id, e.g. `jane-doe`."),
        FieldSpec("name", FieldType.TEXT, True, "Display name, as the source gives it."),
        FieldSpec("kind", FieldType.KIND, True, "`person` or `organisation`."),
        FieldSpec("aliases", FieldType.TEXT_LIST, False, "Other names readers use: surname, short forms."),
        FieldSpec("role", FieldType.OPTIONAL_TEXT, False, "Role or title, as far as the source says."),
        FieldSpec("affiliation", FieldType.OPTIONAL_REF, False, "Id of an organisation in `people`.", "people"),
        FieldSpec("description", FieldType.OPTIONAL_TEXT, False, "One line on who or what this is."),
    ),
    "quotes": (
        FieldSpec("id", FieldType.ID, True, "Unique id, e.g. `doe-on-the-budget`."),
        FieldSpec(
            "speaker", FieldType.OPTIONAL_REF, True, "Id in `people`, or null if the source doesn't say.", "people"
        ),
        FieldSpec("text", FieldType.TEXT, True, "The words, copied verbatim from the source."),
        FieldSpec("source", FieldType.REF, True, "Id of the source the words are in.", "sources"),
        FieldSpec("attribution_note", FieldType.OPTIONAL_TEXT, False, "What the source says about who spoke."),
    ),
    "entries": (
        FieldSpec("id", FieldType.ID, True, "Unique id, e.g. `who-votes-first`."),
        FieldSpec("questions", FieldType.TEXT_LIST, True, "Ways readers ask this; each belongs to one entry only."),
        FieldSpec("answer", FieldType.TEXT, True, "The short curated answer."),
        FieldSpec("evidence", FieldType.EVIDENCE_LIST, True, "Verbatim excerpts of sources that support it."),
        FieldSpec("keywords", FieldType.TEXT_LIST, False, "Distinctive words or phrases that point here."),
        FieldSpec("quotes", FieldType.REF_LIST, False, "Ids of related quotes.", "quotes"),
        FieldSpec("about", FieldType.REF_LIST, False, "Ids of the people and organisations it is about.", "people"),
    ),
    "vocabulary": (
        FieldSpec("means", FieldType.TEXT, True, "A word or phrase of the story, e.g. `city council`."),
        FieldSpec(
            "words",
            FieldType.TEXT_LIST,
            True,
            "Words and phrases readers use for it in this story; each is read as `means`.",
        ),
    ),
    "examples": (FieldSpec("question", FieldType.TEXT, True, "A question /help offers readers as an example."),),
}

EVIDENCE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("source", FieldType.REF, True, "Id of the source.", "sources"),
    FieldSpec("excerpt", FieldType.TEXT, True, "Words copied verbatim from the source."),
)

SINGULAR = {
    "sources": "source",
    "people": "person or organisation",
    "quotes": "quote",
    "entries": "entry",
    "vocabulary": "vocabulary item",
    "examples": "example",
}
KINDS = ("person", "organisation", "organization")


def _field_schema(spec: FieldSpec) -> dict[str, Any]:
    text: dict[str, Any] = {"type": "string", "minLength": 1}
    nullable: dict[str, Any] = {"type": ["string", "null"]}
    ident: dict[str, Any] = {"type": "string", "pattern": ID_PATTERN}
    if spec.type == FieldType.EVIDENCE_LIST:
        shape: dict[str, Any] = {"type": "array", "minItems": 1, "items": _object_schema(EVIDENCE_FIELDS)}
    else:
        shape = {
            FieldType.ID: ident,
            FieldType.REF: ident,
            FieldType.TEXT: text,
            FieldType.OPTIONAL_TEXT: nullable,
            FieldType.TEXT_LIST: {"type": "array", "items": {"type": ["string", "number"], "minLength": 1}},
            FieldType.OPTIONAL_REF: {"type": ["string", "null"], "pattern": ID_PATTERN},
            FieldType.REF_LIST: {"type": "array", "items": ident},
            FieldType.KIND: {"enum": list(KINDS)},
        }[spec.type]
    return {"description": spec.description, **shape}


def _object_schema(fields: tuple[FieldSpec, ...]) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [f.name for f in fields if f.required],
        "properties": {f.name: _field_schema(f) for f in fields},
    }


def json_schema() -> dict[str, Any]:
    """The JSON Schema of one knowledge file (for editors' completion and checking)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "StoryBot knowledge file",
        "description": "One YAML file of a StoryBot knowledge directory. Every section is optional.",
        "type": "object",
        "additionalProperties": False,
        "properties": {name: {"type": "array", "items": _object_schema(fields)} for name, fields in SECTIONS.items()},
    }


def json_schema_text() -> str:
    """The shipped `knowledge/schema/knowledge.schema.json`, byte for byte."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
