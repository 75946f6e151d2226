"""The story file's JSON Schema: generated from the library's rules, shipped, and in step with the loader."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from bot.knowledge import KnowledgeError, bundled_knowledge_dir
from bot.knowledge.library import load_library, story_schema, story_schema_text

SHIPPED = bundled_knowledge_dir() / "schema" / "story.schema.json"


def test_the_shipped_schema_is_the_generated_one() -> None:
    # If this fails, write story_schema_text() to the shipped file.
    assert SHIPPED.read_text(encoding="utf-8") == story_schema_text()
    Draft202012Validator.check_schema(story_schema())


def test_the_shipped_story_file_follows_it() -> None:
    data = yaml.safe_load((bundled_knowledge_dir() / "story.yaml").read_text(encoding="utf-8"))
    assert not list(Draft202012Validator(story_schema()).iter_errors(data))


@pytest.mark.parametrize(
    "text",
    [
        "story:\n  id: water\n  title: Water cuts\n",
        "story: {}\n",
        "story:\n  id: Water Cuts\n",
        "story:\n  colour: blue\n",
        "title: Water\n",
        "story:\n  title: ''\n",
    ],
)
def test_the_schema_and_the_loader_agree(library_dir: Path, text: str) -> None:
    (library_dir / "water" / "story.yaml").write_text(text, encoding="utf-8")
    schema_ok = not list(Draft202012Validator(story_schema()).iter_errors(yaml.safe_load(text)))
    try:
        load_library(library_dir)
        loader_ok = True
    except KnowledgeError:
        loader_ok = False
    assert schema_ok == loader_ok
