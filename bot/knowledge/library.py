"""A library of stories: every story folder under a knowledge directory, each loaded on its own.

A story is a folder of knowledge files (`sources`, `people`, `quotes`, `entries`, as files or folders).
A knowledge directory is either one story itself (its files at the top level: the shipped layout), or a
folder of story folders, one level down:

    knowledge/                    knowledge/
      sources.yaml                  riverside/
      entries/...                     story.yaml      (optional: id and title)
                                      sources.yaml ...
                                    water/
                                      sources.yaml ...

Each story is loaded with `load_knowledge`, so ids are scoped to their story: two stories may both have
an entry `story-overview`, and every reference resolves within its own story. A person who appears in
two stories is declared in each (their quotes and roles differ from story to story anyway). Problems
keep their `file:line:column`, and the problems of every story are reported together.

A story's id is the one declared in its `story.yaml` (`story: {id, title}`), or its folder's name made
into an id; its title is the declared one, or its first source's title.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.loader import STORY_FILE, KnowledgeError, Problem, display_path, validate_knowledge
from bot.knowledge.model import KnowledgeBase

log = logging.getLogger(__name__)

_STORY_KEYS = ("id", "title")
_KNOWLEDGE_NAMES = ("sources", "people", "quotes", "entries")  # a folder holding any of these is a story
_NOT_ID = re.compile(r"[^a-z0-9]+")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class Story:
    """One story of a library: its id, its title, its own knowledge base and where it lives."""

    id: str
    title: str
    kb: KnowledgeBase
    directory: Path


@dataclass(frozen=True, slots=True)
class Library:
    """Every story of a knowledge directory by id, in folder order (the first is the default story)."""

    stories: dict[str, Story]
    directory: Path

    def __iter__(self) -> Iterator[Story]:
        return iter(self.stories.values())

    def __len__(self) -> int:
        return len(self.stories)

    @property
    def default(self) -> Story:
        return next(iter(self.stories.values()))

    def get(self, story_id: str) -> Story | None:
        return self.stories.get(story_id)


def story_schema() -> dict[str, Any]:
    """The JSON Schema of a story file, for editors; the same rules `_declared` checks."""
    text = {"type": "string", "minLength": 1}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "StoryBot story file (story.yaml)",
        "description": "A story's id and title; both optional (default: the folder's name, the first source's title).",
        "type": "object",
        "required": ["story"],
        "additionalProperties": False,
        "properties": {
            "story": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "id": {**text, "pattern": _ID.pattern, "description": "a-z, 0-9 and single hyphens"},
                    "title": {**text, "description": "The title readers see, e.g. in /ask story:"},
                },
            }
        },
    }


def story_schema_text() -> str:
    """The shipped `knowledge/schema/story.schema.json`, byte for byte."""
    return json.dumps(story_schema(), indent=2, ensure_ascii=False) + "\n"


def story_id_for(name: str) -> str:
    """A folder name as a story id: 'Riverside Water' → 'riverside-water'."""
    return _NOT_ID.sub("-", name.lower()).strip("-") or "story"


def is_story_folder(folder: Path) -> bool:
    """Whether a folder holds a story's own files at its top level."""
    if (folder / STORY_FILE).is_file():
        return True
    for name in _KNOWLEDGE_NAMES:
        if any((folder / f"{name}{suffix}").is_file() for suffix in (".yaml", ".yml")):
            return True
        sub = folder / name
        if sub.is_dir() and any(p.suffix in (".yaml", ".yml") for p in sub.rglob("*")):
            return True
    return False


def story_folders(directory: Path) -> list[Path]:
    """The story folders of a knowledge directory: itself when it is one, else its story subfolders."""
    if is_story_folder(directory):
        return [directory]
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_dir() and not p.name.startswith(".") and is_story_folder(p))


def _declared(folder: Path, problems: list[Problem]) -> dict[str, str]:
    """The `story:` mapping of a folder's story.yaml (empty when there is none or it is invalid)."""
    file = folder / STORY_FILE
    if not file.is_file():
        return {}
    shown = display_path(file)
    try:
        data: Any = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(shown, 1, 1, f"cannot read the story file: {exc}."))
        return {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problems.append(Problem(shown, line, column, f"{exc.problem or 'invalid YAML'}. Fix the YAML here."))
        return {}
    story = data.get("story") if isinstance(data, dict) else None
    if not isinstance(data, dict) or set(data) != {"story"} or not isinstance(story, dict):
        problems.append(Problem(shown, 1, 1, "a story file holds one mapping: `story: {id: ..., title: ...}`."))
        return {}
    declared: dict[str, str] = {}
    for key, value in story.items():
        if key not in _STORY_KEYS:
            problems.append(Problem(shown, 1, 1, f"unknown story field `{key}`; a story has {', '.join(_STORY_KEYS)}."))
        elif not isinstance(value, str) or not value.strip():
            problems.append(Problem(shown, 1, 1, f"the story's `{key}` must be non-empty text."))
        else:
            declared[key] = value.strip()
    if "id" in declared and not _ID.match(declared["id"]):
        problems.append(
            Problem(shown, 1, 1, f"the story id `{declared['id']}` may use only a-z, 0-9 and single hyphens.")
        )
        del declared["id"]
    return declared


def load_story(folder: Path, problems: list[Problem]) -> Story | None:
    """One story folder, loaded; its problems are added to `problems` (None when there are any)."""
    declared = _declared(folder, problems)
    kb, found = validate_knowledge(folder)  # the story file is not a knowledge file: the loader skips it
    problems.extend(found)
    if kb is None:
        return None
    title = declared.get("title") or next(iter(kb.sources.values())).title
    return Story(declared.get("id") or story_id_for(folder.resolve().name), title, kb, folder)


def validate_library(directory: Path | str) -> tuple[Library | None, list[Problem]]:
    """Check every story of a knowledge directory; the library, or None and every problem found."""
    directory = Path(directory)
    folders = story_folders(directory)
    if not folders:  # not a knowledge directory at all: the loader says why, in its own words
        return None, validate_knowledge(directory)[1]
    problems: list[Problem] = []
    stories: dict[str, Story] = {}
    for folder in folders:
        story = load_story(folder, problems)
        if story is None:
            continue
        if story.id in stories:
            where = display_path(folder / STORY_FILE if (folder / STORY_FILE).is_file() else folder)
            first = display_path(stories[story.id].directory)
            problems.append(Problem(where, 1, 1, f"the story id `{story.id}` is already used by {first}."))
            continue
        stories[story.id] = story
    if problems:
        return None, sorted(problems)
    log.info("loaded %d stories from %s", len(stories), display_path(directory))
    return Library(stories, directory), []


def load_library(directory: Path | str) -> Library:
    """Load every story of a knowledge directory, or raise `KnowledgeError` listing every problem."""
    library, problems = validate_library(directory)
    if library is None:
        raise KnowledgeError(problems)
    return library


def story_of(kb: KnowledgeBase) -> Story:
    """A knowledge base already loaded, as a story: its folder's declared id and title, or the defaults."""
    directory = Path(kb.directory) if kb.directory else Path()
    declared = _declared(directory, []) if kb.directory else {}
    story_id = declared.get("id") or story_id_for(directory.resolve().name if kb.directory else "story")
    return Story(story_id, declared.get("title") or next(iter(kb.sources.values())).title, kb, directory)
