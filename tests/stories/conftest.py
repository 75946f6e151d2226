"""A library of two stories in a temporary folder: copies of the shipped story and the water story."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge import bundled_knowledge_dir

WATER = Path(__file__).parents[1] / "eval" / "stories" / "water" / "knowledge"


def two_stories(root: Path) -> Path:
    """`root/library` holding the shipped story (as `surveillance/`) and the water story (as `water/`)."""
    library = root / "library"
    shutil.copytree(bundled_knowledge_dir(), library / "surveillance", ignore=shutil.ignore_patterns(".*"))
    shutil.copytree(WATER, library / "water")
    (library / "water" / "story.yaml").write_text(
        "story:\n  id: water\n  title: Cordero County water cuts\n", encoding="utf-8"
    )
    return library


@pytest.fixture
def library_dir(tmp_path: Path) -> Path:
    return two_stories(tmp_path)
