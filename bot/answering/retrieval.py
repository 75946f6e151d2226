"""Finding the entries worth a closer look: tantivy's best docs for a question, each entry kept by its best.

The first stage is a tantivy index of the engine's own analysed terms (`tantivy_index`): BM25 over every
doc (phrasings, keyword lists and each entry's other text) picks the CANDIDATE_DOCS docs that best match
the question's terms. Those few are scored again the engine's way, a quick score of how much of the
question's weight (word rarity over entries, `index`) a doc explains and how much of its own weight the
question covers; each entry keeps its best doc, and the best entries (the shortlist) go on to the
features and the fitted decision (`ranking`, `decision`).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.answering.entry_index import SeldomRead
from bot.answering.tantivy_index import RetrievalIndex
from bot.knowledge.model import KnowledgeBase

if TYPE_CHECKING:
    from bot.answering.shortlist_features import Rows

SHORTLIST = 200  # entries given the full, slower scoring
# A question whose gathering terms are in at most FULL_SCORING docs has every one of them scored (in a
# story, every doc that shares a word with it); otherwise only BM25's best CANDIDATE_DOCS are. In an
# archive of 100,000 entries (about 480,000 docs), those hold the right entry among the features' few
# as often as 1,000 do (150 of 160 benchmark questions), and scoring them again costs well under a
# millisecond (about 1 µs a doc).
FULL_SCORING = 1000
CANDIDATE_DOCS = 200
# A knowledge base of at most this many docs (a story, not an archive) has all of them read at once: every doc
# that shares a word with a question would be scored anyway.
READ_ALL_DOCS = FULL_SCORING
# A term in more docs than this share of them ("what", "police" in a police story), and in at least
# MIN_COMMON, gathers no candidates: BM25 gives it little weight, yet its long list costs tantivy as
# much as the rest of the question (9-13 ms a question at 100,000 entries, against under 0.5 ms
# without). It still counts when the candidates are scored again.
COMMON_SHARE = 1 / 20
MIN_COMMON = 2000
# A question of common terms only is gathered by its rarest few.
RAREST_GATHERING = 2
# Of a phrasing's quick score: how much of the question it explains (the rest: how much of it is asked).
COVERED_SHARE = 0.6
# Keyword and content docs are hints, not questions: scored on how much of the question they explain,
# a little below a phrasing that explains as much and is asked in full.
KEYWORD_SHARE = 0.9


class Retrieval:
    """The shortlist of a question, from the first stage's candidates."""

    kb: KnowledgeBase
    _term_text: list[str]
    _idf: array[float]
    _entry_ids: Sequence[str]
    _doc_entry: array[int]
    _doc_phrasing: array[int]
    _doc_offsets: array[int]
    _doc_terms: array[int]
    _doc_weight: array[float]
    _entry_phrasings: array[int]
    _phrasing_offsets: array[int]
    _phrasing_bytes: SeldomRead  # every phrasing in UTF-8, one after another
    _first_stage: RetrievalIndex
    _rows: Rows | None  # a story's rows, whose sums the features read too (`shortlist_features`)

    def _best_phrasings(self, query: dict[int, str], weight: float) -> list[tuple[int, float, int]]:
        """(entry, score, doc) of the entries best matched by one of their docs, best first.

        `query` is the question's known terms (id -> text), `weight` the whole question's, unknown words
        included. Each entry keeps its best doc; the first of equal ones (in document order) stays.
        """
        if not query:
            return []
        if self._rows is not None:  # a story: every doc at once, from the rows its features read too
            return self._rows.shortlist({t: self._idf[t] for t in query}, weight, SHORTLIST)
        docs, shared = self._shared(query)
        if not len(docs):
            return []
        kept = shared != 0.0
        docs, shared = docs[kept], shared[kept]
        covered = shared / weight  # how much of the question the doc explains
        phrasing = np.frombuffer(self._doc_phrasing, dtype=np.int32)[docs]
        doc_weight = np.frombuffer(self._doc_weight, dtype=np.float64)[docs]
        # ...and for a phrasing, how much of it the question asks; keyword and content docs are hints.
        scores = np.where(
            phrasing < 0,
            KEYWORD_SHARE * covered,
            COVERED_SHARE * covered + (1 - COVERED_SHARE) * (shared / np.where(phrasing < 0, 1.0, doc_weight)),
        )
        entries = np.frombuffer(self._doc_entry, dtype=np.uint32)[docs].astype(np.int64)
        # Each entry's best doc (the first of equal ones), then entries by score, ties in entry order.
        order = np.lexsort((docs, -scores, entries))
        _, best = np.unique(entries[order], return_index=True)
        chosen = order[best]
        ranked = chosen[np.lexsort((entries[chosen], -scores[chosen]))][:SHORTLIST]
        return list(zip(entries[ranked].tolist(), scores[ranked].tolist(), docs[ranked].tolist(), strict=True))

    def _shared(self, query: dict[int, str]) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        """The candidate docs (in document order) and how much of the question's weight each shares."""
        offsets = np.frombuffer(self._doc_offsets, dtype=np.uint32)
        if self._first_stage.doc_count <= READ_ALL_DOCS:
            # The docs without a word of the question fall out below, as if tantivy had not found them: asking it
            # which they are took a third of a question's time.
            docs = np.arange(len(offsets) - 1, dtype=np.int64)
            if not len(docs):
                return docs, docs.astype(np.float64)
        else:
            terms, candidates = self._gathering_terms(query.values())
            hits = self._first_stage.doc_ids(terms, candidates if candidates <= FULL_SCORING else CANDIDATE_DOCS)
            if not hits:
                return np.zeros(0, dtype=np.int64), np.zeros(0)
            docs = np.unique(np.fromiter(hits, dtype=np.int64, count=len(hits)))  # in document order
        # In numpy, over the candidates' terms at once: a Python loop over up to FULL_SCORING docs of a dozen
        # terms each was most of a question's time. Each figure is worked out as that loop did, in the same
        # order (a doc's shared weight summed term by term, left to right), so that scores, ties and the
        # order they give are the same to the last bit.
        starts = offsets[docs].astype(np.int64)
        lengths = offsets[docs + 1].astype(np.int64) - starts
        # Where each candidate's terms sit in the flat array, one candidate after another.
        ends = np.cumsum(lengths)
        positions = np.arange(int(ends[-1]), dtype=np.int64) + np.repeat(starts - (ends - lengths), lengths)
        flat = np.frombuffer(self._doc_terms, dtype=np.uint32)[positions]
        asked = np.fromiter(sorted(query), dtype=np.uint32, count=len(query))
        asked_idf = np.array([self._idf[t] for t in asked.tolist()], dtype=np.float64)
        slot = np.minimum(np.searchsorted(asked, flat), len(asked) - 1)
        matched = np.flatnonzero(asked[slot] == flat)  # positions of asked terms, in order
        owner = np.repeat(np.arange(len(docs)), lengths)[matched]  # the candidate each belongs to
        values = asked_idf[slot[matched]]
        # bincount adds in the order it is given: each candidate's asked terms left to right.
        shared = np.bincount(owner, weights=values, minlength=len(docs))
        return docs, shared

    def _gathering_terms(self, terms: Iterable[str]) -> tuple[list[str], int]:
        """The question's terms that bring in candidates: all but the common ones, or else its rarest few;
        and at most how many docs they bring in."""
        stage = self._first_stage
        common = max(MIN_COMMON, int(COMMON_SHARE * stage.doc_count))
        counted = sorted((stage.doc_freq(t), t) for t in terms)
        kept = [(count, t) for count, t in counted if count <= common] or counted[:RAREST_GATHERING]
        return [t for _, t in kept], min(sum(count for count, _ in kept), stage.doc_count)

    def _phrasing(self, doc: int) -> str:
        """The text of a doc: its phrasing, or for keyword and content docs, the entry's first phrasing. Read
        from the engine's own copy of the phrasings: the entry itself stays unread (`index`)."""
        number = self._doc_phrasing[doc]
        at = self._entry_phrasings[self._doc_entry[doc]] + (number if number >= 0 else 0)
        return str(self._phrasing_bytes[self._phrasing_offsets[at] : self._phrasing_offsets[at + 1]], "utf-8")

    def _doc_names(self, doc: int) -> set[str]:
        texts = (self._term_text[t] for t in self._doc_terms[self._doc_offsets[doc] : self._doc_offsets[doc + 1]])
        return {t for t in texts if t.startswith("@")}
