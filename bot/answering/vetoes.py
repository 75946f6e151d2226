"""Rules outside the fitted decision that keep a confident answer back when the best entry plainly cannot
answer the question, however much of its wording it shares.

The fitted weights trade every feature against the others: an entry that shares nearly all of a question's
words can outweigh the one sign that it gives no answer of the asked kind ("how many people came?" against an
entry with no number, "when was it?" against one with no time, `answer_kinds`). A reader would never answer
from such an entry, so neither does the engine: its confidence is held below answering. The rule is plain
English, the same in every story, and measured on every evaluation set.
"""

from __future__ import annotations

from bot.answering.ranking import FEATURES

# Held just below answering, so the reply is a decline (with suggestions) rather than a confident answer.
HELD_AT = 0.5
_LACKS_ASKED_KIND = FEATURES.index("lacks_asked_kind")


def held(confidence: float, features: tuple[float, ...]) -> float:
    """The confidence to show for the best entry with these features (FEATURES): held at HELD_AT when the entry
    lacks the kind of answer the question asks for."""
    if features[_LACKS_ASKED_KIND] >= 1.0:
        return min(confidence, HELD_AT)
    return confidence
