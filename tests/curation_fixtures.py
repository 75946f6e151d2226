"""Fixtures of the tests that change a knowledge folder or its audit trail (curation, moderation): a copy of
the bundled knowledge folder, a store, and a moderator's change recorded in it. The suite's conftest offers
them to every test."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.curation.store import STORE_FILE, Store
from bot.knowledge import bundled_knowledge_dir
from bot.knowledge import loader as loader_module
from bot.knowledge.yaml_positions import load_data

RecordChange = Callable[..., int]  # (store, summary, **any field of the change to set) -> the change's id


@pytest.fixture
def kb_dir(tmp_path: Path) -> Path:
    """A copy of the bundled knowledge folder for a test to change (without hidden files, an editor's or a
    cache's)."""
    return Path(shutil.copytree(bundled_knowledge_dir(), tmp_path / "kb", ignore=shutil.ignore_patterns(".*")))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A new store where StoryBot keeps it in a data directory of its own (`tmp_path / "data"`)."""
    opened = Store(tmp_path / "data" / STORE_FILE)
    yield opened
    opened.close()


@pytest.fixture
def record_change() -> RecordChange:
    """Records a moderator's teach in a store's audit trail, the fields a test does not name filled in."""

    def record(store: Store, summary: str, **fields: Any) -> int:
        change: dict[str, Any] = {
            "at": datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
            "user_id": 1,
            "user_name": "mod",
            "action": "teach",
            "target": "what-is-ring",
            "file": "entries/ring.yaml",
            "before": "a",
            "after": "b",
        }
        return store.record_change(summary=summary, **(change | fields))

    return record


def count_yaml_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts the knowledge loader's YAML parser is given from now on (a reload that keeps files parsed
    gives it only the changed ones)."""
    parsed: list[str] = []

    def counted(text: str, raw: bytes | None = None) -> object:
        parsed.append(text)
        return load_data(text, raw)

    monkeypatch.setattr(loader_module, "load_data", counted)
    return parsed
