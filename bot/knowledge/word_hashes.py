"""Large word lists held as sorted 64-bit hashes: about 8 bytes a word where a set of strings takes 60-100.

English word lists of a few hundred thousand words are read once per process and only ever asked "is this
word in it?". As Python strings in a set they cost tens of megabytes of resident memory; as one sorted array
of hashes, binary-searched, they cost a few. A hash is Python's of the word's UTF-8 bytes, not of the string,
whose hash reads its internal form ("kp" and "火" hash alike). Two of 320,000 words clash with a chance of
about one in 10^8, and a word not in the list matches one with a chance of about one in 10^13: far below
what a question's wording moves. Hashes are salted per process, so a table never leaves the process.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable

import numpy as np


def word_hash(word: str) -> int:
    return hash(word.encode())


class WordHashes:
    """A read-only set of words, as their sorted hashes (`word_hash`)."""

    __slots__ = ("_hashes",)

    def __init__(self, words: Iterable[str]) -> None:
        hashes = array("q", map(word_hash, words))
        self._hashes = np.unique(np.frombuffer(hashes, dtype=np.int64)).data  # `bisect` reads it as Python ints

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        key = word_hash(word)
        at = bisect_left(self._hashes, key)
        return at < len(self._hashes) and self._hashes[at] == key

    def __len__(self) -> int:
        return len(self._hashes)
