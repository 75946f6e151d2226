"""Correcting a misspelt word to the word of the story it most likely means: a mixin of the engine.

A typo is corrected towards the knowledge base's own words (`spelling` holds the rules for short words);
a misspelt name towards the words of the story's names, which readers spell by ear; a clipped word
("desal") towards the one word it starts. A correction never turns a common English word into another.
"""

from __future__ import annotations

from collections import Counter

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.answering.general_english import RARE_ZIPF, rarity, zipf
from bot.answering.normalize import Vocabulary
from bot.answering.spelling import NAME_TWO_EDITS, SHORT_WORD, short_word, typed_as_meant, unheard_of

# A clipped word ("desal" for "desalination") has at least this many letters, and the word it stands for
# at least this many more: shorter stems start too many words to say which one is meant.
MIN_CLIPPED = 4
MIN_CLIPPED_BY = 3
LONGEST_WORD = 30  # longer "words" are not clipped from
# A misspelt name has at least this many letters (shorter words are too often someone else's name); one of
# at least LONG_NAME_TYPO letters that is no English word (rarity at least NOT_ENGLISH) may be an edit further.
MIN_NAME_TYPO = 5
LONG_NAME_TYPO = 8
NOT_ENGLISH = 0.95
# An all-capitals word at least this common in English ("PR" 4.2, "CEO" 4.5, "FAQ" 3.3) is an abbreviation
# everyone uses, not a name; rarer ones (an invented agency's initials: 0) may name something the story never does.
# The bound is where `general_english` starts to weigh a word as fully telling.
KNOWN_ACRONYM_ZIPF = RARE_ZIPF


def known_acronym(word: str) -> bool:
    """Whether a word as typed is in capitals throughout and an abbreviation English knows ("PR", "CEO")."""
    letters = word.strip(".,;:!?'\"()[]")
    return len(letters) > 1 and letters.isalpha() and letters.isupper() and zipf(letters.lower()) >= KNOWN_ACRONYM_ZIPF


def name_like(word: str) -> bool:
    """Whether a word as typed is written as a name is: with a capital, and not an abbreviation English knows."""
    return word[:1].isupper() and not known_acronym(word)


class Corrections:
    """The engine's spelling corrections, over its vocabulary, its name words and its spelling buckets."""

    _vocab: Vocabulary
    _vocabulary: Counter[str]
    _name_words: list[str]
    _name_buckets: dict[tuple[str, int], list[str]]  # name words by first letter and length
    _name_lengths: dict[int, list[str]]  # name words by length
    _spell_buckets: dict[tuple[str, int], list[str]]

    def _clipped(self, word: str) -> str | None:
        """The knowledge-base word a clipped word stands for ("desal", "infra"), when every word it starts
        is one term: chat shortens long words, and an edit away there is often another word ("deal")."""
        if len(word) < MIN_CLIPPED:
            return None
        buckets = self._spell_buckets
        longer = [
            w
            for length in range(len(word) + MIN_CLIPPED_BY, LONGEST_WORD + 1)
            for w in buckets.get((word[0], length), ())
            if w.startswith(word)
        ]
        if not longer or len({self._vocab.term(w) for w in longer}) > 1:
            return None
        return max(longer, key=lambda w: (self._vocabulary[w], -len(w)))

    def _correct_name(self, word: str) -> tuple[str, int] | None:
        """The word of a name that a word the story never uses most likely misspells ("ostrowsky", "brenamen"),
        and how many edits away: names are spelt by ear, so a word that is no English word may be a few more
        edits away."""
        if len(word) < MIN_NAME_TYPO:
            return None
        allowed = 1 if len(word) <= 7 else 2
        if len(word) >= LONG_NAME_TYPO and rarity(word) >= NOT_ENGLISH:
            allowed += 1
        # The closest name word (the first in `_name_words` of equally close ones), kept when it starts as the
        # word does. Only words within the edits allowed in length can be that close: those that start as the
        # word does first, a few hundred, and only when one is close enough, the rest, to see whether a word
        # of another first letter is closer (or as close and earlier), as a search of every name word would.
        n = len(word)
        same = [
            w for length in range(n - allowed, n + allowed + 1) for w in self._name_buckets.get((word[0], length), ())
        ]
        found = process.extractOne(word, same, scorer=OSA.distance, score_cutoff=allowed)
        if found is None:
            return None
        edits = int(found[1])
        near = [w for length in range(n - edits, n + edits + 1) for w in self._name_lengths.get(length, ())]
        hits = process.extract(word, near, scorer=OSA.distance, score_cutoff=edits, limit=None)
        fewest = min(hit[1] for hit in hits)
        best = min(hit[0] for hit in hits if hit[1] == fewest)
        return (str(best), int(fewest)) if best[0] == word[0] else None

    @staticmethod
    def _name_wins(word: str, name: tuple[str, int], other: str, capitalised: frozenset[str]) -> bool:
        """Whether a misspelt word is the name rather than the other word it may mean ("protesst" is
        "protests", one edit away, not a name three edits away): the fewer edits win, and on a tie the name
        only when the word is written as one or English has no record of it."""
        edits = OSA.distance(word, other)
        if name[1] != edits:
            return name[1] < edits
        return word in capitalised or unheard_of(word)

    def _correct(self, word: str) -> str | None:
        """The knowledge-base word a misspelt word most likely means, if one is close enough (see `spelling`)."""
        if len(word) < 3 or word.isdigit() or typed_as_meant(word):
            return None
        if len(word) <= SHORT_WORD:
            found = short_word(word, self._vocabulary)
            if found is not None:
                return found
        if len(word) < 4:
            return None
        clipped = self._clipped(word)
        if clipped is not None:
            return clipped
        allowed = 1 if len(word) <= 7 else 2
        # Short words have too many neighbours; only names are worth correcting at four letters ("grer").
        if len(word) < 5:
            choices = self._name_words
        else:
            # A misspelling keeps its length within the edits allowed, and nearly always its first letter
            # (or its second, when the first two are swapped): look only there, however large the vocabulary.
            choices = [
                w
                for first in {word[0], word[1]}
                for length in range(len(word) - allowed, len(word) + allowed + 1)
                for w in self._spell_buckets.get((first, length), ())
            ]
        best = process.extract(word, choices, scorer=OSA.distance, score_cutoff=allowed, limit=5)
        if not best and allowed < 2 and len(word) >= NAME_TWO_EDITS and unheard_of(word):
            # A word English has no record of at all ("gilard") is a typo: two edits from a name are still it.
            best = process.extract(word, self._name_words, scorer=OSA.distance, score_cutoff=2, limit=5)
        if not best:
            return None
        # Fewest edits first, then the word the knowledge base uses most.
        best.sort(key=lambda hit: (hit[1], -self._vocabulary[hit[0]]))
        return str(best[0][0])
