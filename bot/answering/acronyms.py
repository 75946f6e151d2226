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

from collections import Counter
from collections.abc import Callable, Iterable, Iterator

from bot.answering.normalize import is_filler
from bot.knowledge.model import Entry, KnowledgeBase
from bot.knowledge.text import clean

MIN_LETTERS = 2  # one letter is an initial, not an acronym
MAX_LETTERS = 6  # longer all-letter words are words, not initials
MIN_RUN = 2
MAX_RUN = 5  # acronyms of longer phrases are rare, and each longer run multiplies the table
_AMBIGUOUS = ""  # initials of two different runs: no reading
# The runs that have the same initials are counted up to this many: an edit may take as many away from
# initials that many runs have before an update can no longer tell that two are left (`updated_table`).
PHRASES_COUNTED = 64


def could_be_acronym(word: str) -> bool:
    """Whether a cleaned word has the shape of an acronym: two to six letters, nothing else."""
    return MIN_LETTERS <= len(word) <= MAX_LETTERS and word.isascii() and word.isalpha()


def initials(words: Iterable[str]) -> set[str]:
    """A name's initials, with and without its filler words ("power and light": "pal", "pl")."""
    words = list(words)
    return {"".join(w[0] for w in words), "".join(w[0] for w in words if not is_filler(w))}


def _plain_words(text: str) -> list[str]:
    """A text's cleaned words: the expansion is read like the words of the question it replaces."""
    return clean(text).split()


def _texts(kb: KnowledgeBase) -> Iterable[str]:
    yield from texts(kb.entries.values())
    yield from names(kb)


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


def _keyed_runs(tokens: list[str], partial: set[str]) -> list[tuple[str, str]]:
    """(initials, run) of every run of a text's words that has initials, but runs only part of a name."""
    found: list[tuple[str, str]] = []
    filler = [is_filler(w) for w in tokens]
    for start in range(len(tokens)):
        if filler[start]:
            continue
        # `initials` of each run from `start`, grown a word at a time: with and without its fillers
        every = content = tokens[start][0]
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
                    found.append((key, phrase))
    return found


def counted_table(
    texts: Iterable[str], words: Callable[[str], list[str]], names: Iterable[str] = ()
) -> tuple[dict[str, str], dict[str, int]]:
    """Initials -> the one run of words that has them ("" when several runs do), no run that is only part of
    one of `names`; and for each initials, how often their one run occurs (in distinct texts), or how many
    runs have them (up to PHRASES_COUNTED: at least that many beyond)."""
    runs: dict[str, dict[str, int]] = {}  # initials -> their runs (the first PHRASES_COUNTED) -> occurrences
    partial = _inside_names(names, words)
    seen: set[str] = set()  # a text read once is enough: names and answers recur across entries
    for text in texts:
        if text in seen:
            continue
        seen.add(text)
        for key, phrase in _keyed_runs(words(text), partial):
            found = runs.get(key)
            if found is None:
                runs[key] = {phrase: 1}
            elif phrase in found:
                found[phrase] += 1
            elif len(found) < PHRASES_COUNTED:
                found[phrase] = 1
    table = {key: next(iter(found)) if len(found) == 1 else _AMBIGUOUS for key, found in runs.items()}
    counts = {key: next(iter(found.values())) if len(found) == 1 else len(found) for key, found in runs.items()}
    return table, counts


def build_table(texts: Iterable[str], words: Callable[[str], list[str]], names: Iterable[str] = ()) -> dict[str, str]:
    """Initials -> the one run of words that has them ("" when several runs do); no run that is only part
    of one of `names`."""
    return counted_table(texts, words, names)[0]


def updated_table(
    table: dict[str, str],
    counts: dict[str, int],
    removed: Iterable[str],
    added: Iterable[str],
    partial: set[str],
) -> tuple[dict[str, str], dict[str, int]] | None:
    """`counted_table` after some texts are gone (`removed`: no longer in the knowledge base) and others come
    (`added`), the names unchanged; None when what is kept cannot tell (an edit took away runs of initials that
    had few, and it is not known whether one is left)."""
    table, counts = dict(table), dict(counts)
    gone: dict[str, Counter[str]] = {}
    new: dict[str, Counter[str]] = {}
    for texts_read, found in ((removed, gone), (added, new)):
        for text in texts_read:
            for key, phrase in _keyed_runs(_plain_words(text), partial):
                found.setdefault(key, Counter())[phrase] += 1
    for key in gone.keys() | new.keys():
        lost, came = gone.get(key, Counter()), new.get(key, Counter())
        known = table.get(key)
        if known:  # one run had these initials: how often it still occurs, and which others came
            if set(lost) - {known}:
                return None  # a text that was there had another run with them: not what was kept
            left = counts[key] - lost[known] + came[known]
            runs: dict[str, int] = {phrase: n for phrase, n in came.items() if phrase != known}
            if left < 0:
                return None
            if left:
                runs[known] = left
        elif known is None:  # no run had them
            runs = dict(came)
        else:  # several runs had them: they still do if more are surely left than two
            at_least = max(counts[key] - len(set(lost) - set(came)), len(came))
            if at_least < 2:
                return None
            counts[key] = min(at_least, PHRASES_COUNTED)
            continue
        if not runs:
            table.pop(key, None)
            counts.pop(key, None)
        elif len(runs) == 1:
            ((table[key], counts[key]),) = runs.items()
        else:
            table[key], counts[key] = _AMBIGUOUS, min(len(runs), PHRASES_COUNTED)
    return table, counts


class Acronyms:
    """The acronym table of one knowledge base, built on first use (or from an earlier one's: `updated`)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        self._table: dict[str, str] | None = None
        self._counts: dict[str, int] = {}  # what the table was built from, for an update (`counted_table`)

    def phrase(self, word: str) -> list[str] | None:
        """The words of the one phrase whose initials a word is, if there is exactly one."""
        if not could_be_acronym(word):
            return None
        found = self._built().get(word)
        return found.split() if found else None

    def _built(self) -> dict[str, str]:
        if self._table is None:
            self._table, self._counts = counted_table(_texts(self._kb), _plain_words, names(self._kb))
        return self._table

    def updated(self, kb: KnowledgeBase, removed: Iterable[str], added: Iterable[str]) -> Acronyms | None:
        """The table of `kb`, the knowledge base this one's became once `removed` texts went and `added` ones
        came (the names of its people unchanged); None when only reading every text again can tell."""
        if self._table is None or names(self._kb) != names(kb):
            return None
        found = updated_table(self._table, self._counts, removed, added, _inside_names(names(kb), _plain_words))
        if found is None:
            return None
        acronyms = Acronyms(kb)
        acronyms._table, acronyms._counts = found
        return acronyms

    def __getstate__(self) -> dict[str, object]:
        # A cached engine carries its table: built from every entry, it would otherwise read the whole
        # archive back into memory on a warm engine's first acronym.
        return {"_kb": self._kb, "_table": self._built(), "_counts": self._counts}


def names(kb: KnowledgeBase) -> list[str]:
    """Every name and alias of the knowledge base's people, which no run only part of may stand for."""
    return [name for speaker in kb.speakers.values() for name in speaker.names]


def texts(entries: Iterable[Entry]) -> Iterator[str]:
    """The texts of entries whose runs of words the table is built from."""
    for entry in entries:
        yield from entry.keywords
        yield entry.answer
