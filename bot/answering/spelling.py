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
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_FUNCTION_WORDS = ENGLISH.stopwords | frozenset(QUESTION_WORDS)

# A word at least this common in English is taken as typed, never corrected: "intro" (3.8), "uni" (3.7)
# and "dose" (4.2) are words; typos are rare in English text ("wiht" 1.9, "goverments" 1.5, "teh" 3.0).
TYPED_AS_MEANT_ZIPF = 3.5
SHORT_WORD = 4  # up to this length, only swapped letters, question words and dropped letters are corrected
# A four-letter word gets a dropped letter back only when English barely knows it: typos of that kind score
# below 2.2 ("fims" 1.3, "stoy" 1.6, "thre" 2.2), the rare words they would be taken for above 2.8 ("vane"
# 3.0, "boar" 3.3, "fins" 3.4).
DROPPED_LETTER_ZIPF = 2.5
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


def _insertions(word: str) -> Iterable[str]:
    """The word with one letter put back, anywhere after its first (a typo rarely loses the first letter)."""
    for i in range(1, len(word) + 1):
        for letter in _LETTERS:
            yield word[:i] + letter + word[i:]


def short_word(word: str, known: Container[str]) -> str | None:
    """What a misspelt short word means: a word of the story (`known`) or of everyday English with two
    neighbouring letters swapped back, or a question word one edit away, or a word of the story or of
    everyday English with a dropped letter put back ("fims", "beig", "stoy"); None when none is there
    (or more than one question word is, or several words one letter longer are)."""
    swapped = _swapped_back(word, known)
    if swapped is not None:
        return swapped
    near = _near_question_words(word)
    if len(near) == 1:
        return near[0]
    doubled = _doubled_back(word, known)
    if doubled is not None:
        return doubled
    if near or len(word) < SHORT_WORD or zipf(word) >= DROPPED_LETTER_ZIPF:
        return None  # three letters have too many longer neighbours ("cat": cart, cast, chat, coat)
    return _dropped_back(word, known)


def _swapped_back(word: str, known: Container[str]) -> str | None:
    """The commonest word the story or everyday English has with two neighbouring letters of `word` swapped."""
    swapped = [w for w in _swaps(word) if w in known or w in _FUNCTION_WORDS]
    return max(swapped, key=zipf) if swapped else None


def _near_question_words(word: str) -> list[str]:
    """The question words one edit from `word`; of several, those it is with a letter dropped."""
    near = [q for q in QUESTION_WORDS if OSA.distance(word, q) == 1]
    if len(near) > 1:  # "wher" is "where" or "when": a dropped letter is likelier than a wrong one
        near = [q for q in near if _dropped_from(word, q)]
    return near


def _doubled_back(word: str, known: Container[str]) -> str | None:
    """The one story word `word` is with a doubled letter typed once ("bil", "wil"): the likeliest slip of all."""
    doubled = {w for i in range(len(word)) if (w := word[:i] + word[i] + word[i:]) in known}
    return doubled.pop() if len(doubled) == 1 else None


def _dropped_back(word: str, known: Container[str]) -> str | None:
    """The one word of the story or of everyday English that `word` is with a letter dropped."""
    longer = {w for w in _insertions(word) if w in known or w in _FUNCTION_WORDS}
    # One word of the story or of everyday English a letter longer reads the typo; between two, the
    # story's word (what the question is likely about) when only one of them is the story's.
    if len(longer) > 1:
        longer = {w for w in longer if w in known}
    return next(iter(longer)) if len(longer) == 1 else None


# A word English has no record of, one edit from a word this common, is a typo of it ("residnets", "publik"):
# even when the story never uses the word meant, it is then read as an everyday word, not as a telling unknown.
EVERYDAY_ZIPF = 3.5
MIN_EVERYDAY_TYPO = 5  # shorter words are one edit from too many


def everyday_word(word: str) -> str | None:
    """The commonest everyday English word one edit from a word English has never recorded; None when none
    is, or the word is short or known."""
    if len(word) < MIN_EVERYDAY_TYPO or not word.isalpha() or not unheard_of(word):
        return None
    near = {w for w in _one_edit(word) if zipf(w) >= EVERYDAY_ZIPF}
    return max(sorted(near), key=zipf) if near else None


def _one_edit(word: str) -> Iterable[str]:
    """Every string one letter swapped, dropped, changed or added from `word`, keeping its first letter."""
    yield from _swaps(word)
    yield from _insertions(word)
    for i in range(1, len(word)):
        yield word[:i] + word[i + 1 :]
        for letter in _LETTERS:
            yield word[:i] + letter + word[i + 1 :]


def _dropped_from(word: str, longer: str) -> bool:
    """Whether `word` is `longer` with one letter left out."""
    return len(longer) == len(word) + 1 and any(longer[:i] + longer[i + 1 :] == word for i in range(len(longer)))
