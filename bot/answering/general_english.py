"""How telling a word is in general English, for the words a knowledge base never uses.

A question often carries words the story has no use for: "everyone", "uncle", "essay", a greeting.
Weighing them like the knowledge base's rarest word made every chat word count as evidence against the
answer. Their weight now comes from how common they are in English at large, from `wordfreq`'s English
list (Zipf scale: log10 of uses per billion words; "the" is about 7.7, "uncle" 4.5, "palantir" 2.2, a
word it has never seen 0): a common word barely counts, while a rare one ("Palantir", "Clearview")
still marks a question about something the story does not cover.

The list (about 320,000 words) is read once per process: 0.4-0.6 s and about 40 MB of peak resident
memory (the import and the list, measured around the first `Engine.ask` of such a question with
`time.perf_counter` and `getrusage`); every word after that is one dictionary look-up. A long-running
front end reads it at start-up (`load`, through `startup.warm_up`); a one-shot command (`storybot ask`)
reads it on the first question that needs it.
"""

from __future__ import annotations

import logging
import math
import time
from functools import cache

log = logging.getLogger(__name__)

# Words at least this common in English (Zipf ≥ 6: "everyone" is 5.5, "the" 7.7) say nothing about what the
# question is about; words at most this rare (Zipf ≤ 3: "palantir" 2.2, "moratorium" 3.1, invented words)
# are as telling as the knowledge base's rarest word. In between ("uncle" 4.5, "google" 4.9) the weight
# falls linearly with the logarithm of the frequency; how much the words that remain count against an
# answer is fitted with the decision (`unknown_share`).
COMMON_ZIPF = 6.0
RARE_ZIPF = 3.0


@cache
def _frequencies() -> dict[str, float]:
    started = time.perf_counter()
    from wordfreq import get_frequency_dict  # a large import, needed only once a word is unknown

    frequencies = get_frequency_dict("en", wordlist="best")
    log.debug("read %d English word frequencies in %.3f s", len(frequencies), time.perf_counter() - started)
    return frequencies


def load() -> None:
    """Read the English list now: a long-running front end calls this at start-up (`startup.warm_up`), off
    its event loop, so that no reader's first question waits for it."""
    _frequencies()


def zipf(word: str) -> float:
    """The word's frequency on the Zipf scale (0 for a word English has no record of)."""
    frequency = _frequencies().get(word, 0.0)
    return math.log10(frequency) + 9.0 if frequency > 0.0 else 0.0


def rarity(word: str) -> float:
    """From 0 (an everyday word) to 1 (a rare word or a name): the share of full weight a word gets."""
    return min(max((COMMON_ZIPF - zipf(word)) / (COMMON_ZIPF - RARE_ZIPF), 0.0), 1.0)
