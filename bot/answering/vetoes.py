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

# Held below answering (the shipped decision answers from 0.7): the reply is a decline, with suggestions, not a
# confident answer. A decision that answers from less holds at the same share of its threshold.
HELD_AT = 0.5
HELD_SHARE = 5 / 7
_LACKS_ASKED_KIND = FEATURES.index("lacks_asked_kind")
_PHRASING_COVERS, _QUESTION_COVERS = (
    FEATURES.index("phrasing_covers_question"),
    FEATURES.index("question_covers_phrasing"),
)
# A question that is one of the entry's own phrasings, word for word, is one its curators (or a moderator
# teaching it) said the entry answers: their word stands.
_OWN_PHRASING = 0.999


def held(confidence: float, features: tuple[float, ...], answer_at: float = 0.7) -> float:
    """The confidence to show for the best entry with these features (FEATURES), for a decision that answers from
    `answer_at`: held below it (at HELD_AT) when the entry lacks the kind of answer the question asks for (unless
    the question is one of its own phrasings)."""
    own = features[_PHRASING_COVERS] >= _OWN_PHRASING and features[_QUESTION_COVERS] >= _OWN_PHRASING
    if features[_LACKS_ASKED_KIND] >= 1.0 and not own:
        return below_answering(confidence, answer_at)
    return confidence


def below_answering(confidence: float, answer_at: float = 0.7) -> float:
    """A confidence held under the decision's threshold `answer_at`: a decline, still with its suggestions."""
    return min(confidence, HELD_AT if answer_at > HELD_AT else HELD_SHARE * answer_at)
