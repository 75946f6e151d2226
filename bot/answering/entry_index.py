"""Indexing one entry at a time into flat arrays: what a cold build does for every entry of a knowledge base,
and an incremental rebuild (`rebuild`) for the entries it cannot reuse.

An entry becomes its docs (one per phrasing, one for its keywords, one for the rest of its curated text), its bag
of every term it speaks of, its passages, the kinds of answer it gives and the speakers it names (see `index`).
Term ids are handed out in the order terms are first met, and the words the entry uses are recorded with how
often it uses them (`words`, the story's vocabulary as entries use it). Both depend only on the entry, its
people and quotes, and the tables built from the whole base before any entry (the vocabulary and the alias
table), which is what lets a rebuild keep an unchanged entry's record and index only the others.
"""

from __future__ import annotations

import math
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.answering import answer_kinds
from bot.answering.normalize import PhraseTable, Vocabulary, is_filler
from bot.knowledge.model import Entry, Kind, KnowledgeBase

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'])")  # where an answer's sentences meet
FILLER = -1  # the term id of a filler word, which no term list keeps
KEYWORDS = -1  # the phrasing number of an entry's keyword doc
CONTENT = -2  # the phrasing number of an entry's doc of answer, evidence and people
_NEW = -2  # a word not looked up yet


if TYPE_CHECKING:
    _IntArray = array[int]
else:  # `array` is generic to a type checker only: not subscriptable at run time before Python 3.12
    _IntArray = array


class SeldomRead(_IntArray):
    """An array read a few items at a time, now and then: the phrasings' text, of which a question reads its
    few best candidates'. The engine cache reads it from its file when asked (`engine_file.FileBytes`) rather than
    mapping it, which would bring in the page cache's whole folio (up to 2 MB) around every few bytes read."""

    __slots__ = ()


def people_texts(kb: KnowledgeBase, about: Iterable[str]) -> list[str]:
    """The names, role and affiliation of each speaker an entry is about."""
    texts: list[str] = []
    for speaker_id in about:
        speaker = kb.speakers[speaker_id]
        texts += [*speaker.names, speaker.role or ""]
        if speaker.affiliation in kb.speakers:
            texts.append(kb.speakers[speaker.affiliation].name)
    return texts


def passages(kb: KnowledgeBase, answer: str, excerpts: Sequence[str], about: Iterable[str]) -> list[str]:
    """An entry's text as a reader meets it, one passage at a time: each sentence of its answer, each evidence
    excerpt, and each person it is about (names, role, affiliation). A question whose words all meet in one
    passage is about what that passage says, not about words scattered over an entry."""
    found = [p for p in _SENTENCE_END.split(answer) if p.strip()]
    found += excerpts
    found += [" ".join(people_texts(kb, [speaker_id])) for speaker_id in about]
    return found


def carried_by(kb: KnowledgeBase, entry: Entry) -> set[str]:
    """The speakers an entry is about or quotes: its entries are theirs."""
    carried = set(entry.about)
    for quote_id in entry.quotes:
        speaker = kb.quotes[quote_id].speaker
        if speaker is not None:
            carried.add(speaker)
    return carried


class IndexBuilder:
    """Term ids of cleaned words, and the docs collected so far.

    Each distinct word is stemmed and looked up once; after that a text costs a few look-ups done in C
    (`map`, `dict.fromkeys`) rather than Python work per word, which is most of indexing 100,000 entries.
    """

    def __init__(
        self,
        vocab: Vocabulary,
        alias_phrases: PhraseTable[str],
        alias_firsts: frozenset[str],
        term_id: dict[str, int] | None = None,
    ) -> None:
        """`term_id`: the terms met so far, numbered in that order (a rebuild's, as a cold build would have them)."""
        self.vocab = vocab
        self.alias_phrases = alias_phrases
        self.alias_firsts = alias_firsts
        self.term_id: dict[str, int] = {} if term_id is None else term_id
        self.word_id: dict[str, int] = {}  # cleaned word (or "@speaker") -> term id, or FILLER
        self.pending: list[str] = []  # words of the entry being indexed, counted at its end in one call
        self.doc_entry: array[int] = array("I")
        self.doc_phrasing: array[int] = array("i")
        self.doc_offsets: array[int] = array("I", [0])
        self.doc_terms: array[int] = array("I")

    def _word(self, word: str) -> int:
        found = FILLER
        if not is_filler(word):
            t = word if word.startswith("@") or (t := self.vocab.term(word)) == word else t  # one string, not two
            found = self.term_id.get(t, _NEW)
            if found == _NEW:
                found = self.term_id[t] = len(self.term_id)
        self.word_id[word] = found
        return found

    def words(self, text: str) -> list[str]:
        """The cleaned words of a text, to be counted into the vocabulary."""
        plain = self.vocab.words(text)
        self.pending += plain
        return plain

    def terms(self, plain: list[str], speakers: list[str], keep_words: bool = False) -> list[int]:
        """Distinct term ids of a text's words, in order (no spelling correction: the text is curated).

        Names become one term per speaker, whose id goes to `speakers`; with `keep_words`, their words are
        kept as terms too ("University of Eastmoor" also yields "univers"), so a question can meet
        them either way.
        """
        if not self.alias_firsts.isdisjoint(plain):

            def name(speaker_id: str, words: Sequence[str]) -> list[str]:
                speakers.append(speaker_id)
                return [f"@{speaker_id}", *words] if keep_words else [f"@{speaker_id}"]

            plain = self.alias_phrases.replace(plain, name)
        word_id = self.word_id
        found = dict.fromkeys(map(word_id.get, plain, repeat(_NEW)))
        if _NEW in found:
            found = dict.fromkeys(word_id[w] if w in word_id else self._word(w) for w in plain)
        found.pop(FILLER, None)
        return list(found)

    def speaker_term(self, speaker_id: str) -> int:
        word = f"@{speaker_id}"
        found = self.word_id.get(word)
        return self._word(word) if found is None else found

    def add_doc(self, entry: int, phrasing: int, terms: list[int]) -> None:
        self.doc_entry.append(entry)
        self.doc_phrasing.append(phrasing)
        self.doc_terms.extend(terms)
        self.doc_offsets.append(len(self.doc_terms))


@dataclass(slots=True)
class IndexParts:
    """Every entry's index, in flat arrays (an entry's rows one after another, and where each entry's start):
    what an engine's index is built from, by a cold build (`EntryIndexer`) or a rebuild (`rebuild`)."""

    term_text: list[str]  # term id -> its text, in the order terms were first met
    words: list[str]  # word number -> the word, in the order entries first used them
    doc_entry: Any
    doc_phrasing: Any
    doc_offsets: Any
    doc_terms: Any
    entry_docs: Any  # entry -> its first doc, and the number of docs at the end
    entry_phrasings: Any
    phrasing_offsets: Any
    phrasing_bytes: SeldomRead
    entry_passages: Any  # entry -> its first passage, and the number of passages at the end
    passage_offsets: Any
    passage_terms: Any
    bag_offsets: Any
    bag_terms: Any
    entry_kinds: Any
    entry_speakers: list[frozenset[str]]
    speaker_entries: dict[str, array[int]]
    word_offsets: Any
    word_ids: Any
    word_counts: Any


class EntryIndexer:
    """Entries indexed one at a time, each one's docs, bag, passages, kinds, speakers and words appended to flat
    arrays (an entry's rows one after another, and where each entry's rows start)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        build: IndexBuilder,
        word_number: dict[str, int] | None = None,
    ) -> None:
        """`word_number`: the words entries have used so far, numbered in the order first used."""
        self.kb = kb
        self.build = build
        self.vocab = build.vocab
        self.word_number: dict[str, int] = {} if word_number is None else word_number
        # Quotes and names recur across entries: their words and terms are worked out once.
        self._said: dict[tuple[str, ...], tuple[list[str], list[int], list[str]]] = {}
        # A person's names, role and affiliation, in the content and passages of every entry about them
        # (thousands, in an archive): their terms (content, the speakers they name, the words counted into
        # the vocabulary) and their passage's terms, worked out once per person.
        self._people: dict[str, tuple[list[int], list[str], list[str], list[int]]] = {}
        self._shared_speakers: dict[frozenset[str], frozenset[str]] = {}
        self.entries = 0
        self.bag_offsets: array[int] = array("I", [0])
        self.bag_terms: array[int] = array("I")
        self.entry_docs: array[int] = array("I")  # entry -> its first doc; an entry's docs are consecutive
        self.entry_phrasings: array[int] = array("I")  # entry -> the number of its first phrasing
        # Grown in place: a bytes object per phrasing would cost 30 MB more at 100,000.
        self.phrasing_bytes = SeldomRead("B")
        self.phrasing_offsets: array[int] = array("I", [0])  # bytes: under 4 GB
        self.entry_passages: array[int] = array("I")
        self.entry_kinds: array[int] = array("B")  # the kinds of answer each entry gives (`answer_kinds`)
        self.passage_offsets: array[int] = array("I", [0])
        self.passage_terms: array[int] = array("I")
        self.entry_speakers: list[frozenset[str]] = []
        # The entries of each speaker they are about or quote, for "what did X say about Y".
        self.speaker_entries: defaultdict[str, array[int]] = defaultdict(lambda: array("I"))
        # The words each entry uses and how often (numbers of `word_number`): what the vocabulary counts.
        self.word_offsets: array[int] = array("I", [0])
        self.word_ids: array[int] = array("I")
        self.word_counts: array[int] = array("I")

    def said(self, key: tuple[str, ...], text: str, counted: bool = True) -> tuple[list[int], list[str]]:
        """The terms of a quote or a name, and the speakers it names (its words counted again each time, if
        `counted`)."""
        build = self.build
        known = self._said.get(key)
        if known is None:
            plain = build.words(text)
            named: list[str] = []
            known = self._said[key] = (plain, build.terms(plain, named, keep_words=True), named)
        elif counted:
            build.pending += known[0]
        return known[1], known[2]

    def _person(self, speaker_id: str) -> tuple[list[int], list[str], list[int]]:
        build = self.build
        known = self._people.get(speaker_id)
        if known is None:
            texts = people_texts(self.kb, [speaker_id])
            terms: dict[int, None] = {}
            named: list[str] = []
            counted: list[str] = []
            for text in texts:
                plain = build.words(text)
                counted += plain
                terms.update(dict.fromkeys(build.terms(plain, named, keep_words=True)))
            passage = build.terms(self.vocab.words(" ".join(texts)), [], keep_words=True)
            known = self._people[speaker_id] = (list(terms), named, counted, passage)
        else:
            build.pending += known[2]
        return known[0], known[1], known[3]

    def bag(
        self,
        entry: Entry,
        phrasings: Iterable[list[int]],
        keywords: dict[int, None],
        content: dict[int, None],
        speakers: list[str],
        counted: bool = True,
    ) -> set[int]:
        """Every term an entry speaks of, gathered in one order (a set of ints iterates in an order that depends
        on how it was filled, and the features sum the bag in that order: a rebuild fills it the same way).
        `counted`: the words of its quotes and names are counted into the vocabulary (not when refilled)."""
        bag: set[int] = set()
        for terms in phrasings:
            bag.update(terms)
        if keywords:
            bag.update(keywords)
        if content:
            bag.update(content)
        for quote_id in entry.quotes:
            quote = self.kb.quotes[quote_id]
            terms, named = self.said(("quote", quote_id), quote.text, counted)
            bag.update(terms)
            speakers += named
        for speaker_id in entry.about:
            for number, name in enumerate(self.kb.speakers[speaker_id].names):
                terms, named = self.said(("name", speaker_id, str(number)), name, counted)
                bag.update(terms)
                speakers += named
            bag.add(self.build.speaker_term(speaker_id))
        return bag

    def add(self, index: int, entry: Entry) -> None:
        """Index one entry, as entry number `index` of the knowledge base."""
        build, kb = self.build, self.kb
        self.entry_docs.append(len(build.doc_entry))
        self.entry_phrasings.append(len(self.phrasing_offsets) - 1)
        for phrasing in entry.questions:
            self.phrasing_bytes.frombytes(phrasing.encode())
            self.phrasing_offsets.append(len(self.phrasing_bytes))
        speakers: list[str] = list(entry.about)
        phrasings: list[list[int]] = []
        for number, phrasing in enumerate(entry.questions):
            terms = build.terms(build.words(phrasing), speakers)
            if terms:
                phrasings.append(terms)
                build.add_doc(index, number, terms)
        keyword_terms: dict[int, None] = {}
        for keyword in entry.keywords:
            keyword_terms.update(dict.fromkeys(build.terms(build.words(keyword), [])))
        if keyword_terms:
            build.add_doc(index, KEYWORDS, list(keyword_terms))
        # Everything else the entry says, and who it is about: a doc of its own, so that a question in
        # the article's words finds the entry however few phrasings it has.
        content: dict[int, None] = {}
        self.entry_passages.append(len(self.passage_offsets) - 1)
        excerpts = [e.excerpt for e in entry.evidence]
        for text in (entry.answer, *excerpts):
            content.update(dict.fromkeys(build.terms(build.words(text), speakers, keep_words=True)))
        people = [self._person(speaker_id) for speaker_id in entry.about]
        for person_terms, named, _ in people:
            content.update(dict.fromkeys(person_terms))
            speakers += named
        for passage in passages(kb, entry.answer, excerpts, ()):
            self.passage_terms.extend(build.terms(self.vocab.words(passage), [], keep_words=True))
            self.passage_offsets.append(len(self.passage_terms))
        for *_, person_passage in people:
            self.passage_terms.extend(person_passage)
            self.passage_offsets.append(len(self.passage_terms))
        if content:
            build.add_doc(index, CONTENT, list(content))
        bag = self.bag(entry, phrasings, keyword_terms, content, speakers)
        self._count_words()
        self.bag_terms.extend(bag)
        self.bag_offsets.append(len(self.bag_terms))
        frozen = frozenset(speakers)
        self.entry_speakers.append(self._shared_speakers.setdefault(frozen, frozen))
        person = any(kb.speakers[s].kind == Kind.PERSON for s in frozen if s in kb.speakers)
        self.entry_kinds.append(answer_kinds.given(" ".join((entry.answer, *entry.keywords)), person))
        for speaker_id in carried_by(kb, entry):
            self.speaker_entries[speaker_id].append(index)
        self.entries += 1

    def _count_words(self) -> None:
        """The entry's words, numbered in the order entries first use them, and how often it uses each."""
        pending = self.build.pending
        counted = Counter(pending)  # in the order first used
        pending.clear()
        numbers = self.word_number
        if not numbers.keys() >= counted.keys():
            for word in counted:
                numbers.setdefault(word, len(numbers))
        self.word_ids.extend(map(numbers.__getitem__, counted))
        self.word_counts.extend(counted.values())
        self.word_offsets.append(len(self.word_ids))

    def parts(self) -> IndexParts:
        """What was indexed, as the parts of an index (once every entry is added)."""
        build = self.build
        return IndexParts(
            term_text=list(build.term_id),
            words=list(self.word_number),
            doc_entry=build.doc_entry,
            doc_phrasing=build.doc_phrasing,
            doc_offsets=build.doc_offsets,
            doc_terms=build.doc_terms,
            entry_docs=self.entry_docs + array("I", [len(build.doc_entry)]),
            entry_phrasings=self.entry_phrasings,
            phrasing_offsets=self.phrasing_offsets,
            phrasing_bytes=self.phrasing_bytes,
            entry_passages=self.entry_passages + array("I", [len(self.passage_offsets) - 1]),
            passage_offsets=self.passage_offsets,
            passage_terms=self.passage_terms,
            bag_offsets=self.bag_offsets,
            bag_terms=self.bag_terms,
            entry_kinds=self.entry_kinds,
            entry_speakers=self.entry_speakers,
            speaker_entries=dict(self.speaker_entries),
            word_offsets=self.word_offsets,
            word_ids=self.word_ids,
            word_counts=self.word_counts,
        )


def term_frequencies(bag_terms: Any, terms: int) -> list[int]:
    """How many entries each term is in (each entry's bag holds a term once)."""
    found: list[int] = np.bincount(np.frombuffer(bag_terms, dtype=np.uintc), minlength=terms).tolist()
    return found


def idf(entries: int, frequencies: Iterable[int]) -> array[float]:
    """Word rarity over entries (BM25's idf, which stays positive)."""
    return array("d", [math.log(1 + (entries - f + 0.5) / (f + 0.5)) for f in frequencies])


def doc_weights(offsets: Any, flat: Any, rarity: array[float], docs: Iterable[int]) -> array[float]:
    """The weight of each doc: its terms' rarity, summed left to right (as the features read it)."""
    weigh = rarity.__getitem__
    return array("d", [sum(map(weigh, flat[offsets[d] : offsets[d + 1]])) for d in docs])


def entry_words(parts: IndexParts) -> Counter[str]:
    """The words entries use, in the order first used, and how often."""
    totals = np.bincount(
        np.frombuffer(parts.word_ids, dtype=np.uintc),
        weights=np.frombuffer(parts.word_counts, dtype=np.uintc),
        minlength=len(parts.words),
    )
    return Counter(dict(zip(parts.words, totals.astype(np.int64).tolist(), strict=True)))
