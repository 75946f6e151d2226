"""`storybot merge`: an extract draft added to a library as a new story, or into an existing one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot import cli
from bot.curation.extract import extract, write_draft
from bot.curation.merge import MergeError, merge_draft
from bot.knowledge import bundled_knowledge_dir
from bot.knowledge.library import load_library

from .conftest import WATER

ARTICLE = WATER.parent / "article.txt"


@pytest.fixture(scope="module")
def draft(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("drafts") / "water-draft"
    raw = ARTICLE.read_bytes()
    write_draft(extract(raw.decode("utf-8"), source_id="water-article"), folder, source_bytes=raw)
    return folder


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "newsroom"
    shutil.copytree(bundled_knowledge_dir(), folder / "police-surveillance", ignore=shutil.ignore_patterns(".*"))
    return folder


def test_a_draft_becomes_a_new_story(draft: Path, library: Path) -> None:
    report = merge_draft(draft, library, story_id="water")
    assert report.new_story and report.folder == library / "water"
    stories = load_library(library)
    assert [s.id for s in stories] == ["police-surveillance", "water"]
    assert stories.stories["water"].kb.entries  # its entries, answered from its own engine


def test_a_draft_into_an_existing_story_renames_ids_and_reports_duplicate_phrasings(
    draft: Path, tmp_path: Path
) -> None:
    library = tmp_path / "newsroom"
    shutil.copytree(WATER, library / "water")
    before = load_library(library).stories["water"].kb
    report = merge_draft(draft, library, story="water")
    after = load_library(library).stories["water"].kb  # validates with the draft in it
    assert report.renamed.get("entries") and report.duplicates
    for old, new in report.renamed["entries"].items():
        assert old in before.entries and new in after.entries  # both kept, under their own ids
        assert after.entries[old] == before.entries[old]  # the story's own entry untouched
    assert report.reused  # the same people are not declared twice
    assert set(before.speakers) <= set(after.speakers)
    assert len(after.entries) == len(before.entries) + len(load_library(draft).default.kb.entries) - len(report.dropped)


def test_refusals(draft: Path, library: Path) -> None:
    with pytest.raises(MergeError, match="one story's files at its top level"):
        merge_draft(draft, library / "police-surveillance")
    with pytest.raises(MergeError, match="no story 'nope'"):
        merge_draft(draft, library, story="nope")
    merge_draft(draft, library, story_id="water")
    with pytest.raises(MergeError, match="is taken"):
        merge_draft(draft, library, story_id="water")


def test_the_merge_command(draft: Path, library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["merge", str(draft), "--into", str(library), "--as", "drafted"]) == cli.EXIT_OK
    assert "merged as the new story `drafted`" in capsys.readouterr().out
    shutil.copytree(WATER, library / "water")
    assert cli.main(["merge", str(draft), "--into", str(library), "--story", "water"]) == cli.EXIT_OK
    out = capsys.readouterr().out
    assert "renamed: entries" in out and "duplicate phrasing" in out
    # Merged again, the draft would add nothing new: refused, and nothing is changed.
    assert cli.main(["merge", str(draft), "--into", str(library), "--story", "water"]) == cli.EXIT_USAGE
    assert "merged before" in capsys.readouterr().err
