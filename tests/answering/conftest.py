"""Engines over the small invented stories of this folder, built once for the session: the tests that
take them only read them. `riverton/` is a council closing a library branch, `harbour/` a ferry authority cutting
crossings, `millford/` a housing authority's new block; none shares a name or phrase with the shipped story."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering import Engine
from bot.knowledge import load_knowledge

HERE = Path(__file__).parent


@pytest.fixture(scope="session")
def riverton() -> Engine:
    return Engine(load_knowledge(HERE / "riverton"))


@pytest.fixture(scope="session")
def harbour() -> Engine:
    return Engine(load_knowledge(HERE / "harbour"))


@pytest.fixture(scope="session")
def millford() -> Engine:
    return Engine(load_knowledge(HERE / "millford"))
