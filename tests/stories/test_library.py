"""Loading a library of stories: each story folder on its own, ids scoped to their story."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge import KnowledgeError, bundled_knowledge_dir, load_knowledge
from bot.knowledge.library import load_library, story_folders


def test_two_stories_with_overlapping_ids_validate_together(library_dir: Path) -> None:
    library = load_library(library_dir)
    assert [s.id for s in library] == ["police-surveillance", "water"]
    shared = set(library.stories["police-surveillance"].kb.entries) & set(library.stories["water"].kb.entries)
    assert "story-overview" in shared  # the same id in both stories is no collision
    assert library.stories["water"].title == "Cordero County water cuts"  # declared
    surveillance = library.stories["police-surveillance"]
    assert surveillance.title == next(iter(surveillance.kb.sources.values())).title  # the first source's
    # Loaded as one knowledge base, the same folder has the collision the library avoids.
    with pytest.raises(KnowledgeError, match="already used"):
        load_knowledge(library_dir)


def test_a_plain_knowledge_folder_is_a_library_of_one_story() -> None:
    library = load_library(bundled_knowledge_dir())
    assert len(library) == 1
    assert library.default.kb.entries == load_knowledge(bundled_knowledge_dir()).entries
    assert story_folders(bundled_knowledge_dir()) == [bundled_knowledge_dir()]


def test_a_problem_in_one_story_names_its_file_line_and_column(library_dir: Path) -> None:
    people = library_dir / "water" / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("kind: person", "kind: persn", 1), encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_library(library_dir)
    [problem] = caught.value.problems
    assert problem.file.endswith("water/people.yaml") and problem.line > 1 and problem.column > 1


def test_two_stories_may_not_share_an_id(library_dir: Path) -> None:
    (library_dir / "surveillance" / "story.yaml").write_text("story:\n  id: water\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="story id `water` is already used"):
        load_library(library_dir)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("story:\n  id: Water Story\n", "may use only"),
        ("story:\n  name: x\n", "unknown story field `name`"),
        ("title: x\n", "holds one mapping"),
        ("story: [\n", "Fix the YAML"),
    ],
)
def test_a_bad_story_file_is_reported(library_dir: Path, text: str, message: str) -> None:
    (library_dir / "water" / "story.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError, match=message):
        load_library(library_dir)
