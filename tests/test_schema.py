"""The JSON Schema shipped for editors: generated from the validator's own tables, and true of the shipped files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from bot.knowledge import bundled_knowledge_dir
from bot.knowledge.loader import knowledge_files
from bot.knowledge.schema import json_schema, json_schema_text
from bot.knowledge.yaml_positions import parse

KNOWLEDGE = bundled_knowledge_dir()
SHIPPED_SCHEMA = KNOWLEDGE / "schema" / "knowledge.schema.json"


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SHIPPED_SCHEMA.read_text(encoding="utf-8")))


def test_shipped_schema_is_the_generated_one() -> None:
    # If this fails, the schema tables changed: write json_schema_text() to the shipped file.
    assert SHIPPED_SCHEMA.read_text(encoding="utf-8") == json_schema_text()


def test_schema_is_a_valid_json_schema() -> None:
    Draft202012Validator.check_schema(json_schema())


def _as_read(path: Path) -> Any:
    # Read the way StoryBot reads it (dates stay the text the curator wrote), as editors do too.
    return parse(path.read_text(encoding="utf-8")).data


@pytest.mark.parametrize("path", knowledge_files(KNOWLEDGE), ids=lambda path: str(path.relative_to(KNOWLEDGE)))
def test_every_shipped_file_follows_the_schema(validator: Draft202012Validator, path: Path) -> None:
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(_as_read(path))]
    assert errors == []


def test_the_shipped_files_are_all_checked() -> None:
    names = {str(path.relative_to(KNOWLEDGE)) for path in knowledge_files(KNOWLEDGE)}
    assert {"sources.yaml", "people.yaml", "quotes.yaml"} <= names
    assert any(name.startswith("entries/") for name in names)


# (a knowledge file an editor should flag, why)
REFUSED: list[tuple[dict[str, Any], str]] = [
    ({"entrys": []}, "unknown section"),
    ({"entries": [{"id": "x", "questions": ["Q?"], "answr": "A", "evidence": []}]}, "misspelt field"),
    ({"entries": [{"id": "x", "questions": ["Q?"], "evidence": [{"source": "s", "excerpt": "e"}]}]}, "no answer"),
    ({"entries": [{"id": "x", "questions": ["Q?"], "answer": "A", "evidence": []}]}, "no evidence"),
    ({"people": [{"id": "Evan Greer", "name": "Evan Greer", "kind": "person"}]}, "id not kebab-case"),
    ({"people": [{"id": "x", "name": "X", "kind": "robot"}]}, "unknown kind"),
    ({"quotes": [{"id": "q", "text": "words", "source": "s"}]}, "quote without speaker"),
    ({"quotes": [{"id": "q", "speaker": None, "text": "", "source": "s"}]}, "empty quote"),
    ({"sources": [{"id": "s", "title": "T", "text": "x", "colour": "red"}]}, "unknown source field"),
]


@pytest.mark.parametrize(("document", "why"), REFUSED, ids=[why for _, why in REFUSED])
def test_schema_flags_what_the_validator_refuses(
    validator: Draft202012Validator, document: dict[str, Any], why: str
) -> None:
    assert not validator.is_valid(document), why


def test_schema_accepts_an_unattributed_quote_and_unknown_outlet(validator: Draft202012Validator) -> None:
    document = {
        "sources": [{"id": "s", "title": "T", "text": "words", "outlet": None, "date": "2020-06"}],
        "quotes": [{"id": "q", "speaker": None, "text": "words", "source": "s", "attribution_note": "Not said."}],
    }
    assert validator.is_valid(document)
