"""Fixtures for the tests that run the `storybot` command in-process (test_cli, test_cli_start, test_readme)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.answering import Engine
from bot.cli import common
from bot.knowledge import KnowledgeBase, bundled_knowledge_dir, load_knowledge


@pytest.fixture
def cli_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from an empty folder (no `.env`) with no StoryBot settings in the environment."""
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("STORYBOT_", "DISCORD_")):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def shipped() -> Engine:
    """The engine over the shipped story, built once."""
    return Engine(load_knowledge(bundled_knowledge_dir()))


@pytest.fixture
def cli_reuses_engine(monkeypatch: pytest.MonkeyPatch, shipped: Engine) -> None:
    """The CLI still loads and validates the knowledge every time; only the matcher's index is reused."""

    def engine_for(kb: KnowledgeBase) -> Engine:
        return shipped if kb.fingerprint == shipped.kb.fingerprint else Engine(kb)

    monkeypatch.setattr(common, "Engine", engine_for)
