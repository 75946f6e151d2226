"""Acronyms of a story's own phrases: a reader types the initials of a phrase the story spells out.

A word the knowledge base never uses, of two to six letters, is read as the phrase whose initials it is
when exactly one run of consecutive words in the knowledge base has them: its keywords, answers and the
names of its people (phrasings restate the answers in a reader's words, and at 100,000 entries they make
the table five times slower to build: 12 s instead of 2.3 s). A run holds two to five words and starts
and ends with a word that carries meaning (no "of the ..."), and its initials are taken both with and
without the filler words inside it ("department of water" gives "dow" and "dw"). Two different runs with
the same initials say nothing: the word is left as typed.

General by construction: the table is built from whatever knowledge base the engine serves. It is built
on the first question that needs it, or when the engine is written to its cache (which a warm engine
then reads it from), so an engine built for one command pays for it only if a reader types an acronym.
At 100,000 entries that takes 2.1-2.3 s once and holds about 4,700
initials, with no measurable rise in peak resident memory (measured around `Acronyms.phrase` with
`time.perf_counter` and `getrusage`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bot.answering.normalize import is_filler
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.text import clean

MIN_LETTERS = 2  # one letter is an initial, not an acronym
MAX_LETTERS = 6  # longer all-letter words are words, not initials
MIN_RUN = 2
MAX_RUN = 5  # acronyms of longer phrases are rare, and each longer run multiplies the table
_AMBIGUOUS = ""  # initials of two different runs: no reading


def could_be_acronym(word: str) -> bool:
    """Whether a cleaned word has the shape of an acronym: two to six letters, nothing else."""
    return MIN_LETTERS <= len(word) <= MAX_LETTERS and word.isascii() and word.isalpha()


def _plain_words(text: str) -> list[str]:
    """A text's cleaned words: the expansion is read like the words of the question it replaces."""
    return clean(text).split()


def _texts(kb: KnowledgeBase) -> Iterable[str]:
    for entry in kb.entries.values():
        yield from entry.keywords
        yield entry.answer
    for speaker in kb.speakers.values():
        yield from speaker.names


def _inside_names(names: Iterable[str], words: Callable[[str], list[str]]) -> set[str]:
    """The runs that are only part of a name ("bend regional transit" in "<town> Bend Regional Transit
    Authority"): a name's initials are those of all of it, and a part of it would make other phrases
    with the same initials ambiguous."""
    whole = {" ".join(words(name)) for name in names}
    parts: set[str] = set()
    for name in whole:
        tokens = name.split()
        parts.update(
            " ".join(tokens[start:end]) for start in range(len(tokens)) for end in range(start + 1, len(tokens) + 1)
        )
    return parts - whole


def build_table(texts: Iterable[str], words: Callable[[str], list[str]], names: Iterable[str] = ()) -> dict[str, str]:
    """Initials -> the one run of words that has them ("" when several runs do); no run that is only part
    of one of `names`."""
    table: dict[str, str] = {}
    partial = _inside_names(names, words)
    seen: set[str] = set()  # a text read once is enough: names and answers recur across entries
    for text in texts:
        if text in seen:
            continue
        seen.add(text)
        tokens = words(text)
        filler = [is_filler(w) for w in tokens]
        for start in range(len(tokens)):
            if filler[start]:
                continue
            every = content = tokens[start][0]  # the initials of the run so far, with and without fillers
            for end in range(start + 1, min(start + MAX_RUN, len(tokens))):
                letter = tokens[end][0]
                every += letter
                if filler[end]:
                    continue
                content += letter
                if len(content) > MAX_LETTERS:
                    break
                phrase = " ".join(tokens[start : end + 1])
                if phrase in partial:
                    continue
                for key in {every, content}:
                    if MIN_LETTERS <= len(key) <= MAX_LETTERS and key.isalpha():
                        known = table.setdefault(key, phrase)
                        if known != phrase:
                            table[key] = _AMBIGUOUS
    return table


class Acronyms:
    """The acronym table of one knowledge base, built on first use."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        self._table: dict[str, str] | None = None

    def phrase(self, word: str) -> list[str] | None:
        """The words of the one phrase whose initials a word is, if there is exactly one."""
        if not could_be_acronym(word):
            return None
        found = self._built().get(word)
        return found.split() if found else None

    def _built(self) -> dict[str, str]:
        if self._table is None:
            names = [name for speaker in self._kb.speakers.values() for name in speaker.names]
            self._table = build_table(_texts(self._kb), _plain_words, names)
        return self._table

    def __getstate__(self) -> dict[str, object]:
        # A cached engine carries its table: built from every entry, it would otherwise read the whole
        # archive back into memory on a warm engine's first acronym.
        return {"_kb": self._kb, "_table": self._built()}
