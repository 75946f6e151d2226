"""`storybot extract` against hand-made truth: the figures may rise, never fall.

The floors are what `python -m benchmarks.extract_quality` measured when they were set, on the
held-out articles in tests/extract/articles (written without looking at the extractor) and on the
shipped story. A change that loses a quotation, a speaker or a kind anywhere fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.curation.extract import extract
from bot.curation.extract.truth import Score, Truth, load_truth, score, truth_from_knowledge
from bot.knowledge import bundled_knowledge_dir, load_knowledge

ARTICLES = Path(__file__).resolve().parents[1] / "extract" / "articles"

# (precision, recall, speakers, kinds) per article, as measured; the targets are 95/90/90/90.
FLOORS = {
    "shipped": (1.0, 10 / 13, 1.0, 1.0),
    "hospital-ransomware": (1.0, 1.0, 1.0, 1.0),
    "school-phone-ban": (1.0, 1.0, 1.0, 13 / 15),
    "stadium-deal": (1.0, 1.0, 1.0, 15 / 18),
}
OVERALL = (1.0, 49 / 52, 1.0, 61 / 66)


def _truths() -> dict[str, Truth]:
    kb = load_knowledge(bundled_knowledge_dir())
    truths = {"shipped": truth_from_knowledge(kb, next(iter(kb.sources)))}
    truths |= {path.stem: load_truth(path) for path in sorted(ARTICLES.glob("*.txt"))}
    return truths


@pytest.fixture(scope="module")
def scores() -> dict[str, Score]:
    return {name: score(extract(truth.text, source_id=name), truth) for name, truth in _truths().items()}


def _figures(result: Score) -> tuple[float, float, float, float]:
    return (result.precision, result.recall, result.speakers, result.kinds)


def test_every_article_with_a_truth_file_has_a_floor(scores: dict[str, Score]) -> None:
    assert set(scores) == set(FLOORS), "a new article needs its floor in FLOORS"


@pytest.mark.parametrize("article", sorted(FLOORS))
def test_no_figure_falls_below_its_floor(scores: dict[str, Score], article: str) -> None:
    measured = _figures(scores[article])
    for label, got, floor in zip(("precision", "recall", "speakers", "kinds"), measured, FLOORS[article], strict=True):
        assert got >= floor - 1e-9, f"{article}: {label} {got:.1%} fell below {floor:.1%}"


def test_overall_figures_meet_the_targets_and_their_floors(scores: dict[str, Score]) -> None:
    total = Score()
    for result in scores.values():
        total.add(result)
    for got, target in zip(_figures(total), (0.95, 0.90, 0.90, 0.90), strict=True):
        assert got >= target
    for got, floor in zip(_figures(total), OVERALL, strict=True):
        assert got >= floor - 1e-9
