"""Correcting a misspelt word to the word of the story it most likely means: a mixin of the engine.

A typo is corrected towards the knowledge base's own words (`spelling` holds the rules for short words);
a misspelt name towards the words of the story's names, which readers spell by ear; a clipped word
("desal") towards the one word it starts. A correction never turns a common English word into another.

A name is corrected only when the reading is sure, which is a matter of the word and of the base:
- a word English knows well is a name or word of its own ("Hanson" is a surname, not a typo of "Hansen";
  "count" is not "County"): it is never corrected to a name. How well is a matter of the base: in a story
  of a few people, a rarer surname (Zipf below 3) a letter from one of theirs means that person, and only
  a word as common as any typed as meant (`spelling.TYPED_AS_MEANT_ZIPF`) stands for itself; the more
  names an archive holds, the likelier a known name is one of the many people it does not hold, and the
  bound falls a step for each tenfold more names (`_known_as_itself`);
- the base's nearest name word must stand alone: none as near, and when it is more than one edit off,
  none within `RIVAL_MARGIN` edits more. In a story of ten people a word two letters from one of them is
  a typo of it; among the thousands of names an archive holds, a stranger's name lands that near one by
  chance, and then near others too. Which of two equally near names was meant is a guess, never made.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.answering.general_english import RARE_ZIPF, rarity, zipf
from bot.answering.normalize import Vocabulary
from bot.answering.spelling import (
    NAME_TWO_EDITS,
    SHORT_WORD,
    TYPED_AS_MEANT_ZIPF,
    everyday_word,
    short_word,
    typed_as_meant,
    unheard_of,
)

Hit = tuple[str, int, int]  # a rapidfuzz match: the word, its edits, its place

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
# A name read from a word more than one edit off is sure only when no other name word is within this many
# edits more: a typo lands near the name it was meant as, a stranger's name near whichever of many names it
# happens to. One edit off ("jonh" for "john"), only a tie makes it unsure.
RIVAL_MARGIN = 1
# Name words of one story of a few people (the shipped story has about 50): up to this many, a word English
# knows is taken for a name of the base unless it is as common as a word typed as meant. Each tenfold more
# names lowers that bound by one step of Zipf (a tenfold rarer word): at 10,000 names (an archive of
# 100,000 entries) only words as rare as common misspellings ("futre" 1.0, "colege" 1.3) are read as a name.
NAMES_OF_A_STORY = 100


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
    _aliases: dict[str, str]  # cleaned name or alias -> speaker id
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
        edits away. None when English knows the word well (a name of its own) or the reading is unsure."""
        if len(word) < MIN_NAME_TYPO or self._known_as_itself(word):
            return None
        allowed = 1 if len(word) <= 7 else 2
        if len(word) >= LONG_NAME_TYPO and rarity(word) >= NOT_ENGLISH:
            allowed += 1
        # The closest name word, kept when it starts as the word does and stands alone (`_sure_name`). Only
        # words within the edits allowed in length can be that close: those that start as the word does
        # first, a few hundred, and only when one is close enough, all the name words near it, of any first
        # letter, to see whether another is as close or nearly (as a search of every name word would).
        n = len(word)
        same = [
            w for length in range(n - allowed, n + allowed + 1) for w in self._name_buckets.get((word[0], length), ())
        ]
        found = process.extractOne(word, same, scorer=OSA.distance, score_cutoff=allowed)
        if found is None:
            return None
        return self._sure_name(word, int(found[1]))

    def _sure_name(self, word: str, edits: int) -> tuple[str, int] | None:
        """The name word `edits` edits from `word` (or nearer) when it stands alone among the name words of any
        first letter: none other as near, and for a reading of more than one edit none within `RIVAL_MARGIN`
        edits more. Two names of one speaker ("harbourline", "hbl") are one reading."""
        if self._known_as_itself(word):
            return None
        reach, n = edits + RIVAL_MARGIN, len(word)
        near = [w for length in range(n - reach, n + reach + 1) for w in self._name_lengths.get(length, ())]
        hits = process.extract(word, near, scorer=OSA.distance, score_cutoff=reach, limit=None)
        best = min(hits, key=lambda hit: (hit[1], hit[0]), default=None)  # of one speaker's: the first
        if best is None or best[1] > edits or best[0][0] != word[0]:
            return None
        fewest, speaker = int(best[1]), self._aliases.get(best[0])
        margin = RIVAL_MARGIN if fewest > 1 else 0
        for other, distance, _ in hits:
            if (
                other != best[0]
                and distance <= fewest + margin
                and (speaker is None or self._aliases.get(other) != speaker)
            ):
                return None
        return str(best[0]), fewest

    def _known_as_itself(self, word: str) -> bool:
        """Whether English knows a word too well for it to be a misspelling of one of the base's names: it is
        a word or a name of its own, the bound lower the more names the base holds (`NAMES_OF_A_STORY`)."""
        crowd = max(len(self._name_words) / NAMES_OF_A_STORY, 1.0)
        return zipf(word) >= TYPED_AS_MEANT_ZIPF - math.log10(crowd)

    def _is_name_word(self, word: str) -> bool:
        return word in self._name_buckets.get((word[0], len(word)), ())

    def _sure_hits(self, word: str, hits: Sequence[Hit]) -> list[Hit]:
        """The corrections found, less those to a name word that is not a sure reading (`_sure_name`)."""
        return [
            hit
            for hit in hits
            if not self._is_name_word(str(hit[0])) or self._sure_name(word, int(hit[1])) == (hit[0], int(hit[1]))
        ]

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
        sound_alike = self._vocab.english.sound_alikes.get(word)
        if sound_alike is not None:  # only words the story does not use come here
            return sound_alike
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
        best = self._sure_hits(word, process.extract(word, choices, scorer=OSA.distance, score_cutoff=allowed, limit=5))
        if not best and allowed < 2 and len(word) >= NAME_TWO_EDITS and unheard_of(word):
            # A word English has no record of at all ("gilard") is a typo: two edits from a name are still it.
            names = process.extract(word, self._name_words, scorer=OSA.distance, score_cutoff=2, limit=5)
            best = self._sure_hits(word, names)
        if not best:
            return everyday_word(word)
        # Fewest edits first, then the word the knowledge base uses most.
        best.sort(key=lambda hit: (hit[1], -self._vocabulary[hit[0]]))
        return str(best[0][0])
