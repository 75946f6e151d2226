"""The engine on the evaluation sets, as `storybot eval` scores it. CI fails if either figure drops.

questions.yaml was written from the article without looking at the knowledge base's phrasings;
blind.yaml was written later without looking at the phrasings, the engine or the first set. The
floors are the levels measured when they were last raised; raise them when the engine improves.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering import Engine
from bot.answering.evaluation import Case, evaluate, load_cases
from bot.knowledge import bundled_knowledge_dir, load_knowledge

HERE = Path(__file__).parent

# (file, answerable questions answered right, unanswerable questions declined)
FLOORS = [
    ("questions.yaml", 122 / 126, 72 / 74),
    ("blind.yaml", 70 / 80, 67 / 70),
    # Discord-style development set (chat noise, several parts, slang, rambling...); run once it is in the tree.
    ("discord.yaml", 225 / 288, 62 / 74),
]


def cases_of(name: str) -> list[Case]:
    path = HERE / name
    if not path.exists():
        pytest.skip(f"{name} is not in this tree")
    return load_cases(path)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_knowledge(bundled_knowledge_dir()))


@pytest.mark.parametrize(("name", "answer_floor", "decline_floor"), FLOORS)
def test_evaluation_set_stays_at_its_measured_level(
    engine: Engine, name: str, answer_floor: float, decline_floor: float
) -> None:
    report = evaluate(engine, cases_of(name))
    misses = "\n".join(f"  {c.kind}: {c.question!r} -> {a.outcome.value}" for c, a in report.failures)
    assert report.answer_accuracy >= answer_floor - 1e-9, f"answers fell:\n{misses}"
    assert report.decline_accuracy >= decline_floor - 1e-9, f"declines fell:\n{misses}"


def test_the_sets_are_large_and_varied() -> None:
    for name, _, _ in FLOORS:
        if not (HERE / name).exists():
            continue
        cases = load_cases(HERE / name)
        assert len(cases) >= 100
        assert {"answer", "quotes", "decline"} <= {c.expect for c in cases}
