"""A rebuild: the index of a knowledge base made from its previous engine's, exactly as a cold build would make it.

After an edit most entries are as they were (`rebuild_plan` says which). Their docs, bags, passages, kinds and
words are taken from the previous engine's arrays; only the others are indexed again (`entry_index`), in their
place, so that terms and words are numbered in the order a cold build meets them: an entry taken adds the terms
it first used before, less those already met, and an entry that now first uses a term an edited entry used to
bring is indexed again too. The previous ids are then mapped to the new ones, array by array (numpy). What
depends on every entry is worked out again from the result: word rarity from the bags, the docs' weights
where a term's rarity moved, the vocabulary from every entry's words. An entry's bag is a set of ids, whose
order (which the features sum in) depends on the ids: a taken entry whose ids moved has its bag filled again
the way a cold build fills it.

The first stage's tantivy index is built again from the docs: updated by deletes and adds it would score with
the deleted docs' statistics until merged, and break ties in another order.
"""

from __future__ import annotations

import logging
from array import array
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.answering.entry_index import (
    CONTENT,
    KEYWORDS,
    EntryIndexer,
    IndexBuilder,
    IndexParts,
    SeldomRead,
    carried_by,
    doc_weights,
    idf,
    term_frequencies,
)
from bot.answering.rebuild_plan import Plan, plan
from bot.answering.reusable import other_texts, texts_digest
from bot.knowledge.model import Entry, KnowledgeBase

if TYPE_CHECKING:
    from bot.answering.index import Index

log = logging.getLogger(__name__)

_U32 = np.uintc  # the items of array("I")
_DTYPES: dict[str, type[np.integer[Any]]] = {"I": _U32, "i": np.intc, "B": np.uint8}
_Ints = np.ndarray[Any, Any]


class RebuildError(Exception):
    """The previous engine does not hold what a rebuild needs: a cold build it is."""


@dataclass(frozen=True, slots=True)
class Rebuilt:
    parts: IndexParts
    doc_weight: array[float]
    others: Counter[str] | None  # the words of sources, quotes and people, when their texts are unchanged
    plan: Plan
    indexed: int  # entries indexed again


def _ints(values: Any, dtype: Any = _U32) -> _Ints:
    return np.frombuffer(values, dtype=dtype).astype(np.int64)


def _last_used(offsets: _Ints, values: _Ints) -> _Ints:
    """The largest value of each row (-1 for an empty one)."""
    found = np.full(len(offsets) - 1, -1, dtype=np.int64)
    full = np.flatnonzero(offsets[1:] > offsets[:-1])
    if len(full):
        found[full] = np.maximum.reduceat(values, offsets[full])
    return found


def _first_used(last: _Ints) -> tuple[list[int], list[int]]:
    """Numbers handed out in the order first used: row j first used those from starts[j] to ends[j]."""
    ends = np.maximum.accumulate(np.concatenate(([-1], last)))[1:] + 1
    return np.concatenate(([0], ends[:-1])).astype(np.int64).tolist(), ends.tolist()


def _first_holders(rows: list[tuple[_Ints, _Ints]], wanted: np.ndarray[Any, Any], place: _Ints) -> dict[int, list[int]]:
    """For each wanted value, the first row holding it (rows by `place`, their new order; -1: not counted): the
    first rows' places, and the values each is the first to hold. The rows counted keep their order (see
    `rebuild_plan`), so the first in the flat arrays is the first by place."""
    first: dict[int, int] = {}  # value -> the place of the first row holding it
    for offsets, values in rows:
        at = np.flatnonzero(wanted[values])
        placed = place[np.searchsorted(offsets, at, side="right") - 1]
        counted = placed >= 0
        found, where = np.unique(values[at][counted], return_index=True)
        for value, row in zip(found.tolist(), placed[counted][where].tolist(), strict=True):
            if first.get(value, row) >= row:
                first[value] = row
    holders: dict[int, list[int]] = defaultdict(list)
    for value, row in first.items():
        holders[row].append(value)
    return holders


class _Source:
    """An index's arrays as numpy arrays, every per-entry one with its end: the previous engine's, or the
    entries indexed again."""

    def __init__(self, parts: Any, words: Any, speakers: list[frozenset[str]], doc_weight: Any = None) -> None:
        self.entry_docs = _ints(parts.entry_docs)
        self.doc_offsets = _ints(parts.doc_offsets)
        self.doc_terms = _ints(parts.doc_terms)
        self.doc_entry = _ints(parts.doc_entry)
        self.doc_phrasing = np.frombuffer(parts.doc_phrasing, dtype=np.intc)
        self.doc_weight = np.frombuffer(doc_weight, dtype=np.float64) if doc_weight is not None else None
        self.phrasing_offsets = _ints(parts.phrasing_offsets)
        self.entry_phrasings = np.append(_ints(parts.entry_phrasings), len(self.phrasing_offsets) - 1)
        self.phrasing_bytes = np.frombuffer(parts.phrasing_bytes.tobytes(), dtype=np.uint8)
        self.entry_passages = _ints(parts.entry_passages)
        self.passage_offsets = _ints(parts.passage_offsets)
        self.passage_terms = _ints(parts.passage_terms)
        self.bag_offsets = _ints(parts.bag_offsets)
        self.bag_terms = _ints(parts.bag_terms)
        self.entry_kinds = np.frombuffer(parts.entry_kinds, dtype=np.uint8)
        self.word_offsets = _ints(words.word_offsets)
        self.word_ids = _ints(words.word_ids)
        self.word_counts = np.frombuffer(words.word_counts, dtype=_U32)
        self.entry_speakers = speakers
        self.entries = len(self.entry_docs) - 1
        sizes = {len(self.entry_phrasings), len(self.entry_passages), len(self.bag_offsets), len(self.word_offsets)}
        if sizes != {self.entries + 1} or len(self.entry_kinds) != self.entries or len(speakers) != self.entries:
            raise RebuildError("the previous engine's arrays do not match its entries")

    @classmethod
    def of_engine(cls, engine: Index) -> _Source:
        kept = engine._reuse
        if kept is None:
            raise RebuildError("nothing kept")
        return cls(_EngineParts(engine), kept, engine._entry_speakers, engine._doc_weight)

    @classmethod
    def of_parts(cls, parts: IndexParts) -> _Source:
        return cls(parts, parts, parts.entry_speakers)

    def terms_of_entries(self) -> list[tuple[_Ints, _Ints]]:
        """Each entry's rows of terms: its bag, and its passages (which may hold terms the bag lacks)."""
        return [(self.bag_offsets, self.bag_terms), (self.passage_offsets[self.entry_passages], self.passage_terms)]


class _EngineParts:
    """An engine's index under the names of `IndexParts`."""

    def __init__(self, engine: Index) -> None:
        self.entry_docs, self.doc_offsets, self.doc_terms = engine._entry_docs, engine._doc_offsets, engine._doc_terms
        self.doc_entry, self.doc_phrasing = engine._doc_entry, engine._doc_phrasing
        self.entry_phrasings, self.phrasing_offsets = engine._entry_phrasings, engine._phrasing_offsets
        self.phrasing_bytes = engine._phrasing_bytes
        self.entry_passages, self.passage_offsets = engine._entry_passages, engine._passage_offsets
        self.passage_terms, self.bag_offsets, self.bag_terms = (
            engine._passage_terms,
            engine._bag_offsets,
            engine._bag_terms,
        )
        self.entry_kinds = engine._entry_kinds


def rebuild(new: Index, previous: Index) -> Rebuilt:
    """The index of `new.kb` (whose vocabulary and alias table `new` holds), from `previous`'s."""
    kept = previous._reuse
    if kept is None:
        raise RebuildError("nothing kept")
    old = _Source.of_engine(previous)
    old_words = kept.words()
    chosen = plan(new, previous)
    kb = new.kb
    entries = list(kb.entries.values())
    term_id: dict[str, int] = {}
    word_number: dict[str, int] = {}
    indexer = EntryIndexer(kb, IndexBuilder(new._vocab, new._alias_phrases, new._alias_firsts, term_id), word_number)
    taken = _index_again(indexer, entries, chosen.old_of, old, previous._term_text, old_words.entries)
    term_map = np.array([term_id.get(t, -1) for t in previous._term_text] + [-1], dtype=np.int64)
    word_map = np.array([word_number.get(w, -1) for w in old_words.entries] + [-1], dtype=np.int64)
    again = _Source.of_parts(indexer.parts())
    splice = _splice(old, again, taken, term_map, word_map)
    parts = splice.parts(list(term_id), list(word_number), _speaker_entries(kb, entries))
    _refill_bags(parts, indexer, entries, old, taken, term_map)
    if len(term_id) != len(parts.term_text):
        raise RebuildError("filling a bag again met a term no entry had")
    rarity = idf(max(len(entries), 1), term_frequencies(parts.bag_terms, len(parts.term_text)))
    weights = _doc_weights(parts, splice, previous, term_map, rarity)
    others = old_words.others if texts_digest(other_texts(kb)) == old_words.others_digest else None
    return Rebuilt(parts, weights, others, chosen, sum(1 for t in taken if t < 0))


def _index_again(
    indexer: EntryIndexer,
    entries: Sequence[Entry],
    old_of: Sequence[int],
    old: _Source,
    old_terms: Sequence[str],
    old_words: Sequence[str],
) -> list[int]:
    """Index again the entries not taken, in their place, numbering terms and words as a cold build would;
    returns the previous entry taken for each entry (-1: indexed again)."""
    term_id, word_number = indexer.build.term_id, indexer.word_number
    last_term = np.maximum(*(_last_used(rows, values) for rows, values in old.terms_of_entries()))
    term_starts, term_ends = _first_used(last_term)
    word_starts, word_ends = _first_used(_last_used(old.word_offsets, old.word_ids))
    if term_ends[-1:] not in ([], [len(old_terms)]) or word_ends[-1:] not in ([], [len(old_words)]):
        raise RebuildError("the previous engine's numbering is not its entries' order")
    # What entries not taken first used: of the entries taken that use a term or word of it, the first now
    # brings it, somewhere in its text that only indexing it again tells.
    place = np.full(old.entries, -1, dtype=np.int64)
    numbers = np.array(old_of, dtype=np.int64)
    place[numbers[numbers >= 0]] = np.flatnonzero(numbers >= 0)
    lost_terms = np.zeros(len(old_terms), dtype=bool)
    lost_words = np.zeros(len(old_words), dtype=bool)
    for number in np.flatnonzero(place < 0).tolist():
        lost_terms[term_starts[number] : term_ends[number]] = True
        lost_words[word_starts[number] : word_ends[number]] = True
    first_terms = _first_holders(old.terms_of_entries(), lost_terms, place)
    first_words = _first_holders([(old.word_offsets, old.word_ids)], lost_words, place)
    taken: list[int] = []
    for number, (entry, old_number) in enumerate(zip(entries, old_of, strict=True)):
        if (number in first_terms and any(old_terms[t] not in term_id for t in first_terms[number])) or (
            number in first_words and any(old_words[w] not in word_number for w in first_words[number])
        ):
            old_number = -1  # the first to use what an entry indexed again no longer brings
        if old_number < 0:
            indexer.add(number, entry)
        else:
            for term in old_terms[term_starts[old_number] : term_ends[old_number]]:
                term_id.setdefault(term, len(term_id))
            for word in old_words[word_starts[old_number] : word_ends[old_number]]:
                word_number.setdefault(word, len(word_number))
        taken.append(old_number)
    return taken


def _runs(taken: Sequence[int]) -> list[tuple[int, bool, int, int]]:
    """(first entry, from the previous engine?, first entry there or among those indexed again, count) of each
    run of consecutive entries from one source."""
    runs: list[tuple[int, bool, int, int]] = []
    indexed = 0
    for number, old in enumerate(taken):
        previous = old >= 0
        at = old if previous else indexed
        indexed += not previous
        if runs and runs[-1][1] == previous and runs[-1][2] + runs[-1][3] == at:
            start, _, first, count = runs[-1]
            runs[-1] = (start, previous, first, count + 1)
        else:
            runs.append((number, previous, at, 1))
    return runs


class _Splice:
    """The arrays of every entry, taken run by run from the previous engine and from those indexed again."""

    def __init__(self) -> None:
        self.chunks: dict[str, list[_Ints]] = defaultdict(list)
        self.sizes: dict[str, int] = defaultdict(int)
        self.speakers: list[frozenset[str]] = []

    def rows(self, name: str, starts: _Ints, first: int, count: int, counted: str) -> tuple[int, int]:
        """Where `count` entries from `first` start their rows (moved after the rows so far); their rows."""
        low, high = int(starts[first]), int(starts[first + count])
        self.chunks[name].append(starts[first : first + count] - low + self.sizes[counted])
        self.sizes[counted] += high - low
        return low, high

    def values(self, name: str, offsets: _Ints, low: int, high: int, counted: str) -> tuple[int, int]:
        """Where rows `low` to `high` end (moved after the values so far); their values."""
        start, end = int(offsets[low]), int(offsets[high])
        self.chunks[name].append(offsets[low + 1 : high + 1] - start + self.sizes[counted])
        self.sizes[counted] += end - start
        return start, end

    def add(self, name: str, values: _Ints) -> None:
        self.chunks[name].append(values)

    def joined(self, name: str, dtype: Any) -> np.ndarray[Any, Any]:
        return np.concatenate([np.zeros(0, dtype=dtype), *(c.astype(dtype) for c in self.chunks[name])])

    def typed(self, name: str, typecode: str, first: Sequence[int] = (), last: Sequence[int] = ()) -> array[int]:
        dtype = _DTYPES[typecode]
        joined = self.joined(name, np.int64)
        limits = np.iinfo(dtype)
        if len(joined) and (joined.min() < limits.min or joined.max() > limits.max):
            raise RebuildError(f"{name}: a value out of range")
        whole = np.concatenate([np.asarray(first, dtype=np.int64), joined, np.asarray(last, dtype=np.int64)])
        return array(typecode, whole.astype(dtype).tobytes())

    def parts(self, term_text: list[str], words: list[str], speaker_entries: dict[str, array[int]]) -> IndexParts:
        phrasing_bytes = SeldomRead("B")
        phrasing_bytes.frombytes(self.joined("phrasing bytes", np.uint8).tobytes())
        return IndexParts(
            term_text=term_text,
            words=words,
            doc_entry=self.typed("doc entry", "I"),
            doc_phrasing=self.typed("doc phrasing", "i"),
            doc_offsets=self.typed("doc offsets", "I", [0]),
            doc_terms=self.typed("doc terms", "I"),
            entry_docs=self.typed("entry docs", "I", last=[self.sizes["docs"]]),
            entry_phrasings=self.typed("entry phrasings", "I"),
            phrasing_offsets=self.typed("phrasing offsets", "I", [0]),
            phrasing_bytes=phrasing_bytes,
            entry_passages=self.typed("entry passages", "I", last=[self.sizes["passages"]]),
            passage_offsets=self.typed("passage offsets", "I", [0]),
            passage_terms=self.typed("passage terms", "I"),
            bag_offsets=self.typed("bag offsets", "I", [0]),
            bag_terms=self.typed("bag terms", "I"),
            entry_kinds=self.typed("entry kinds", "B"),
            entry_speakers=self.speakers,
            speaker_entries=speaker_entries,
            word_offsets=self.typed("word offsets", "I", [0]),
            word_ids=self.typed("word ids", "I"),
            word_counts=self.typed("word counts", "I"),
        )


def _splice(old: _Source, again: _Source, taken: Sequence[int], term_map: _Ints, word_map: _Ints) -> _Splice:
    splice = _Splice()
    for start, previous, first, count in _runs(taken):
        src = old if previous else again
        terms_of: Any = term_map.__getitem__ if previous else np.asarray
        low, high = splice.rows("entry docs", src.entry_docs, first, count, "docs")
        begin, end = splice.values("doc offsets", src.doc_offsets, low, high, "doc terms")
        splice.add("doc terms", terms_of(src.doc_terms[begin:end]))
        splice.add("doc phrasing", src.doc_phrasing[low:high])
        # Docs name their entry: the previous engine's by its own numbers, those indexed again by the new ones.
        splice.add("doc entry", src.doc_entry[low:high] + (start - first if previous else 0))
        splice.add("doc weight", src.doc_weight[low:high] if src.doc_weight is not None else np.zeros(high - low))
        splice.add("doc fresh", np.full(high - low, not previous))
        low, high = splice.rows("entry phrasings", src.entry_phrasings, first, count, "phrasings")
        begin, end = splice.values("phrasing offsets", src.phrasing_offsets, low, high, "phrasing bytes")
        splice.add("phrasing bytes", src.phrasing_bytes[begin:end])
        low, high = splice.rows("entry passages", src.entry_passages, first, count, "passages")
        begin, end = splice.values("passage offsets", src.passage_offsets, low, high, "passage terms")
        splice.add("passage terms", terms_of(src.passage_terms[begin:end]))
        begin, end = splice.values("bag offsets", src.bag_offsets, first, first + count, "bag terms")
        splice.add("bag terms", terms_of(src.bag_terms[begin:end]))
        begin, end = splice.values("word offsets", src.word_offsets, first, first + count, "word ids")
        splice.add("word ids", word_map[src.word_ids[begin:end]] if previous else src.word_ids[begin:end])
        splice.add("word counts", src.word_counts[begin:end])
        splice.add("entry kinds", src.entry_kinds[first : first + count])
        splice.speakers += src.entry_speakers[first : first + count]
    return splice


def _speaker_entries(kb: KnowledgeBase, entries: Sequence[Entry]) -> dict[str, array[int]]:
    found: defaultdict[str, array[int]] = defaultdict(lambda: array("I"))
    for number, entry in enumerate(entries):
        for speaker_id in carried_by(kb, entry):
            found[speaker_id].append(number)
    return dict(found)


def _refill_bags(
    parts: IndexParts,
    indexer: EntryIndexer,
    entries: Sequence[Entry],
    old: _Source,
    taken: Sequence[int],
    term_map: _Ints,
) -> None:
    """Fill again, as a cold build fills them, the bags of the entries taken whose terms have new ids."""
    moved = term_map[:-1] != np.arange(len(term_map) - 1)
    if not moved.any():
        return
    at = np.flatnonzero(moved[old.bag_terms])
    owners = np.zeros(old.entries + 1, dtype=bool)  # the previous engine's entries holding a moved id
    owners[np.searchsorted(old.bag_offsets, at, side="right") - 1] = True
    numbers = np.array(taken, dtype=np.int64)
    refilled = np.flatnonzero(owners[numbers] & (numbers >= 0)).tolist()
    doc_terms, doc_offsets = parts.doc_terms.tolist(), parts.doc_offsets.tolist()
    doc_phrasing, entry_docs, bag_offsets = parts.doc_phrasing.tolist(), parts.entry_docs.tolist(), parts.bag_offsets
    bag_terms, bag = parts.bag_terms, indexer.bag
    for number in refilled:
        phrasings: list[list[int]] = []
        keywords: dict[int, None] = {}
        content: dict[int, None] = {}
        for doc in range(entry_docs[number], entry_docs[number + 1]):
            terms = doc_terms[doc_offsets[doc] : doc_offsets[doc + 1]]
            kind = doc_phrasing[doc]
            if kind >= 0:
                phrasings.append(terms)
            elif kind == KEYWORDS:
                keywords = dict.fromkeys(terms)
            elif kind == CONTENT:
                content = dict.fromkeys(terms)
        filled = bag(entries[number], phrasings, keywords, content, [], counted=False)
        begin, end = bag_offsets[number], bag_offsets[number + 1]
        if len(filled) != end - begin:
            raise RebuildError("an entry's bag came out otherwise")
        bag_terms[begin:end] = array("I", filled)
    indexer.build.pending.clear()  # words of quotes and names met for the first time: counted already


def _doc_weights(
    parts: IndexParts, splice: _Splice, previous: Index, term_map: _Ints, rarity: array[float]
) -> array[float]:
    """The docs' weights: the previous engine's where none of a doc's terms changed rarity, else worked out."""
    old_of_new = np.full(len(parts.term_text), -1, dtype=np.int64)
    mapped = np.flatnonzero(term_map >= 0)
    old_of_new[term_map[mapped]] = mapped
    new_rarity = np.frombuffer(rarity, dtype=np.float64)
    old_rarity = np.append(np.frombuffer(previous._idf, dtype=np.float64), np.nan)  # nan: a term that is new
    changed = old_rarity[old_of_new] != new_rarity
    weights = splice.joined("doc weight", np.float64)
    terms = np.frombuffer(parts.doc_terms, dtype=_U32).astype(np.int64)
    offsets = np.frombuffer(parts.doc_offsets, dtype=_U32).astype(np.int64)
    at = np.flatnonzero(changed[terms])
    fresh = splice.joined("doc fresh", bool)
    fresh[np.searchsorted(offsets, at, side="right") - 1] = True
    docs = np.flatnonzero(fresh).tolist()
    if docs:
        weights[docs] = np.frombuffer(doc_weights(parts.doc_offsets, parts.doc_terms, rarity, docs), dtype=np.float64)
    return array("d", weights.tobytes())
