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
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import cast

from bot.answering.acronyms import Acronyms
from bot.answering.entry_index import (
    EntryIndexer,
    IndexBuilder,
    IndexParts,
    doc_weights,
    entry_words,
    idf,
    term_frequencies,
)
from bot.answering.normalize import PhraseTable, Vocabulary
from bot.answering.rebuild import rebuild
from bot.answering.rebuild_plan import Plan
from bot.answering.reusable import Reusable, Words, other_texts, other_words, texts_digest
from bot.answering.roles import Roles
from bot.answering.shortlist_features import Rows, story_rows
from bot.answering.tantivy_index import RetrievalIndex
from bot.knowledge.model import Entry, Kind, KnowledgeBase
from bot.knowledge.text import clean

log = logging.getLogger(__name__)


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
    _first_names: dict[str, tuple[str, ...]]  # a person's first name, cleaned -> the people who have it
    _index_dir: Path | None = None  # where the first stage's index lives; None: in memory
    _first_stage: RetrievalIndex
    _reuse: Reusable | None = None  # what the next rebuild of this knowledge base reuses (`rebuild`)
    _roles: Roles
    _acronyms: Acronyms
    _rows: Rows | None  # a story's rows of terms, which its features sum at once (`shortlist_features`)

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
        # "What did jane say?" looks a first name up here: scanning every person took 9 ms at 3,400 people.
        firsts: defaultdict[str, list[str]] = defaultdict(list)
        for speaker in self.kb.speakers.values():
            if speaker.kind == Kind.PERSON and len(parts := clean(speaker.name).split()) > 1:
                firsts[parts[0]].append(speaker.id)
        self._first_names = {name: tuple(ids) for name, ids in firsts.items()}
        self._rows = story_rows(self)

    def _build_index(self) -> None:
        build = IndexBuilder(self._vocab, self._alias_phrases, self._alias_firsts)
        indexer = EntryIndexer(self.kb, build)
        for index, entry in enumerate(self.kb.entries.values()):
            indexer.add(index, entry)
        parts = indexer.parts()
        # The build's own tables go before tantivy indexes the docs, the build's peak (11 MB lower at 100,000).
        del indexer, build
        self._adopt(parts)

    def _people_tables(self, previous: Index | None) -> None:
        """The roles and the alias table of the knowledge base's people: the previous engine's, when it has the
        same people (read with the same vocabulary: `rebuild_plan.why_not_reused`)."""
        if previous is not None and list(previous.kb.speakers.items()) == list(self.kb.speakers.items()):
            self._roles = previous._roles.reading_with(self._vocab.term)
            self._aliases = previous._aliases
        else:
            self._roles = Roles(self.kb, self._vocab.term, self._vocab)
            self._aliases = self._alias_table(self.kb, self._vocab)

    def _index_from(self, previous: Index | None) -> None:
        """Build the index; with `previous`, rebuild it from that one's (and update its acronym table)."""
        plan = None
        if previous is not None:
            kb = self.kb
            try:
                plan = self._rebuild_index(previous)
            except Exception:  # a rebuild only saves time: whatever goes wrong in it, the cold build is right
                log.warning("could not rebuild the index from the previous engine; building it in full", exc_info=True)
                self.kb = kb
        if plan is None:
            self._build_index()
        elif previous is not None:
            updated = previous._acronyms.updated(self.kb, plan.removed_texts, plan.added_texts)
            self._acronyms = updated or self._acronyms  # else built from every text when first needed

    def _rebuild_index(self, previous: Index) -> Plan:
        """`_build_index` from the index of `previous`, an engine of the same knowledge base before an edit
        (`rebuild`): the same index, indexing again only the entries that need it."""
        rebuilt = rebuild(self, previous)
        # The entries pickled already, as an engine opened from the cache holds them: the cache writes them as they are.
        self.kb = replace(self.kb, entries=cast(dict[str, Entry], rebuilt.plan.entries))
        self._adopt(rebuilt.parts, rebuilt.doc_weight, rebuilt.others)
        log.info(
            "index of %d entries rebuilt from the previous engine's: %d indexed again",
            len(self.kb.entries),
            rebuilt.indexed,
        )
        return rebuilt.plan

    def _adopt(
        self, parts: IndexParts, doc_weight: array[float] | None = None, others: Counter[str] | None = None
    ) -> None:
        """Make `parts` this engine's index: word rarity, the docs' weights (`doc_weight` when a rebuild kept
        them), the vocabulary (`others`: the words of sources, quotes and people, when a rebuild kept them), what
        the next rebuild reuses, and the first stage."""
        n = max(len(parts.entry_docs) - 1, 1)
        self._term_text = parts.term_text
        self._idf = idf(n, term_frequencies(parts.bag_terms, len(parts.term_text)))
        self._unknown_weight = math.log(1 + (n + 0.5) / 0.5)  # a word in no entry: the rarest possible
        self._entry_kinds = parts.entry_kinds
        self._entry_passages, self._passage_offsets, self._passage_terms = (
            parts.entry_passages,
            parts.passage_offsets,
            parts.passage_terms,
        )
        self._entry_docs = parts.entry_docs  # entry number -> its first doc; an entry's docs are consecutive
        self._entry_phrasings = parts.entry_phrasings
        self._phrasing_offsets, self._phrasing_bytes = parts.phrasing_offsets, parts.phrasing_bytes
        self._bag_offsets, self._bag_terms = parts.bag_offsets, parts.bag_terms
        self._entry_speakers = parts.entry_speakers
        self._speaker_entries = parts.speaker_entries
        self._doc_entry, self._doc_phrasing = parts.doc_entry, parts.doc_phrasing
        self._doc_offsets, self._doc_terms = parts.doc_offsets, parts.doc_terms
        if doc_weight is None:
            doc_weight = doc_weights(parts.doc_offsets, parts.doc_terms, self._idf, range(len(parts.doc_offsets) - 1))
        self._doc_weight = doc_weight

        texts = other_texts(self.kb)
        if others is None:
            others = other_words(self._vocab, texts)
        vocabulary = entry_words(parts)
        vocabulary.update(others)
        for digits in [w for w in vocabulary if w.isdigit()]:
            del vocabulary[digits]
        self._vocabulary = vocabulary
        # Known words that are in no entry.
        self._extra_terms = frozenset({self._vocab.term(w) for w in vocabulary} - set(parts.term_text))
        words = Words(parts.words, texts_digest(texts), others)
        self._reuse = Reusable.of(parts.word_offsets, parts.word_ids, parts.word_counts, words)
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
