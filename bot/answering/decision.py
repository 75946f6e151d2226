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
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

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

    def match(self, features: tuple[float, ...]) -> float:
        """How likely an entry with these features answers the question."""
        z = self.match_intercept + math.fsum(w * x for w, x in zip(self.match_weights, features, strict=True))
        return sigmoid(z)

    def answer(self, top: float, second: float, features: tuple[float, ...]) -> float:
        """How likely the best entry (probability `top`, with these features; runner-up `second`) is right."""
        inputs = answer_inputs(top, second, features)
        return sigmoid(
            self.answer_intercept + math.fsum(w * x for w, x in zip(self.answer_weights, inputs, strict=True))
        )

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
