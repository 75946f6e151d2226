"""How telling a word is in general English, for the words a knowledge base never uses.

A question often carries words the story has no use for: "everyone", "uncle", "essay", a greeting.
Weighing them like the knowledge base's rarest word made every chat word count as evidence against the
answer. Their weight now comes from how common they are in English at large, from `wordfreq`'s English
list (Zipf scale: log10 of uses per billion words; "the" is about 7.7, "uncle" 4.5, "palantir" 2.2, a
word it has never seen 0): a common word barely counts, while a rare one ("Palantir", "Clearview")
still marks a question about something the story does not cover.

The list (about 320,000 words) is read once per process: by a long-running front end at start-up (`load`,
through `startup.warm_up`), by a one-shot command (`storybot ask`) on the first question that needs it.
wordfreq keeps it in frequency bands (a hundredth of a Zipf point each), and so does this module, compactly:
the words' hashes in one sorted numpy array and each one's band in another, 10 bytes a word (about 3 MB). The
file is read a band at a time, so the words never live as strings all at once: as wordfreq's own dictionary
they held about 40 MB of peak resident memory. A look-up is a binary search of the hashes; the Zipf value of a
band is worked out as wordfreq's frequency and its logarithm were, to the last bit. The hashes are
`bot.knowledge.word_hashes`'s, which says why they are safe.
"""

from __future__ import annotations

import gzip
import logging
import math
import time
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import repeat

import msgpack
import numpy as np

from bot.knowledge.word_hashes import word_hash

log = logging.getLogger(__name__)

# Words at least this common in English (Zipf ≥ 6: "everyone" is 5.5, "the" 7.7) say nothing about what the
# question is about; words at most this rare (Zipf ≤ 3: "palantir" 2.2, "moratorium" 3.1, invented words)
# are as telling as the knowledge base's rarest word. In between ("uncle" 4.5, "google" 4.9) the weight
# falls linearly with the logarithm of the frequency; how much the words that remain count against an
# answer is fitted with the decision (`unknown_share`).
COMMON_ZIPF = 6.0
RARE_ZIPF = 3.0
# Words asked about again and again ("the", a story's names, a question's typo and its candidates): their
# Zipf values kept, so that a repeated word costs a dictionary look-up rather than a binary search.
REMEMBERED_WORDS = 16_384


@dataclass(frozen=True, slots=True)
class FrequencyTable:
    # Every word's hash (`word_hash`), sorted, and the frequency band of the word of each: numpy arrays seen
    # through `memoryview`s, whose items `bisect` reads as Python integers (several times quicker than numpy's own).
    hashes: memoryview
    bands: memoryview
    zipfs: tuple[float, ...]  # the Zipf value of each band


def _band_zipf(band: int) -> float:
    """A band's Zipf value, as wordfreq's frequency of it (10^(-band/100)) gave it."""
    frequency: float = 10 ** (-band / 100)
    return math.log10(frequency) + 9.0 if frequency > 0.0 else 0.0


def read_table(path: str) -> FrequencyTable:
    """wordfreq's cBpack file (gzipped msgpack: a header, then one list of words per band), a band at a time."""
    hashes, bands = array("q"), array("H")
    with gzip.open(path, "rb") as handle:
        unpacker = msgpack.Unpacker(handle, raw=False)
        count = unpacker.read_array_header()
        header = unpacker.unpack()
        if not isinstance(header, dict) or header.get("format") != "cB" or header.get("version") != 1:
            raise ValueError(f"an English word list of an unknown format: {header!r}")
        for band in range(count - 1):
            words = unpacker.unpack()
            hashes.extend(map(word_hash, words))
            bands.extend(repeat(band, len(words)))
            del words
    # A word in two bands has the later one, as in wordfreq's dictionary: the stable sort keeps the reading
    # order among equal hashes, and the last of each run is kept.
    order = np.argsort(np.frombuffer(hashes, dtype=np.int64), kind="stable")
    ordered = np.frombuffer(hashes, dtype=np.int64)[order]
    last = np.append(ordered[1:] != ordered[:-1], True)
    if not last.all():
        order, ordered = order[last], ordered[last]
    banded = np.frombuffer(bands, dtype=np.uint16)[order]
    return FrequencyTable(ordered.data, banded.data, tuple(_band_zipf(b) for b in range(count - 1)))


@cache
def _table() -> FrequencyTable:
    started = time.perf_counter()
    from wordfreq import available_languages  # a large import, needed only once a word is unknown

    table = read_table(available_languages("best")["en"])
    log.debug("read %d English word frequencies in %.3f s", len(table.hashes), time.perf_counter() - started)
    return table


def load() -> None:
    """Read the English list now: a long-running front end calls this at start-up (`startup.warm_up`), off
    its event loop, so that no reader's first question waits for it."""
    _table()


@lru_cache(maxsize=REMEMBERED_WORDS)
def zipf(word: str) -> float:
    """The word's frequency on the Zipf scale (0 for a word English has no record of)."""
    return table_zipf(_table(), word)


def table_zipf(table: FrequencyTable, word: str) -> float:
    """The word's Zipf value in a table read by `read_table` (0 for a word it does not hold)."""
    key = word_hash(word)
    at = bisect_left(table.hashes, key)
    if at < len(table.hashes) and table.hashes[at] == key:
        return table.zipfs[table.bands[at]]
    return 0.0


def rarity(word: str) -> float:
    """From 0 (an everyday word) to 1 (a rare word or a name): the share of full weight a word gets."""
    return min(max((COMMON_ZIPF - zipf(word)) / (COMMON_ZIPF - RARE_ZIPF), 0.0), 1.0)
