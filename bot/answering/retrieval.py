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
from collections.abc import Iterable
from itertools import repeat

from bot.answering.tantivy_index import RetrievalIndex
from bot.knowledge.model import KnowledgeBase

SHORTLIST = 200  # entries given the full, slower scoring
# A question whose gathering terms are in at most FULL_SCORING docs has every one of them scored (in a
# story, every doc that shares a word with it); otherwise only BM25's best CANDIDATE_DOCS are. In an
# archive of 100,000 entries (about 480,000 docs), those hold the right entry among the features' few
# as often as 1,000 do (150 of 160 benchmark questions), and scoring them again costs well under a
# millisecond (about 1 µs a doc).
FULL_SCORING = 1000
CANDIDATE_DOCS = 200
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
    _entry_ids: list[str]
    _doc_entry: array[int]
    _doc_phrasing: array[int]
    _doc_offsets: array[int]
    _doc_terms: array[int]
    _doc_weight: array[float]
    _first_stage: RetrievalIndex

    def _best_phrasings(self, query: dict[int, str], weight: float) -> list[tuple[int, float, int]]:
        """(entry, score, doc) of the entries best matched by one of their docs, best first.

        `query` is the question's known terms (id -> text), `weight` the whole question's, unknown words
        included. Each entry keeps its best doc; the first of equal ones (in document order) stays.
        """
        terms, candidates = self._gathering_terms(query.values())
        hits = self._first_stage.doc_ids(terms, candidates if candidates <= FULL_SCORING else CANDIDATE_DOCS)
        idf = self._idf
        get, zero = {t: idf[t] for t in query}.get, repeat(0.0)
        offsets, flat, doc_weight = self._doc_offsets, self._doc_terms, self._doc_weight
        doc_entry, doc_phrasing = self._doc_entry, self._doc_phrasing
        explained_share = 1 - COVERED_SHARE
        best: dict[int, tuple[float, int]] = {}  # entry -> (score, doc) of its best doc
        # In document order, as the docs were written: equal scores fall to the same doc on every run.
        for doc in sorted(hits):
            shared = sum(map(get, flat[offsets[doc] : offsets[doc + 1]], zero))
            if shared == 0.0:
                continue
            covered = shared / weight  # how much of the question the doc explains
            if doc_phrasing[doc] < 0:
                score = KEYWORD_SHARE * covered
            else:  # ...and how much of the phrasing the question asks
                score = COVERED_SHARE * covered + explained_share * (shared / doc_weight[doc])
            entry = doc_entry[doc]
            known = best.get(entry)
            if known is None or score > known[0]:
                best[entry] = (score, doc)
        kept = sorted(best.items(), key=lambda hit: -hit[1][0])[:SHORTLIST]  # stable: ties keep document order
        return [(entry, score, doc) for entry, (score, doc) in kept]

    def _gathering_terms(self, terms: Iterable[str]) -> tuple[list[str], int]:
        """The question's terms that bring in candidates: all but the common ones, or else its rarest few;
        and at most how many docs they bring in."""
        stage = self._first_stage
        common = max(MIN_COMMON, int(COMMON_SHARE * stage.doc_count))
        counted = sorted((stage.doc_freq(t), t) for t in terms)
        kept = [(count, t) for count, t in counted if count <= common] or counted[:RAREST_GATHERING]
        return [t for _, t in kept], min(sum(count for count, _ in kept), stage.doc_count)

    def _phrasing(self, doc: int) -> str:
        """The text of a doc: its phrasing, or for keyword and content docs, the entry's first phrasing."""
        entry = self.kb.entries[self._entry_ids[self._doc_entry[doc]]]
        number = self._doc_phrasing[doc]
        return entry.questions[number if number >= 0 else 0]

    def _doc_names(self, doc: int) -> set[str]:
        texts = (self._term_text[t] for t in self._doc_terms[self._doc_offsets[doc] : self._doc_offsets[doc + 1]])
        return {t for t in texts if t.startswith("@")}
