"""The features of a story's shortlisted entries, from one pass of numpy over the whole index.

`ranking.candidate` says what each feature is, one entry at a time, and stays the reference (and the path of an
archive). What costs most there is summing the question's weight over each doc, passage and bag of each entry,
term by term in Python. A story (at most `retrieval.READ_ALL_DOCS` docs) is small enough to have all of those
sums worked out at once: every row (doc, passage, bag, and the terms of an entry's phrasings and keywords) is
laid out in one flat array, weighed in one look-up and summed by `np.bincount`, which adds a row's values in
the order given, from 0, as `sum` does (a term the question does not ask adds 0.0, which changes no sum). Every
feature is so the same to the last bit, and the ranking and decision those `candidate` gives
(`tests/answering/test_shortlist_features.py`). What is read of one doc (its text, names, own terms) is worked
out once and kept. Only the sums differ between the two paths: the features are assembled from them in one place
(`ranking.assembled`).
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from bot.answering.entry_index import CONTENT, KEYWORDS
from bot.answering.ranking import (
    SWAP_COVER,
    Candidate,
    IndexView,
    Question,
    Sums,
    assembled,
    candidate,
    own_topic,
    topic_share,
)
from bot.answering.retrieval import COVERED_SHARE, KEYWORD_SHARE, READ_ALL_DOCS
from bot.knowledge.text import clean


class _Doc:
    """What the features read of one doc: its text as written and cleaned, the speakers it names, and its own
    terms (beyond names and question words) with their weight (`question_covers_phrasing_topic`)."""

    __slots__ = ("cleaned", "names", "own", "own_weight", "text")

    def __init__(self, engine: IndexView, doc: int) -> None:
        self.text = engine._phrasing(doc)
        self.cleaned = clean(self.text)
        self.names = frozenset(engine._doc_names(doc))
        self.own, self.own_weight = own_topic(
            engine, engine._doc_terms[engine._doc_offsets[doc] : engine._doc_offsets[doc + 1]]
        )


class StoryIndex(Protocol):
    """What the rows are laid out from (an engine's index)."""

    _entry_docs: array[int]
    _doc_offsets: array[int]
    _doc_terms: array[int]
    _doc_weight: array[float]
    _doc_phrasing: array[int]
    _doc_entry: array[int]
    _passage_offsets: array[int]
    _passage_terms: array[int]
    _bag_offsets: array[int]
    _bag_terms: array[int]
    _term_text: list[str]


class Rows:
    """Every row a story's features sum, in one flat array: each doc, each passage, each entry's bag, and each
    entry's focus (its phrasings' and keywords' terms, as the set `candidate` fills, in that set's order)."""

    def __init__(self, engine: StoryIndex) -> None:
        doc_offsets, passage_offsets, bag_offsets = engine._doc_offsets, engine._passage_offsets, engine._bag_offsets
        entries = len(engine._entry_docs) - 1
        self.docs, self.passages = len(doc_offsets) - 1, len(passage_offsets) - 1
        self.bags = self.docs + self.passages  # where the bags' rows start, then the focuses'
        self.focuses = self.bags + entries
        focus_terms: array[int] = array("I")
        focus_offsets = [0]
        for entry in range(entries):
            focus: set[int] = set()
            for doc in range(engine._entry_docs[entry], engine._entry_docs[entry + 1]):
                if engine._doc_phrasing[doc] != CONTENT:
                    focus.update(engine._doc_terms[doc_offsets[doc] : doc_offsets[doc + 1]])
            focus_terms.extend(focus)
            focus_offsets.append(len(focus_terms))
        parts = [
            (engine._doc_terms, doc_offsets),
            (engine._passage_terms, passage_offsets),
            (engine._bag_terms, bag_offsets),
            (focus_terms, focus_offsets),
        ]
        self.terms = np.concatenate([np.frombuffer(terms, dtype=np.uint32) for terms, _ in parts]).astype(np.intp)
        lengths = np.concatenate([np.diff(np.asarray(offsets, dtype=np.int64)) for _, offsets in parts])
        self.rows = np.repeat(np.arange(len(lengths), dtype=np.intp), lengths)
        self.count = len(lengths)
        self.term_count = len(engine._term_text)
        # Where each term is in the flat array: positions by term (each term's in order), and where each term's start.
        self.by_term = np.argsort(self.terms, kind="stable")
        self.term_starts = np.searchsorted(self.terms[self.by_term], np.arange(self.term_count + 1)).tolist()
        self.doc_weight = np.frombuffer(engine._doc_weight, dtype=np.float64)
        # Each entry's phrasing docs (first, end), its keyword doc and its content doc (-1: none).
        self.entry_docs = [_docs_of(engine, entry) for entry in range(entries)]
        # For the first stage (`shortlist`): each doc's entry, whether it is a hint (keywords, content) and its
        # weight as a phrasing's quick score divides by it, and where each entry with docs starts.
        self.doc_entry = np.frombuffer(engine._doc_entry, dtype=np.uint32).astype(np.int64)
        self.hint = np.frombuffer(engine._doc_phrasing, dtype=np.int32) < 0
        self.hint_weight = np.where(self.hint, 1.0, self.doc_weight)
        firsts = np.asarray(engine._entry_docs, dtype=np.int64)
        with_docs = np.flatnonzero(firsts[1:] > firsts[:-1])
        self.entry_first = firsts[with_docs]
        self.doc_slot = np.repeat(np.arange(len(with_docs)), np.diff(firsts)[with_docs])
        self._docs: dict[int, _Doc] = {}
        self._last: tuple[tuple[tuple[int, float], ...], np.ndarray[Any, Any], list[float]] | None = None

    def sums(self, weights: dict[int, float]) -> tuple[np.ndarray[Any, Any], list[float]]:
        """Each row's share of the question's weight (its terms' weights added left to right), as an array and
        as a list. The first stage and the features of one question both ask: the last question's are kept."""
        key = tuple(weights.items())
        last = self._last
        if last is not None and last[0] == key:
            return last[1], last[2]
        dense = np.zeros(self.term_count)
        dense[np.fromiter(weights, dtype=np.intp, count=len(weights))] = list(weights.values())
        # Only where the question's terms are (in the flat array's order): the other terms would add 0.0.
        at, starts = self.by_term, self.term_starts
        positions = np.sort(np.concatenate([at[starts[t] : starts[t + 1]] for t in weights] or [at[:0]]))
        found = np.bincount(self.rows[positions], weights=dense[self.terms[positions]], minlength=self.count)
        self._last = (key, found, found.tolist())  # one assignment: a question in another thread sees all or none
        return self._last[1], self._last[2]

    def shortlist(self, weights: dict[int, float], weight: float, limit: int) -> list[tuple[int, float, int]]:
        """`Retrieval._best_phrasings` over every doc of the story: (entry, quick score, doc) of the entries with
        a doc that shares a word with the question, each by its best doc (the first of equals), best first
        (ties in entry order)."""
        shared = self.sums(weights)[0][: self.docs]
        if not len(self.entry_first):
            return []
        covered = shared / weight
        scores = np.where(
            self.hint,
            KEYWORD_SHARE * covered,
            COVERED_SHARE * covered + (1 - COVERED_SHARE) * (shared / self.hint_weight),
        )
        sharing = shared != 0.0  # a doc that shares nothing is not a candidate
        scores[~sharing] = -np.inf
        best = np.maximum.reduceat(scores, self.entry_first)  # of each entry with docs
        at_best = np.flatnonzero((scores == best[self.doc_slot]) & sharing)
        slots = self.doc_slot[at_best]
        first = np.ones(len(slots), dtype=bool)
        first[1:] = slots[1:] != slots[:-1]
        docs = at_best[first]  # each entry's first doc at its best
        entries, score = self.doc_entry[docs], scores[docs]
        order = np.lexsort((entries, -score))[:limit]
        return list(zip(entries[order].tolist(), score[order].tolist(), docs[order].tolist(), strict=True))

    def doc(self, engine: IndexView, doc: int) -> _Doc:
        found = self._docs.get(doc)
        if found is None:
            found = self._docs[doc] = _Doc(engine, doc)
        return found


def _docs_of(engine: StoryIndex, entry: int) -> tuple[int, int, int, int]:
    """An entry's phrasing docs (first, end), then its keyword doc and its content doc (-1: none), as an entry
    is indexed (`EntryIndexer.add`): its phrasings' docs, then its keywords', then its content's."""
    first, end = engine._entry_docs[entry], engine._entry_docs[entry + 1]
    numbers = list(engine._doc_phrasing[first:end])
    phrasings = sum(1 for n in numbers if n >= 0)
    kinds = numbers[phrasings:]
    if any(n >= 0 for n in kinds) or len(kinds) > len(set(kinds)):
        raise _Unlaid(entry)
    keyword = first + kinds.index(KEYWORDS) + phrasings if KEYWORDS in kinds else -1
    content = first + kinds.index(CONTENT) + phrasings if CONTENT in kinds else -1
    return first, first + phrasings, keyword, content


class _Unlaid(ValueError):
    """An entry's docs not in the order entries are indexed in: its features are worked out one entry at a time."""


def story_rows(engine: StoryIndex) -> Rows | None:
    """The rows of an engine's story; None for an archive (more than READ_ALL_DOCS docs: `candidate` it is)."""
    if len(engine._doc_offsets) - 1 > READ_ALL_DOCS:
        return None
    try:
        return Rows(engine)
    except _Unlaid:
        return None


class _Engine(IndexView, Protocol):
    _rows: Rows | None


def candidates(engine: _Engine, question: Question, entries: Sequence[int]) -> list[Candidate]:
    """`[ranking.candidate(engine, question, entry) for entry in entries]`: at once for a story's engine."""
    rows = engine._rows
    if rows is None:
        return [candidate(engine, question, entry) for entry in entries]
    weights, weight = question.weights, question.weight
    all_sums, sums = rows.sums(weights)
    # Each phrasing's worth as the best phrasing: how much of the question it explains, and of itself is asked.
    shared = all_sums[: rows.docs]
    explained_of = np.divide(shared, rows.doc_weight, out=np.zeros(rows.docs), where=rows.doc_weight != 0)
    value, explained = (shared / weight + explained_of).tolist(), explained_of.tolist()
    unknown = question.unknown_share > 0.0 or question.unknown_name > 0.0
    swap_at = SWAP_COVER * weight
    name_terms = question.name_terms
    passage_rows = engine._entry_passages
    found = []
    for entry in entries:
        first, end, keyword_doc, content_doc = rows.entry_docs[entry]
        if first < end:  # the first of the best phrasings (`max` keeps the first of equals)
            best_doc = max(range(first, end), key=value.__getitem__)
            covers, covered = sums[best_doc] / weight, explained[best_doc]
        else:  # an entry with no phrasing of its own words: read as its first doc
            best_doc, covers, covered = engine._entry_docs[entry], 0.0, 0.0
        # A phrasing that asks much of the question about someone it leaves out, while it has a word the story
        # never uses: that word is most likely a name in their place.
        swapped = unknown and any(
            rows.doc(engine, doc).names - name_terms for doc in range(first, end) if sums[doc] >= swap_at
        )
        content = sums[content_doc] / weight if content_doc >= 0 else 0.0
        keywords = sums[keyword_doc] / weight if keyword_doc >= 0 else min(content, covers)
        passage = max(sums[rows.docs + passage_rows[entry] : rows.docs + passage_rows[entry + 1]], default=0.0)
        view = rows.doc(engine, best_doc)
        topic = topic_share(engine, question, view.own, view.own_weight)
        entry_sums = Sums(
            best_doc,
            covers,
            covered,
            sums[rows.bags + entry] / weight,
            content,
            keywords,
            passage / weight,
            sums[rows.focuses + entry] / weight,
        )
        found.append(assembled(engine, question, entry, entry_sums, swapped, view.cleaned, view.names, topic))
    return found


def phrasing(engine: _Engine, doc: int) -> str:
    """A doc's phrasing, as `Retrieval._phrasing` reads it (kept, for a story)."""
    return engine._rows.doc(engine, doc).text if engine._rows is not None else engine._phrasing(doc)
