"""Typos in short words, and words that are not typos at all: what spelling correction may touch.

The engine corrects a word it does not know to the nearest word the knowledge base uses. Two kinds of
word fall outside that rule. A common English word typed as meant ("whole", "intro", "grew") is not a
typo even when the story never uses it: "corrected" to a story word one letter away ("whose", "into")
it changes the question. And a short word has too many neighbours for edit distance to choose among,
yet the commonest typos of short words are two letters swapped ("wiht", "waht", "mcuh", "yaer", "teh")
or a question word with a letter missing ("wich", "wher", "hwo"), which leave a single likely reading.

General English only (word frequencies from `general_english`); the story's words come in as `known`.
"""

from __future__ import annotations

from collections.abc import Container, Iterable

from rapidfuzz.distance import OSA

from bot.answering.general_english import zipf
from bot.answering.normalize import ENGLISH

QUESTION_WORDS = ENGLISH.question_words
_FUNCTION_WORDS = ENGLISH.stopwords | frozenset(QUESTION_WORDS)

# A word at least this common in English is taken as typed, never corrected: "intro" (3.8), "uni" (3.7)
# and "dose" (4.2) are words; typos are rare in English text ("wiht" 1.9, "goverments" 1.5, "teh" 3.0).
TYPED_AS_MEANT_ZIPF = 3.5
SHORT_WORD = 4  # up to this length, only swapped letters and question words are corrected
# From this length a word English has never recorded may be two edits from a name ("gilard"); a real
# name ("gillard", 2.7) is someone the story may not know, and keeps to one edit.
NAME_TWO_EDITS = 6


def typed_as_meant(word: str) -> bool:
    """Whether a word is common enough in English to be what its writer meant."""
    return zipf(word) >= TYPED_AS_MEANT_ZIPF


def unheard_of(word: str) -> bool:
    """Whether English has no record of the word at all (a typo or an invented word, not a rare name)."""
    return zipf(word) == 0.0


def _swaps(word: str) -> Iterable[str]:
    for i in range(len(word) - 1):
        if word[i] != word[i + 1]:
            yield word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def short_word(word: str, known: Container[str]) -> str | None:
    """What a misspelt short word means: a word of the story (`known`) or of everyday English with two
    neighbouring letters swapped back, or a question word one edit away; None when neither is there
    (or more than one question word is)."""
    swapped = [w for w in _swaps(word) if w in known or w in _FUNCTION_WORDS]
    if swapped:
        return max(swapped, key=zipf)
    near = [q for q in QUESTION_WORDS if OSA.distance(word, q) == 1]
    if len(near) > 1:  # "wher" is "where" or "when": a dropped letter is likelier than a wrong one
        near = [q for q in near if _dropped_from(word, q)]
    return near[0] if len(near) == 1 else None


def _dropped_from(word: str, longer: str) -> bool:
    """Whether `word` is `longer` with one letter left out."""
    return len(longer) == len(word) + 1 and any(longer[:i] + longer[i + 1 :] == word for i in range(len(longer)))
