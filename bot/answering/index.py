"""The engine's index of a knowledge base: term ids, word rarity, and documents in flat arrays.

Each entry becomes a few documents ("docs"): one per phrasing, one for its keywords, and one for the
rest of its curated text (its answer, its evidence sentences, its people's names, roles and
affiliations), so that an entry is found through everything its curators wrote, not only the questions
they anticipated. Each entry also keeps a bag of every term it speaks of, for "does it mention what was
asked at all?".

Finding the docs that share words with a question is tantivy's (`tantivy_index`): the docs' terms are
indexed there, one text of analysed terms each. What is kept here is what scoring a candidate reads:
each doc's terms and weight, each entry's bag, passages and speakers, and the words' rarity.

The index lives in flat arrays of integer ids (CSR style: the values of every row in one array, and
where each row starts in another) rather than in objects per phrasing: a 100,000-entry base indexes in
tens of megabytes rather than hundreds, and is written raw to the engine cache, which maps it back
(`engine_file`: an engine opened from it holds read-only `memoryview`s where a built one holds `array`s). Phrasings
themselves are kept once more, as one UTF-8 byte string (`_phrasing_bytes`): a doc is (entry number,
phrasing number), and the features read the text of each candidate's best phrasing, which through the
knowledge base would bring its entry into memory as objects.
"""

from __future__ import annotations

import logging
import math
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from itertools import repeat
from pathlib import Path
from typing import TYPE_CHECKING

from bot.answering import answer_kinds
from bot.answering.normalize import PhraseTable, Vocabulary, is_filler
from bot.answering.tantivy_index import RetrievalIndex
from bot.knowledge.model import Kind, KnowledgeBase
from bot.knowledge.text import clean

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'])")  # where an answer's sentences meet
FILLER = -1  # the term id of a filler word, which no term list keeps
KEYWORDS = -1  # the phrasing number of an entry's keyword doc
CONTENT = -2  # the phrasing number of an entry's doc of answer, evidence and people
_NEW = -2  # a word not looked up yet

log = logging.getLogger(__name__)


if TYPE_CHECKING:
    _IntArray = array[int]
else:  # `array` is generic to a type checker only: not subscriptable at run time before Python 3.12
    _IntArray = array


class SeldomRead(_IntArray):
    """An array read a few items at a time, now and then: the phrasings' text, of which a question reads its
    few best candidates'. The engine cache reads it from its file when asked (`engine_file.FileBytes`) rather than
    mapping it, which would bring in the page cache's whole folio (up to 2 MB) around every few bytes read."""

    __slots__ = ()


class IndexBuilder:
    """Collects an index in flat arrays, one text at a time.

    Each distinct word is stemmed and looked up once; after that a text costs a few look-ups done in C
    (`map`, `dict.fromkeys`) rather than Python work per word, which is most of indexing 100,000 entries.
    """

    def __init__(self, vocab: Vocabulary, alias_phrases: PhraseTable[str], alias_firsts: frozenset[str]) -> None:
        self.vocab = vocab
        self.alias_phrases = alias_phrases
        self.alias_firsts = alias_firsts
        self.term_id: dict[str, int] = {}
        self.word_id: dict[str, int] = {}  # cleaned word (or "@speaker") -> term id, or FILLER
        self.vocabulary: Counter[str] = Counter()  # every word the knowledge base uses: a typo is near one of these
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

    def count_words(self) -> None:
        self.vocabulary.update(self.pending)
        self.pending.clear()

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


class Index:
    """Building the index of one knowledge base; the engine is an index that can answer."""

    kb: KnowledgeBase
    _vocab: Vocabulary
    _aliases: dict[str, str]
    _alias_phrases: PhraseTable[str]
    _alias_firsts: frozenset[str]
    _name_words: list[str]
    _name_lengths: dict[int, list[str]]  # the name words of each length, in `_name_words`' order
    _name_buckets: dict[tuple[str, int], list[str]]  # ... of each first letter and length
    _term_id: dict[str, int]
    _entry_ids: Sequence[str]
    _spell_buckets: dict[tuple[str, int], list[str]]
    _index_dir: Path | None = None  # where the first stage's index lives; None: in memory
    _first_stage: RetrievalIndex

    def _people_texts(self, about: Iterable[str]) -> list[str]:
        """The names, role and affiliation of each speaker an entry is about."""
        texts: list[str] = []
        for speaker_id in about:
            speaker = self.kb.speakers[speaker_id]
            texts += [*speaker.names, speaker.role or ""]
            if speaker.affiliation in self.kb.speakers:
                texts.append(self.kb.speakers[speaker.affiliation].name)
        return texts

    def _passages(self, answer: str, excerpts: Sequence[str], about: Iterable[str]) -> list[str]:
        """An entry's text as a reader meets it, one passage at a time: each sentence of its answer, each
        evidence excerpt, and each person it is about (names, role, affiliation). A question whose words all
        meet in one passage is about what that passage says, not about words scattered over an entry."""
        passages = [p for p in _SENTENCE_END.split(answer) if p.strip()]
        passages += excerpts
        passages += [" ".join(self._people_texts([speaker_id])) for speaker_id in about]
        return passages

    @staticmethod
    def _role_names(kb: KnowledgeBase, vocab: Vocabulary) -> dict[str, list[str]]:
        """Speaker id -> the ways its role names it: "<affiliation> <role>" ("the <company> CEO"), and a role that
        no one else's role shares or contains ("the <field> professor", "the hydrologist")."""
        roles = {s.id: vocab.rewrite_phrases(clean(s.role)) for s in kb.speakers.values() if s.role}
        found: dict[str, list[str]] = defaultdict(list)
        for speaker_id, role in roles.items():
            if role.startswith("unnamed "):  # "unnamed spokesperson" is how the curators say it, not readers
                role = role.removeprefix("unnamed ")
            speaker = kb.speakers[speaker_id]
            others = [r for s, r in roles.items() if s != speaker_id]
            if not any(f" {role} " in f" {other} " for other in others):
                # A role of several words names its person alone; a role of one word does with "the" before
                # it ("the hydrologist"), not inside another name ("<a company> farmer").
                found[speaker_id].append(role if len(role.split()) > 1 else f"the {role}")
            affiliation = kb.speakers.get(speaker.affiliation or "")
            if affiliation is not None:
                found[speaker_id] += [f"{vocab.rewrite_phrases(clean(name))} {role}" for name in affiliation.names]
        return found

    @classmethod
    def _alias_table(cls, kb: KnowledgeBase, vocab: Vocabulary) -> dict[str, str]:
        """Cleaned name, alias or role → speaker id; a name shared by two speakers is left out."""
        table: dict[str, str] = {}
        clashes: set[str] = set()
        roles = cls._role_names(kb, vocab)
        for speaker in kb.speakers.values():
            for name in (*speaker.names, *roles.get(speaker.id, ())):
                key = vocab.rewrite_phrases(clean(name))
                if key.startswith("an ") or key.startswith("a "):
                    key = key.split(" ", 1)[1]
                if not key or key in clashes:
                    continue
                if key in table and table[key] != speaker.id:
                    clashes.add(key)
                    del table[key]
                    continue
                table[key] = speaker.id
        return table

    def _build_alias_lookups(self) -> None:
        self._alias_phrases = PhraseTable(self._aliases)
        # A text none of whose words starts a name needs no search for names: most texts, at scale.
        self._alias_firsts = frozenset(alias.split()[0] for alias in self._aliases)
        self._name_words = sorted({w for alias in self._aliases for w in alias.split() if len(w) >= 4})
        lengths: defaultdict[int, list[str]] = defaultdict(list)
        buckets: defaultdict[tuple[str, int], list[str]] = defaultdict(list)
        for word in self._name_words:
            lengths[len(word)].append(word)
            buckets[word[0], len(word)].append(word)
        self._name_lengths, self._name_buckets = dict(lengths), dict(buckets)

    def _build_lookups(self) -> None:
        self._term_id = {t: i for i, t in enumerate(self._term_text)}
        # An archive opened from the cache numbers its entries itself (`engine_file.Ids`): no list of 100,000 strings.
        ids = getattr(self.kb.entries, "ids", None)
        self._entry_ids = ids if isinstance(ids, Sequence) else list(self.kb.entries)
        buckets: defaultdict[tuple[str, int], list[str]] = defaultdict(list)
        for word in self._vocabulary:
            if len(word) >= 4:
                buckets[word[0], len(word)].append(word)
        self._spell_buckets = dict(buckets)

    def _build_index(self) -> None:
        kb = self.kb
        build = IndexBuilder(self._vocab, self._alias_phrases, self._alias_firsts)
        bag_offsets: array[int] = array("I", [0])
        bag_terms: array[int] = array("I")
        df: Counter[int] = Counter()
        entry_speakers: list[frozenset[str]] = []
        shared_speakers: dict[frozenset[str], frozenset[str]] = {}
        speaker_entries: defaultdict[str, array[int]] = defaultdict(lambda: array("I"))
        # Quotes and names recur across entries: their words and terms are worked out once.
        seen: dict[tuple[str, ...], tuple[list[str], list[int], list[str]]] = {}

        def said(key: tuple[str, ...], text: str) -> tuple[list[int], list[str]]:
            known = seen.get(key)
            if known is None:
                plain = build.words(text)
                named: list[str] = []
                known = seen[key] = (plain, build.terms(plain, named, keep_words=True), named)
            else:
                build.pending += known[0]
            return known[1], known[2]

        # A person's names, role and affiliation, in the content and passages of every entry about them
        # (thousands, in an archive): their terms (content, the speakers they name, the words counted into
        # the vocabulary) and their passage's terms, worked out once per person.
        people_seen: dict[str, tuple[list[int], list[str], list[str], list[int]]] = {}

        def person_terms_of(speaker_id: str) -> tuple[list[int], list[str], list[int]]:
            known = people_seen.get(speaker_id)
            if known is None:
                texts = self._people_texts([speaker_id])
                terms: dict[int, None] = {}
                named: list[str] = []
                counted: list[str] = []
                for text in texts:
                    plain = build.words(text)
                    counted += plain
                    terms.update(dict.fromkeys(build.terms(plain, named, keep_words=True)))
                passage = build.terms(self._vocab.words(" ".join(texts)), [], keep_words=True)
                known = people_seen[speaker_id] = (list(terms), named, counted, passage)
            else:
                build.pending += known[2]
            return known[0], known[1], known[3]

        entry_docs: array[int] = array("I")
        entry_phrasings: array[int] = array("I")  # entry number -> the number of its first phrasing
        # Grown in place: a bytes object per phrasing would cost 30 MB more at 100,000.
        phrasing_bytes = SeldomRead("B")
        phrasing_offsets: array[int] = array("I", [0])  # bytes: under 4 GB
        entry_passages: array[int] = array("I")
        entry_kinds: array[int] = array("B")  # the kinds of answer each entry gives (`answer_kinds`)
        passage_offsets: array[int] = array("I", [0])
        passage_terms: array[int] = array("I")
        for index, entry in enumerate(kb.entries.values()):
            entry_docs.append(len(build.doc_entry))
            entry_phrasings.append(len(phrasing_offsets) - 1)
            for phrasing in entry.questions:
                phrasing_bytes.frombytes(phrasing.encode())
                phrasing_offsets.append(len(phrasing_bytes))
            bag: set[int] = set()
            speakers: list[str] = list(entry.about)
            for number, phrasing in enumerate(entry.questions):
                terms = build.terms(build.words(phrasing), speakers)
                if terms:
                    bag.update(terms)
                    build.add_doc(index, number, terms)
            if entry.keywords:
                keyword_terms: dict[int, None] = {}
                for keyword in entry.keywords:
                    keyword_terms.update(dict.fromkeys(build.terms(build.words(keyword), [])))
                if keyword_terms:
                    bag.update(keyword_terms)
                    build.add_doc(index, KEYWORDS, list(keyword_terms))
            # Everything else the entry says, and who it is about: a doc of its own, so that a question in
            # the article's words finds the entry however few phrasings it has.
            content: dict[int, None] = {}
            entry_passages.append(len(passage_offsets) - 1)
            excerpts = [e.excerpt for e in entry.evidence]
            for text in (entry.answer, *excerpts):
                content.update(dict.fromkeys(build.terms(build.words(text), speakers, keep_words=True)))
            people = [person_terms_of(speaker_id) for speaker_id in entry.about]
            for person_terms, named, _ in people:
                content.update(dict.fromkeys(person_terms))
                speakers += named
            for passage in self._passages(entry.answer, excerpts, ()):
                passage_terms.extend(build.terms(self._vocab.words(passage), [], keep_words=True))
                passage_offsets.append(len(passage_terms))
            for *_, person_passage in people:
                passage_terms.extend(person_passage)
                passage_offsets.append(len(passage_terms))
            if content:
                bag.update(content)
                build.add_doc(index, CONTENT, list(content))
            carried = set(entry.about)  # the speakers whose entries these are, for "what did X say about Y"
            for quote_id in entry.quotes:
                quote = kb.quotes[quote_id]
                terms, named = said(("quote", quote_id), quote.text)
                bag.update(terms)
                speakers += named
                if quote.speaker is not None:
                    carried.add(quote.speaker)
            for speaker_id in entry.about:
                for number, name in enumerate(kb.speakers[speaker_id].names):
                    terms, named = said(("name", speaker_id, str(number)), name)
                    bag.update(terms)
                    speakers += named
                bag.add(build.speaker_term(speaker_id))
            build.count_words()
            bag_terms.extend(bag)
            bag_offsets.append(len(bag_terms))
            df.update(bag)
            frozen = frozenset(speakers)
            entry_speakers.append(shared_speakers.setdefault(frozen, frozen))
            person = any(kb.speakers[s].kind == Kind.PERSON for s in frozen if s in kb.speakers)
            entry_kinds.append(answer_kinds.given(" ".join((entry.answer, *entry.keywords)), person))
            for speaker_id in carried:
                speaker_entries[speaker_id].append(index)

        # Word rarity over entries (BM25's idf, which stays positive).
        n = max(len(kb.entries), 1)
        self._term_text = list(build.term_id)
        self._idf = array(
            "d", [math.log(1 + (n - f + 0.5) / (f + 0.5)) for f in map(df.__getitem__, range(len(build.term_id)))]
        )
        self._unknown_weight = math.log(1 + (n + 0.5) / 0.5)  # a word in no entry: the rarest possible
        entry_docs.append(len(build.doc_entry))
        entry_passages.append(len(passage_offsets) - 1)
        self._entry_kinds = entry_kinds
        self._entry_passages, self._passage_offsets, self._passage_terms = (
            entry_passages,
            passage_offsets,
            passage_terms,
        )
        self._entry_docs = entry_docs  # entry number -> its first doc; an entry's docs are consecutive
        self._entry_phrasings = entry_phrasings
        self._phrasing_offsets, self._phrasing_bytes = phrasing_offsets, phrasing_bytes
        self._bag_offsets, self._bag_terms = bag_offsets, bag_terms
        self._entry_speakers = entry_speakers
        self._speaker_entries = dict(speaker_entries)

        offsets, flat, weigh = build.doc_offsets, build.doc_terms, self._idf.__getitem__
        self._doc_entry, self._doc_phrasing = build.doc_entry, build.doc_phrasing
        self._doc_offsets, self._doc_terms = offsets, flat
        self._doc_weight = array(
            "d", [sum(map(weigh, flat[offsets[d] : offsets[d + 1]])) for d in range(len(offsets) - 1)]
        )

        # Words used only in sources, quotes and people are known words too.
        vocabulary = build.vocabulary
        texts: list[str] = [s.text for s in kb.sources.values()]
        texts += [q.text for q in kb.quotes.values()]
        texts += [" ".join((*s.names, s.role or "", s.description or "")) for s in kb.speakers.values()]
        for text in texts:
            vocabulary.update(self._vocab.words(text))
        for digits in [w for w in vocabulary if w.isdigit()]:
            del vocabulary[digits]
        self._vocabulary = vocabulary
        # Known words that are in no entry.
        self._extra_terms = frozenset({self._vocab.term(w) for w in vocabulary} - build.term_id.keys())
        # The build's own tables go before tantivy indexes the docs, the build's peak (11 MB lower at 100,000).
        for table in (seen, people_seen, df, shared_speakers, build.word_id, build.term_id):
            table.clear()
        del texts
        self._open_first_stage()

    def _first_stage_docs(self) -> Iterator[tuple[int, str]]:
        """(doc number, its terms as one text) of every doc: what the first stage indexes. A term is made of
        words split on whitespace (or is a speaker's `@id`), so it never holds any."""
        text, offsets, flat = self._term_text.__getitem__, self._doc_offsets, self._doc_terms
        for doc in range(len(offsets) - 1):
            yield doc, " ".join(map(text, flat[offsets[doc] : offsets[doc + 1]]))

    def _open_first_stage(self) -> None:
        """The first stage's tantivy index of the docs (`retrieval`): opened from the engine's index directory
        when it was built there before, built there otherwise; in memory for an engine without one."""
        where = self._index_dir
        if where is not None:
            try:
                self._first_stage, _ = RetrievalIndex.open_or_build(where.parent, where.name, self._first_stage_docs)
                return
            except OSError as exc:  # a full or read-only disk: the engine still answers
                log.warning("keeping the retrieval index in memory, %s is not writable: %s", where, exc)
        self._first_stage = RetrievalIndex.in_memory(self._first_stage_docs())

    def _weight(self, terms: Iterable[str]) -> float:
        ids, idf, unknown = self._term_id, self._idf, self._unknown_weight
        return sum(idf[ids[t]] if t in ids else unknown for t in terms)

    def _idf_of(self, t: str) -> float:
        i = self._term_id.get(t)
        return self._unknown_weight if i is None else self._idf[i]
