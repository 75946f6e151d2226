"""The fitted decision: answer, decline, or ask "which of these?", with a calibrated confidence.

Two small logistic regressions, fitted by `storybot train` and shipped in `decision.json` (named weights,
intercepts and thresholds, small enough to review in a diff):

1. `match`: the probability that a shortlisted entry answers the question, from its features
   (`ranking.FEATURES`). Entries are ranked by it.
2. `answer`: the probability that the best entry is the right answer, from how sure the first stage is
   of it and of the runner-up (`top`: the log-odds of the best, `margin`: how far it stands above the
   second) and from the best entry's own features. This is the confidence shown; the engine answers
   when it reaches `answer_at`.

A declined question whose two best entries are both plausible (`close_at`) and close (`close_margin`)
is a close call: the reply asks which of them was meant. Suggestions are entries of at least `suggest_at`.

Answering needs only this file and `math`; fitting needs scipy (the `train` extra).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from operator import mul
from pathlib import Path
from typing import Any

from bot.answering import vetoes
from bot.answering.ranking import BASE_FEATURES, FEATURES, SWAPPED_ANYWHERE

DECISION_FILE = Path(__file__).with_name("decision.json")
_LOGIT_LIMIT = 12.0  # log-odds are clipped here: a probability of 0 or 1 is never certain


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return min(max(math.log(p / (1 - p)), -_LOGIT_LIMIT), _LOGIT_LIMIT)


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def answer_inputs(top: float, second: float, features: tuple[float, ...]) -> tuple[float, ...]:
    """The second stage's inputs: (top, margin) from the first stage's two best probabilities, then the best
    entry's own features (BASE_FEATURES, the first of its FEATURES) and whether the question looks like a
    phrasing with its name swapped (SWAPPED_ANYWHERE). The leads over the other candidates are the first
    stage's: they are in `top` and `margin` already."""
    return logit(top), logit(top) - logit(second), *features[: len(BASE_FEATURES)], features[_SWAPPED_ANYWHERE]


ANSWER_INPUTS = ("top", "margin", *BASE_FEATURES, SWAPPED_ANYWHERE)
_SWAPPED_ANYWHERE = FEATURES.index(SWAPPED_ANYWHERE)


class _Terms:
    """A weighted sum's terms of weight other than 0, which alone change it: many fitted weights are 0."""

    __slots__ = ("_inputs", "_weights", "count")

    def __init__(self, weights: tuple[float, ...]) -> None:
        kept = [(i, w) for i, w in enumerate(weights) if w != 0.0]
        self.count = len(weights)
        self._weights = [w for _, w in kept]
        self._inputs = [i for i, _ in kept]

    def sum(self, inputs: Sequence[float]) -> float:
        """fsum of weight times input over all the inputs: the same, as an input times 0 adds exactly 0."""
        if len(inputs) != self.count:
            raise ValueError(f"{len(inputs)} inputs for {self.count} weights")
        return math.fsum(map(mul, self._weights, map(inputs.__getitem__, self._inputs)))


@dataclass(frozen=True, slots=True)
class Decision:
    match_weights: tuple[float, ...]  # in the order of FEATURES
    match_intercept: float
    answer_weights: tuple[float, ...]  # in the order of ANSWER_INPUTS
    answer_intercept: float
    answer_at: float
    close_at: float
    close_margin: float
    suggest_at: float
    _match_terms: _Terms = field(init=False, repr=False, compare=False)
    _answer_terms: _Terms = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_match_terms", _Terms(self.match_weights))
        object.__setattr__(self, "_answer_terms", _Terms(self.answer_weights))

    def match(self, features: tuple[float, ...]) -> float:
        """How likely an entry with these features answers the question."""
        return sigmoid(self.match_intercept + self._match_terms.sum(features))

    def answer(self, top: float, second: float, features: tuple[float, ...]) -> float:
        """How likely the best entry (probability `top`, with these features; runner-up `second`) is right."""
        fitted = sigmoid(self.answer_intercept + self._answer_terms.sum(answer_inputs(top, second, features)))
        return vetoes.held(fitted, features, self.answer_at)

    def to_json(self, notes: dict[str, Any] | None = None) -> dict[str, Any]:
        return {
            "match": {
                "intercept": self.match_intercept,
                "weights": dict(zip(FEATURES, self.match_weights, strict=True)),
            },
            "answer": {
                "intercept": self.answer_intercept,
                "weights": dict(zip(ANSWER_INPUTS, self.answer_weights, strict=True)),
            },
            "thresholds": {
                "answer_at": self.answer_at,
                "close_at": self.close_at,
                "close_margin": self.close_margin,
                "suggest_at": self.suggest_at,
            },
            **({"fitted_on": notes} if notes else {}),
        }

    @classmethod
    def neutral(cls) -> Decision:
        """A decision with no opinion (every entry 0.5), for working out features before any fit."""
        return cls((0.0,) * len(FEATURES), 0.0, (0.0,) * len(ANSWER_INPUTS), 0.0, 0.5, 1.0, 0.0, 1.0)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Decision:
        """Read a decision; every feature must have a weight, and no weight may name an unknown feature."""
        match, answer, thresholds = data["match"], data["answer"], data["thresholds"]
        for part, names in ((match, FEATURES), (answer, ANSWER_INPUTS)):
            if set(part["weights"]) != set(names):
                raise ValueError(
                    f"decision weights {sorted(part['weights'])} do not match the features {sorted(names)}"
                )
        return cls(
            match_weights=tuple(float(match["weights"][name]) for name in FEATURES),
            match_intercept=float(match["intercept"]),
            answer_weights=tuple(float(answer["weights"][name]) for name in ANSWER_INPUTS),
            answer_intercept=float(answer["intercept"]),
            answer_at=float(thresholds["answer_at"]),
            close_at=float(thresholds["close_at"]),
            close_margin=float(thresholds["close_margin"]),
            suggest_at=float(thresholds["suggest_at"]),
        )


@cache
def shipped() -> Decision:
    """The decision that ships with the engine (read once per process)."""
    return Decision.from_json(json.loads(DECISION_FILE.read_text(encoding="utf-8")))
