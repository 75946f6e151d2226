"""Finding the entries worth a closer look: a quick score of every doc that shares a word with a question.

A doc's quick score is how much of the question's weight (word rarity, IDF as in BM25) it explains and
how much of its own weight the question covers. Each entry keeps its best doc, and the best few hundred
entries (the shortlist) go on to the features and the fitted decision (`ranking`, `decision`). On a
large base most docs are skipped without being read when they cannot reach the shortlist.
"""

from __future__ import annotations

import heapq
from array import array
from collections import Counter
from collections.abc import Iterable
from itertools import compress, repeat

from bot.knowledge.model import KnowledgeBase

SHORTLIST = 200  # entries given the full, slower scoring
MIN_POSTINGS = 2000  # a term in fewer phrasings than this always gathers candidates
FULL_SCORING = 3000  # candidates up to this many are all scored; beyond, those that cannot matter are skipped
MAX_CANDIDATES = 30_000  # phrasings gathered at most (rarest terms first): bounds the time of any question
_MASKED_QUESTION_TERMS = 8  # a question with more common words than this has its phrasings read in full
# Of a phrasing's quick score: how much of the question it explains (the rest: how much of it is asked).
COVERED_SHARE = 0.6
# Keyword and content docs are hints, not questions: scored on how much of the question they explain,
# a little below a phrasing that explains as much and is asked in full.
KEYWORD_SHARE = 0.9


class PhrasingScores:
    """The best phrasing score of each entry, as phrasings (docs) are scored against one question.

    A phrasing's score is how much of the question's weight it explains and how much of its own weight
    the question covers (keyword and content docs, which are hints rather than questions: only the first). Each entry
    keeps its best phrasing; the first of equal ones stays.
    """

    def __init__(self, engine: Retrieval, weights: dict[int, float], weight: float) -> None:
        self.engine = engine
        self.weights = weights  # of the question's terms, by term id
        self.weight = weight  # of the whole question, unknown words included
        self.best: dict[int, float] = {}  # entry -> score of its best phrasing
        self.best_doc: dict[int, int] = {}
        # The first scores of the best SHORTLIST entries: each is at most that entry's best, so the lowest
        # is a floor an entry must reach to make the shortlist, cheap to keep as scores come in.
        self.firsts: list[float] = []

    def floor(self) -> float:
        return self.firsts[0] if len(self.firsts) >= SHORTLIST else 0.0

    def _first(self, score: float) -> None:
        if len(self.firsts) < SHORTLIST:
            heapq.heappush(self.firsts, score)
        elif score > self.firsts[0]:
            heapq.heapreplace(self.firsts, score)

    def add(self, docs: Iterable[int]) -> None:
        """Score docs, reading the terms of each."""
        engine = self.engine
        get, zero, weight = self.weights.get, repeat(0.0), self.weight
        offsets, flat, doc_weight = engine._doc_offsets, engine._doc_terms, engine._doc_weight
        doc_entry, doc_phrasing = engine._doc_entry, engine._doc_phrasing
        covered_share, explained_share = COVERED_SHARE, 1 - COVERED_SHARE
        best, best_doc = self.best, self.best_doc
        # The hottest loop of a question: kept to a few calls into C per phrasing.
        for doc in docs:
            shared = sum(map(get, flat[offsets[doc] : offsets[doc + 1]], zero))
            if shared == 0.0:
                continue
            covered = shared / weight  # how much of the question the phrasing explains
            if doc_phrasing[doc] < 0:
                score = KEYWORD_SHARE * covered
            else:  # ...and how much of the phrasing the question asks
                score = covered_share * covered + explained_share * (shared / doc_weight[doc])
            entry = doc_entry[doc]
            known = best.get(entry)
            if known is None:
                self._first(score)
            elif score <= known:
                continue
            best[entry] = score
            best_doc[entry] = doc

    def add_lightest(self, docs: Iterable[int], shared: float) -> None:
        """Score phrasings that share the same weight with the question, lightest first, while they can
        still make the shortlist: each scores less than the one before."""
        engine = self.engine
        doc_weight, doc_entry = engine._doc_weight, engine._doc_entry
        covered = shared / self.weight
        base, explained_share = COVERED_SHARE * covered, 1 - COVERED_SHARE
        best, best_doc = self.best, self.best_doc
        floor = self.floor()
        for count, doc in enumerate(docs):
            score = base + explained_share * (shared / doc_weight[doc])
            if score < floor:
                break
            entry = doc_entry[doc]
            known = best.get(entry)
            if known is None:
                self._first(score)
            elif score <= known:
                continue
            best[entry] = score
            best_doc[entry] = doc
            if count % 256 == 255:
                floor = self.floor()

    def add_keywords(self, docs: Iterable[int], shared: float) -> None:
        """Score keyword docs that share the same weight with the question (so all score the same)."""
        score = KEYWORD_SHARE * (shared / self.weight)
        if score < self.floor():
            return
        doc_entry, best, best_doc = self.engine._doc_entry, self.best, self.best_doc
        for doc in docs:
            entry = doc_entry[doc]
            known = best.get(entry)
            if known is None:
                self._first(score)
            elif score <= known:
                continue
            best[entry] = score
            best_doc[entry] = doc

    def shortlist(self) -> list[tuple[int, float, int]]:
        """(entry, score, doc) of the best few hundred entries, best first: only those are worth the
        finer (and slower) look, and sorting only those is what is quick."""
        best = self.best
        kept = list(best.items())
        if len(kept) > SHORTLIST:
            floor = sorted(best.values(), reverse=True)[SHORTLIST - 1]
            kept = [(entry, score) for entry, score in kept if score >= floor]
        kept.sort(key=lambda hit: -hit[1])  # stable: ties keep the order they were found in
        return [(entry, score, self.best_doc[entry]) for entry, score in kept[:SHORTLIST]]


class Retrieval:
    """The shortlist of a question, from the index's postings."""

    kb: KnowledgeBase
    _term_text: list[str]
    _idf: array[float]
    _entry_ids: list[str]
    _doc_entry: array[int]
    _doc_phrasing: array[int]
    _doc_offsets: array[int]
    _doc_terms: array[int]
    _doc_weight: array[float]
    _doc_mask: array[int]
    _mask_bit: dict[int, int]
    _post_offsets: array[int]
    _post_docs: array[int]
    _keyword_starts: array[int]

    def _gathering_terms(self, query: Iterable[int]) -> list[int]:
        """The question's terms that bring in candidate phrasings, rarest first.

        Terms found in a large share of phrasings ("what", "police" in a police story) would each
        bring in thousands of candidates for little information, so only the rarer terms gather
        candidates; all terms still count when the candidates are scored.
        """
        offsets = self._post_offsets
        # Terms found only in answers and evidence lead to no phrasing.
        known = sorted((n, self._term_text[t], t) for t in query if (n := offsets[t + 1] - offsets[t]))
        limit = max(MIN_POSTINGS, len(self._doc_entry) // 20)
        # A question made only of such common words is not specific enough to answer from a large base.
        return [t for count, _, t in known if count <= limit]

    def _best_phrasings(self, query: dict[int, str], weight: float) -> list[tuple[int, float, int]]:
        """(entry, score, doc) of the entries best matched by one of their phrasings, best first."""
        weights = {t: self._idf[t] for t in query}
        scores = PhrasingScores(self, weights, weight)
        gathering = self._gathering_terms(query)
        offsets = self._post_offsets
        if sum(offsets[t + 1] - offsets[t] for t in gathering) <= FULL_SCORING:
            docs = self._post_docs
            candidates: set[int] = set()
            for t in gathering:  # in document order, as always: equal scores fall to the same phrasing
                candidates.update(sorted(docs[offsets[t] : offsets[t + 1]]))
            scores.add(candidates)
        else:
            self._score_pruned(scores, gathering, weights)
        return scores.shortlist()

    def _score_pruned(self, scores: PhrasingScores, gathering: list[int], weights: dict[int, float]) -> None:
        """Score the candidates of a question whose terms list thousands of phrasings (a large base),
        skipping only phrasings that cannot put their entry on the shortlist.

        Phrasings with two or more gathering terms are all scored. The others, those of one gathering
        term t, share with the question t and some of its remaining terms, which the phrasing's mask
        tells; phrasings that share the same are scored lightest first (the order of the postings), so
        each such run stops at the first that scores below the shortlist's floor.
        """
        offsets, docs, keyword_starts = self._post_offsets, self._post_docs, self._keyword_starts
        seen: set[int] = set()
        several: set[int] = set()
        used: list[int] = []
        for t in gathering:
            if len(seen) >= MAX_CANDIDATES:  # rarest first: what is left says little
                break
            listed = docs[offsets[t] : offsets[t + 1]]
            several.update(seen.intersection(listed))
            seen.update(listed)
            used.append(t)
        others = [t for t in weights if t not in used and offsets[t + 1] > offsets[t]]
        if len(others) > _MASKED_QUESTION_TERMS or not all(t in self._mask_bit for t in others):
            scores.add(seen)  # rare: too many common words, or one without a bit; read every phrasing
            return
        scores.add(several)
        mask = 0
        shares = {0: 0.0}  # what the other terms a mask shows add up to: every combination
        for t in others:
            bit = self._mask_bit[t]
            shares.update({sub | bit: share + weights[t] for sub, share in shares.items()})
            mask |= bit
        doc_mask, doc_weight = self._doc_mask, self._doc_weight
        for t in sorted(used, key=lambda t: -weights[t]):
            start, split, end = offsets[t], keyword_starts[t], offsets[t + 1]
            phrasings, keywords = docs[start:split], docs[split:end]
            phrasing_masks = list(map(mask.__and__, map(doc_mask.__getitem__, phrasings))) if mask else []
            keyword_masks = list(map(mask.__and__, map(doc_mask.__getitem__, keywords))) if mask else []
            lightest = doc_weight[phrasings[0]] if phrasings else 0.0
            found = Counter(phrasing_masks) + Counter(keyword_masks) if mask else {0: 1}
            for sub, share in sorted(shares.items(), key=lambda kv: -kv[1]):
                if sub not in found:  # no phrasing of this list shares just that
                    continue
                shared = weights[t] + share
                covered = shared / scores.weight
                if phrasings:
                    most = COVERED_SHARE * covered + (1 - COVERED_SHARE) * (shared / lightest)
                    if most >= scores.floor():
                        scores.add_lightest(
                            compress(phrasings, map(sub.__eq__, phrasing_masks)) if mask else phrasings, shared
                        )
                if keywords:
                    scores.add_keywords(
                        compress(keywords, map(sub.__eq__, keyword_masks)) if mask else keywords, shared
                    )

    def _phrasing(self, doc: int) -> str:
        """The text of a doc: its phrasing, or for keyword and content docs, the entry's first phrasing."""
        entry = self.kb.entries[self._entry_ids[self._doc_entry[doc]]]
        number = self._doc_phrasing[doc]
        return entry.questions[number if number >= 0 else 0]

    def _doc_names(self, doc: int) -> set[str]:
        texts = (self._term_text[t] for t in self._doc_terms[self._doc_offsets[doc] : self._doc_offsets[doc + 1]])
        return {t for t in texts if t.startswith("@")}
