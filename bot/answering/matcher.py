"""The answering engine: from a question to an answer, a set of quotes, or an honest decline.

How a question is matched:
1. It is cleaned and split into terms (`normalize`): case, accents, punctuation, filler words,
   stems and synonyms are folded away; names and aliases of people and organisations become one
   term per speaker ("Evan Greer", "greer" → `@evan-greer`); misspelt words are corrected to the
   nearest word the knowledge base knows.
2. Candidate entries come from an inverted index over their phrasings and keywords.
3. Each candidate phrasing is scored by word rarity (IDF weights, as in BM25): how much of the
   question's weight it explains, and how much of its own weight the question covers. Words the
   knowledge base has never seen weigh as much as its rarest words, so a question about a
   company or person the story never names ("did Google pause...") is mostly unexplained.
4. The best score is the confidence. Below a threshold, or when the two best entries are too
   close to call, the engine declines and offers up to three suggestions instead of guessing.
"""

from __future__ import annotations

import heapq
import logging
import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from itertools import compress, islice, repeat

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.answering.answer import (
    Answer,
    EvidenceView,
    Outcome,
    QuoteResult,
    QuoteView,
    Suggestion,
    quote_view,
)
from bot.answering.followup import Context, leans_on_a_person, resolve
from bot.answering.language import ENGLISH, detect, polite_reply
from bot.answering.normalize import PhraseTable, Vocabulary, clean, is_filler
from bot.answering.reading import MAX_PARTS, Reader, carry_subject, has_pronoun
from bot.knowledge.model import Entry, Kind, KnowledgeBase, Quote, Speaker

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 500  # a question, not an essay; longer input gets a kind message
MAX_MESSAGE_CHARS = 4000  # Discord's longest message: the questions in one are read out of it
ANSWER_THRESHOLD = 0.45  # below this confidence the engine declines
CLEAR_THRESHOLD = 0.6  # between the two thresholds an answer must stand clear of the next entry...
CLEAR_GAP = 0.2  # ...by this much
CLOSE_CALL_MARGIN = 0.04  # two different entries this close: too close to call
CLOSE_CALL_CEILING = 0.8  # ...unless both are this sure, when the better one is still right
SUGGESTION_FLOOR = 0.12
MAX_SUGGESTIONS = 3
SHORTLIST = 200  # entries given the full, slower scoring
MIN_POSTINGS = 2000  # a term in fewer phrasings than this always gathers candidates
FULL_SCORING = 3000  # candidates up to this many are all scored; beyond, those that cannot matter are skipped
MAX_CANDIDATES = 30_000  # phrasings gathered at most (rarest terms first): bounds the time of any question
_MASK_BITS = 64  # the most widely used terms get a bit in each phrasing's mask
_MASKED_QUESTION_TERMS = 8  # a question with more common words than this has its phrasings read in full
RAREST_MISSING = 0.85
UNNAMED_SUBJECT = 0.65
SWAPPED_NAME = 0.5
EVIDENCE_SHARE = 0.7
COVERED_SHARE = 0.6  # of a phrasing's score: how much of the question it explains (the rest: how much of it is asked)
KNOWN_MISSING = 0.9
UNKNOWN_WEIGHT = 1.0  # a word the knowledge base never uses weighs this much of its rarest word
QUOTE_LOOKUP_THRESHOLD = 80.0
# A follow-up whose pronoun is only "it" or "they" may be a question of its own ("do tech companies want
# it both ways?"): asked as it stands, an answer this sure wins over the one about the previous subject.
STANDS_ALONE = 0.9

_ENGLISH = Vocabulary()  # question words and "say"/"think" are general English: the same terms in every story
SAY = _ENGLISH.term("say")
THINK = _ENGLISH.term("think")
_QUOTE_INTENT = {SAY, THINK}
_SMALL_TALK = frozenset(
    """
    afternoon appreciate appreciated are awesome bot built bye can cheers cool created creator do doing
    evening good goodbye great hello helped helpful hey hi hiya hola how howdy is made morning name nice
    night ok okay owner please storybot sup thank thanks there thx ty up what whats who yo you your
    """.split()  # noqa: SIM905 - a word list is easier to curate as text
)
_QUESTION_WORDS = frozenset(_ENGLISH.term(w) for w in _ENGLISH.english.question_words)
_HELP_WORDS = frozenset({"help", "commands", "usage"})
_ROLE_WORDS = frozenset(_ENGLISH.term(w) for w in _ENGLISH.english.role_words)


_FILLER = -1  # the term id of a filler word, which no term list keeps
_KEYWORDS = -1  # the phrasing number of an entry's keyword document
_NEW = -2  # a word not looked up yet
# Rebuilt when an engine is unpickled: quicker to rebuild than to store and load.
_REBUILT = ("_term_id", "_entry_ids", "_alias_phrases", "_alias_firsts", "_spell_buckets", "_name_words")


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the engine understood of a question."""

    cleaned: str  # the question as cleaned and spell-corrected words
    terms: tuple[str, ...]
    speakers: tuple[str, ...]  # speaker ids named in it
    unknown: tuple[str, ...]  # words the knowledge base never uses
    corrections: tuple[tuple[str, str], ...]  # (typed, understood as)


@dataclass(frozen=True, slots=True)
class Scored:
    entry_id: str
    score: float
    phrasing: str


def _combined(asked: str, answers: list[Answer]) -> Answer:
    """One reply to a message: the first answered part up front, every part (once per entry) in `parts`."""
    if len(answers) == 1:
        return replace(answers[0], question=asked) if answers[0].outcome is not Outcome.INVALID else answers[0]
    seen: set[tuple[str | None, str | None]] = set()
    parts: list[Answer] = []
    for answer in answers:
        key = (answer.entry.id if answer.entry else None, answer.speaker_id)
        if answer.answered and key in seen:
            continue  # "who is she? what does she do?" answered by one entry: shown once
        seen.add(key)
        parts.append(answer)
    first = next((a for a in parts if a.answered), parts[0])
    return replace(first, question=asked, parts=tuple(parts) if len(parts) > 1 else ())


class _IndexBuilder:
    """Collects an index in flat arrays, one text at a time.

    Each distinct word is stemmed and looked up once; after that a text costs a few look-ups done in C
    (`map`, `dict.fromkeys`) rather than Python work per word, which is most of indexing 100,000 entries.
    """

    def __init__(self, vocab: Vocabulary, alias_phrases: PhraseTable[str], alias_firsts: frozenset[str]) -> None:
        self.vocab = vocab
        self.alias_phrases = alias_phrases
        self.alias_firsts = alias_firsts
        self.term_id: dict[str, int] = {}
        self.word_id: dict[str, int] = {}  # cleaned word (or "@speaker") -> term id, or _FILLER
        self.vocabulary: Counter[str] = Counter()  # every word the knowledge base uses: a typo is near one of these
        self.pending: list[str] = []  # words of the entry being indexed, counted at its end in one call
        self.doc_entry: array[int] = array("I")
        self.doc_phrasing: array[int] = array("i")
        self.doc_offsets: array[int] = array("I", [0])
        self.doc_terms: array[int] = array("I")

    def _word(self, word: str) -> int:
        found = _FILLER
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
        kept as terms too ("University of South Carolina" also yields "univers"), so a question can meet
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
        found.pop(_FILLER, None)
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


class _PhrasingScores:
    """The best phrasing score of each entry, as phrasings (docs) are scored against one question.

    A phrasing's score is how much of the question's weight it explains and how much of its own weight
    the question covers (keywords, which are hints rather than questions: only the first). Each entry
    keeps its best phrasing; the first of equal ones stays.
    """

    def __init__(self, engine: Engine, weights: dict[int, float], weight: float) -> None:
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
            if doc_phrasing[doc] == _KEYWORDS:
                score = 0.9 * covered
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
        score = 0.9 * (shared / self.weight)
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


class Engine:
    """Answers questions from one knowledge base. Build once per knowledge base; share freely.

    The index lives in flat arrays of integer ids (CSR style: the values of every row in one array, and
    where each row starts in another) rather than in objects per phrasing: a 100,000-entry base indexes
    in tens of megabytes rather than hundreds, and pickles as a few byte strings that load at once.
    Phrasings themselves are not copied: a doc is (entry number, phrasing number) in the knowledge base.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._vocab = Vocabulary(kb.vocabulary)  # general English and this story's own words
        self._reader = Reader()
        self._aliases = self._alias_table(kb, self._vocab)
        self._build_alias_lookups()
        self._build_index()
        self._build_lookups()

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        for name in _REBUILT:
            del state[name]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._build_alias_lookups()
        self._build_lookups()

    # ------------------------------------------------------------------ index

    @staticmethod
    def _alias_table(kb: KnowledgeBase, vocab: Vocabulary) -> dict[str, str]:
        """Cleaned name or alias → speaker id; a name shared by two speakers is left out."""
        table: dict[str, str] = {}
        clashes: set[str] = set()
        for speaker in kb.speakers.values():
            for name in speaker.names:
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

    def _build_lookups(self) -> None:
        self._term_id = {t: i for i, t in enumerate(self._term_text)}
        self._entry_ids = list(self.kb.entries)
        buckets: defaultdict[tuple[str, int], list[str]] = defaultdict(list)
        for word in self._vocabulary:
            if len(word) >= 4:
                buckets[word[0], len(word)].append(word)
        self._spell_buckets = dict(buckets)

    def _build_index(self) -> None:
        kb = self.kb
        build = _IndexBuilder(self._vocab, self._alias_phrases, self._alias_firsts)
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

        for index, entry in enumerate(kb.entries.values()):
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
                    build.add_doc(index, _KEYWORDS, list(keyword_terms))
            # Everything the entry says, for "does it mention what was asked at all?".
            for text in (entry.answer, *(e.excerpt for e in entry.evidence)):
                bag.update(build.terms(build.words(text), speakers, keep_words=True))
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
            for speaker_id in carried:
                speaker_entries[speaker_id].append(index)

        # Word rarity over entries (BM25's idf, which stays positive).
        n = max(len(kb.entries), 1)
        self._term_text = list(build.term_id)
        self._idf = array(
            "d", [math.log(1 + (n - f + 0.5) / (f + 0.5)) for f in map(df.__getitem__, range(len(build.term_id)))]
        )
        self._unknown_weight = UNKNOWN_WEIGHT * math.log(1 + (n + 0.5) / 0.5)
        self._bag_offsets, self._bag_terms = bag_offsets, bag_terms
        self._entry_speakers = entry_speakers
        self._speaker_entries = dict(speaker_entries)

        offsets, flat, weigh = build.doc_offsets, build.doc_terms, self._idf.__getitem__
        self._doc_entry, self._doc_phrasing = build.doc_entry, build.doc_phrasing
        self._doc_offsets, self._doc_terms = offsets, flat
        self._doc_weight = array(
            "d", [sum(map(weigh, flat[offsets[d] : offsets[d + 1]])) for d in range(len(offsets) - 1)]
        )
        self._index_postings(len(self._term_text))

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

    def _index_postings(self, term_count: int) -> None:
        """Term id -> the docs using it: phrasings from the lightest (most of them asked) to the heaviest,
        then keyword docs, so that a question can stop early in the long lists of common words."""
        offsets, flat, doc_weight = self._doc_offsets, self._doc_terms, self._doc_weight
        phrasings = [d for d in range(len(doc_weight)) if self._doc_phrasing[d] != _KEYWORDS]
        phrasings.sort(key=doc_weight.__getitem__)  # stable: equal weights stay in document order
        keywords = [d for d in range(len(doc_weight)) if self._doc_phrasing[d] == _KEYWORDS]
        postings = [array("I") for _ in range(term_count)]
        for doc in phrasings:
            for t in flat[offsets[doc] : offsets[doc + 1]]:
                postings[t].append(doc)
        phrasing_counts = [len(docs) for docs in postings]
        for doc in keywords:
            for t in flat[offsets[doc] : offsets[doc + 1]]:
                postings[t].append(doc)
        post_offsets: array[int] = array("I", [0])
        keyword_starts: array[int] = array("I")
        post_docs: array[int] = array("I")
        for docs, count in zip(postings, phrasing_counts, strict=True):
            keyword_starts.append(len(post_docs) + count)
            post_docs += docs
            post_offsets.append(len(post_docs))
        self._post_offsets, self._post_docs, self._keyword_starts = post_offsets, post_docs, keyword_starts
        # The most widely used terms get a bit each in a mask per doc, so that a long list can be scored
        # without reading each phrasing's terms.
        widest = sorted(range(term_count), key=lambda t: post_offsets[t] - post_offsets[t + 1])[:_MASK_BITS]
        self._mask_bit = {t: 1 << i for i, t in enumerate(widest) if post_offsets[t + 1] > post_offsets[t]}
        masks: array[int] = array("Q", bytes(8 * len(doc_weight)))
        for t, bit in self._mask_bit.items():
            for doc in post_docs[post_offsets[t] : post_offsets[t + 1]]:
                masks[doc] |= bit
        self._doc_mask = masks

    def _weight(self, terms: Iterable[str]) -> float:
        ids, idf, unknown = self._term_id, self._idf, self._unknown_weight
        return sum(idf[ids[t]] if t in ids else unknown for t in terms)

    def _idf_of(self, t: str) -> float:
        i = self._term_id.get(t)
        return self._unknown_weight if i is None else self._idf[i]

    # --------------------------------------------------------------- analysis

    def _correct(self, word: str) -> str | None:
        """The knowledge-base word a misspelt word most likely means, if one is close enough."""
        if len(word) < 4 or word.isdigit():
            return None
        allowed = 1 if len(word) <= 7 else 2
        # Short words have too many neighbours; only names are worth correcting at four letters ("grer").
        if len(word) < 5:
            choices = self._name_words
        else:
            # A misspelling keeps its length within the edits allowed, and nearly always its first letter
            # (or its second, when the first two are swapped): look only there, however large the vocabulary.
            choices = [
                w
                for first in {word[0], word[1]}
                for length in range(len(word) - allowed, len(word) + allowed + 1)
                for w in self._spell_buckets.get((first, length), ())
            ]
        best = process.extract(word, choices, scorer=OSA.distance, score_cutoff=allowed, limit=5)
        if not best:
            return None
        # Fewest edits first, then the word the knowledge base uses most.
        best.sort(key=lambda hit: (hit[1], -self._vocabulary[hit[0]]))
        return str(best[0][0])

    def analyse(self, question: str) -> Analysis:
        cleaned = self._vocab.rewrite_phrases(clean(question))
        words = cleaned.split()
        corrections: list[tuple[str, str]] = []
        fixed: list[str] = []
        ids, extra = self._term_id, self._extra_terms
        for word in words:
            if word in self._vocabulary or is_filler(word) or (t := self._vocab.term(word)) in ids or t in extra:
                fixed.append(word)
                continue
            better = self._correct(word)
            if better is not None:
                corrections.append((word, better))
                fixed.append(better)
            else:
                fixed.append(word)
        corrected = " ".join(fixed)
        speakers: list[str] = []

        def name(speaker_id: str, _: Sequence[str]) -> list[str]:
            speakers.append(speaker_id)
            return [f"@{speaker_id}"]

        terms: list[str] = []
        unknown: list[str] = []
        for word in self._alias_phrases.replace(fixed, name):
            if is_filler(word):
                continue
            t = word if word.startswith("@") else self._vocab.term(word)
            terms.append(t)
            if t not in ids and not word.startswith("@") and word not in self._vocabulary:
                unknown.append(word)
        return Analysis(
            corrected, tuple(dict.fromkeys(terms)), tuple(dict.fromkeys(speakers)), tuple(unknown), tuple(corrections)
        )

    # ---------------------------------------------------------------- scoring

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
        scores = _PhrasingScores(self, weights, weight)
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

    def _score_pruned(self, scores: _PhrasingScores, gathering: list[int], weights: dict[int, float]) -> None:
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
        """The text of a doc: its phrasing, or for keywords, the entry's first phrasing."""
        entry = self.kb.entries[self._entry_ids[self._doc_entry[doc]]]
        number = self._doc_phrasing[doc]
        return entry.questions[number if number != _KEYWORDS else 0]

    def _doc_names(self, doc: int) -> set[str]:
        texts = (self._term_text[t] for t in self._doc_terms[self._doc_offsets[doc] : self._doc_offsets[doc + 1]])
        return {t for t in texts if t.startswith("@")}

    def rank(self, analysis: Analysis) -> list[Scored]:
        """Entries by score, best first (one line per entry: its best phrasing)."""
        terms = frozenset(analysis.terms)
        if not terms:
            return []
        weight = self._weight(terms)
        ids, idf = self._term_id, self._idf
        query = {ids[t]: t for t in terms if t in ids}
        shortlist = self._best_phrasings(query, weight)
        ranked = []
        named = set(analysis.speakers)
        rarest = ids.get(max(terms, key=lambda t: (self._idf_of(t), t)), _FILLER)
        known = {i for i, t in query.items() if t not in _QUESTION_WORDS}
        get, zero = {t: idf[t] for t in query}.get, repeat(0.0)
        bag_offsets, bag_terms = self._bag_offsets, self._bag_terms
        for entry, first_score, doc in shortlist:
            bag = bag_terms[bag_offsets[entry] : bag_offsets[entry + 1]]
            asked = query.keys() & bag
            mentioned = sum(map(get, bag, zero)) / weight  # how much of the question it speaks of
            # A question in the article's own words may match what the entry says better than how it is asked.
            score = max(0.8 * first_score + 0.2 * mentioned, EVIDENCE_SHARE * mentioned)
            entry_speakers = self._entry_speakers[entry]
            # Naming someone the entry is not about makes it a worse fit ("what did Microsoft do" is
            # not answered by an entry about Amazon alone).
            if named and not named & entry_speakers:
                score *= 0.6
            elif named - entry_speakers:  # some of those named are not what the entry is about
                score *= 0.85
            # A word the story never uses, asked about an entry on someone the question doesn't name, is
            # most likely another company or person in their place ("has Apple stopped selling...").
            elif analysis.unknown and entry_speakers and not named:
                score *= UNNAMED_SUBJECT
            # The phrasing it matched names someone the question leaves out, and the question has a word the
            # story never uses: the signature of a name swapped for one the story never mentions.
            if analysis.unknown and self._doc_names(doc) - terms:
                score *= SWAPPED_NAME
            # The most telling word of the question should be something the entry speaks of.
            if rarest not in asked:
                score *= RAREST_MISSING
            # Words the knowledge base knows, but not in this entry: the question asks about something else.
            missing = len(known - asked)
            score *= KNOWN_MISSING ** min(missing, 3)
            # Blend in a character-level view of the two strings, which forgives what terms missed.
            phrasing = self._phrasing(doc)
            cleaned = clean(phrasing)
            fuzzy = fuzz.token_sort_ratio(analysis.cleaned, cleaned)
            score = 0.85 * score + 0.15 * (fuzzy / 100.0) * min(score / 0.5, 1.0)
            # Equal scores (the same words, in another order) go to the phrasing in the question's own order.
            in_order = fuzz.ratio(analysis.cleaned, cleaned)
            ranked.append((Scored(self._entry_ids[entry], min(score, 1.0), phrasing), in_order))
        ranked.sort(key=lambda pair: (-pair[0].score, -pair[1], pair[0].entry_id))
        return [scored for scored, _ in ranked]

    # ---------------------------------------------------------------- answers

    def ask(self, question: str, context: Context | None = None, names: Sequence[str] = ()) -> Answer:
        """Answer a chat message: a question (or up to three), a request for quotes, or decline honestly.

        The message is read first (`reading`): pings, greetings, emoji and markdown are set aside, and a
        message that asks several things is answered part by part. `names` are the bot's own names, which
        front ends pass. The answer's `question` stays the message as typed. Never raises on any string.

        `context` is what the previous answer in the conversation was about: a follow-up such as "what did
        he say?" is answered about that (see `followup`); without it, every question is a fresh one.
        """
        if context is not None and isinstance(question, str):
            return self._follow_up(question, context, names)
        reading = self._reader.read(question if isinstance(question, str) else "", names)
        if len(reading.asked) > MAX_MESSAGE_CHARS:
            return self._ask_one(reading.asked)
        answers: list[Answer] = []
        before = ""  # the part before, as asked
        for part, before_part in zip(reading.parts[:MAX_PARTS], reading.contexts, strict=False):
            asked = part
            if answers and has_pronoun(part) and not self.analyse(part).speakers:  # "... and what did she say?"
                subject = self._subject(before, answers[-1])
                asked = carry_subject(part, self.kb.speakers[subject].name) if subject else part
            elif before_part and ((has_pronoun(part) and not answers) or self._names_unknown(before_part)):
                asked = f"{before_part} {part}"  # "Jane Doe, what did she say?"; "According to Zed, ... what ..."
            answer = self._ask_one(asked)
            if not answer.answered and before_part:  # "The council closed it. For how long?"
                with_context = self._ask_one(f"{before_part} {asked}")
                answer = with_context if with_context.answered else answer
            before = asked
            answers.append(replace(answer, question=part) if answer.outcome is not Outcome.INVALID else answer)
        if len(answers) == 1 and not answers[0].answered and reading.text != reading.parts[0]:
            whole = self._ask_one(reading.text)  # the question may need the sentences around it
            answers = [whole] if whole.answered else answers
        return _combined(reading.asked, answers)

    def _names_unknown(self, text: str) -> bool:
        """Whether text names someone or something the story never does (a capitalised word it never uses):
        a question read without that sentence would be answered about the story's own people instead."""
        return any(
            word[:1].isupper() and word != "I" and (w := clean(word)) not in self._vocabulary and not is_filler(w)
            for word in text.split()
        )

    def _subject(self, question: str, answer: Answer) -> str | None:
        """Who a question was about: the speaker it names, else the person (or organisation) its answer is about."""
        named = list(self.analyse(question).speakers)
        if answer.speaker_id:
            named.append(answer.speaker_id)
        if answer.entry is not None:
            named += answer.entry.about
        people = [s for s in named if self.kb.speakers[s].kind == Kind.PERSON]
        return next(iter(people or named), None)

    def _ask_one(self, question: str) -> Answer:
        """Answer one question, quote someone, or decline honestly."""
        text = " ".join(question.split()) if isinstance(question, str) else ""
        if not clean(text):
            return Answer(text, Outcome.INVALID, "Please ask a question about the story, in words.", 0.0)
        if len(text) > MAX_QUESTION_CHARS:
            return Answer(
                text[:MAX_QUESTION_CHARS],
                Outcome.INVALID,
                f"That is a long question: please ask in fewer than {MAX_QUESTION_CHARS} characters.",
                0.0,
            )
        words = {w for w in clean(text).split() if not is_filler(w)}
        if words <= _SMALL_TALK | _HELP_WORDS:
            return self._small_talk(text, words)

        language = detect(text)
        if language != ENGLISH:
            return Answer(text, Outcome.OTHER_LANGUAGE, polite_reply(None), 0.0, language=language)

        analysis = self.analyse(text)
        ranked = self.rank(analysis)
        self._log_scores(text, analysis, ranked)

        quoted = self._quote_intent(analysis)
        if quoted is not None:
            return self._quotes_answer(text, quoted, analysis, ranked)

        if not ranked:
            return self._decline(text, ranked, 0.0)
        top = ranked[0]
        runner_up = ranked[1] if len(ranked) > 1 else None
        gap = top.score - (runner_up.score if runner_up else 0.0)
        if top.score < ANSWER_THRESHOLD:
            return self._decline(text, ranked, top.score)
        # A middling score is trusted only when it stands clear of the rest: a question that matches many
        # entries about as well (facial recognition, Ring, Amazon...) is usually about something else.
        if top.score < CLEAR_THRESHOLD and gap < CLEAR_GAP:
            return self._decline(text, ranked, top.score, close_call=gap < CLOSE_CALL_MARGIN)
        if gap < CLOSE_CALL_MARGIN and top.score < CLOSE_CALL_CEILING:
            return self._decline(text, ranked, top.score, close_call=True)
        return self._entry_answer(text, self.kb.entries[top.entry_id], top.score, top.phrasing)

    def _follow_up(self, question: str, context: Context, names: Sequence[str]) -> Answer:
        resolved = resolve(question, context, self.kb)
        if resolved == question:
            return self.ask(question, names=names)
        log.debug("follow-up %r read as %r", question, resolved)
        answer = self.ask(resolved, names=names)
        if not leans_on_a_person(question):
            alone = self.ask(question, names=names)
            if alone.answered and alone.confidence >= max(STANDS_ALONE, answer.confidence):
                return alone
        return answer

    def answer_entry(self, entry_id: str, question: str | None = None) -> Answer:
        """The answer of one entry (a pressed suggestion, or `/kb` previews)."""
        entry = self.kb.entries[entry_id]
        return self._entry_answer(question or entry.questions[0], entry, 1.0, entry.questions[0])

    def _entry_answer(self, question: str, entry: Entry, confidence: float, phrasing: str) -> Answer:
        kb = self.kb
        evidence = tuple(EvidenceView(kb.sources[e.source], e.excerpt) for e in entry.evidence)
        quotes = tuple(quote_view(kb, kb.quotes[q]) for q in entry.quotes)
        return Answer(question, Outcome.ANSWERED, entry.answer, confidence, entry, phrasing, evidence, quotes)

    def _decline(self, question: str, ranked: list[Scored], confidence: float, close_call: bool = False) -> Answer:
        suggestions = self.suggest(ranked)
        off_topic = not any(s.score >= SUGGESTION_FLOOR for s in ranked)
        if off_topic:  # nothing comes close: say what the bot is for, and where the story starts
            text = "That isn't something the story covers. Here are a few questions I can answer:"
        elif close_call:
            text = "I'm not sure which of these you mean: the story covers more than one thing like that."
        else:
            text = "The story doesn't say, as far as I can tell."
        if suggestions and not off_topic:
            text += " Did you mean one of these?"
        return Answer(question, Outcome.DECLINED, text, confidence, suggestions=suggestions, off_topic=off_topic)

    def suggest(self, ranked: list[Scored]) -> tuple[Suggestion, ...]:
        picked = [s for s in ranked if s.score >= SUGGESTION_FLOOR][:MAX_SUGGESTIONS]
        if not picked:  # nothing close: offer where the story starts, in the curators' order
            starters = islice(self.kb.entries.values(), MAX_SUGGESTIONS)
            return tuple(Suggestion(e.id, e.questions[0]) for e in starters)
        return tuple(Suggestion(s.entry_id, self.kb.entries[s.entry_id].questions[0]) for s in picked)

    def _small_talk(self, question: str, words: set[str]) -> Answer:
        if words & _HELP_WORDS:
            examples = " or ".join(f'"{example}"' for example in self.examples()[:2])
            text = f"Ask me anything about the story, e.g. {examples}." if examples else "Ask me about the story."
        else:
            text = "Hello! Ask me a question about the story and I'll answer from the article, with its own words."
        return Answer(question, Outcome.SMALL_TALK, text, 0.0, suggestions=self.suggest([]))

    def examples(self) -> list[str]:
        """Questions to offer as examples: the knowledge base's own, else its first entry and first quoted name."""
        if self.kb.examples:
            return list(self.kb.examples)
        found = [entry.questions[0] for entry in islice(self.kb.entries.values(), 1)]
        found += [f"what did {name} say?" for name in self.quoted_names()[:1]]
        return found

    # ----------------------------------------------------------------- quotes

    def _speaker_quotes(self, speaker_id: str) -> tuple[str, tuple[Quote, ...]]:
        """A speaker's quotes; for an organisation with none, those of its people (IBM → its spokesperson)."""
        own = self.kb.quotes_by_speaker.get(speaker_id, ())
        if own:
            return speaker_id, own
        members = [s for s in self.kb.speakers.values() if s.affiliation == speaker_id]
        quoted = [s for s in members if self.kb.quotes_by_speaker.get(s.id)]
        if len(quoted) == 1:
            return quoted[0].id, self.kb.quotes_by_speaker[quoted[0].id]
        return speaker_id, ()

    def _quote_intent(self, analysis: Analysis) -> str | None:
        """The speaker whose words are asked for ("what did Greer say?"), if that is the question."""
        if not analysis.speakers or not _QUOTE_INTENT & set(analysis.terms):
            return None
        # Several words the story never uses ("Microsoft president Brad Smith") mean someone else.
        if len(analysis.unknown) > 1:
            return None
        speaker_id, quotes = self._speaker_quotes(analysis.speakers[0])
        return speaker_id if quotes else None

    def _quotes_answer(self, question: str, speaker_id: str, analysis: Analysis, ranked: list[Scored]) -> Answer:
        # "What did Gonzalez say about police contracts?" may be an entry about her; prefer it when it is
        # a confident match that carries her words.
        topic = {t for t in analysis.terms if t in self._term_id} - _QUOTE_INTENT - _QUESTION_WORDS
        topic -= {f"@{s}" for s in analysis.speakers}
        # "The Mijente organizer": a role says who is meant, not what about, unless it is not the speaker's role.
        roles, role = topic & _ROLE_WORDS, self.kb.speakers[speaker_id].role
        if roles and (role is None or roles & {self._vocab.term(w) for w in self._vocab.words(role)}):
            topic -= roles
        if topic and ranked and ranked[0].score >= ANSWER_THRESHOLD:
            entry = self.kb.entries[ranked[0].entry_id]
            return self._entry_answer(question, entry, ranked[0].score, ranked[0].phrasing)
        # "What did the Microsoft spokesperson tell Protocol?" is not about Nadella's words: asked about
        # something the speaker's entries never touch, their quotes would be a guess.
        if topic and self._weight(topic & self._speaker_bag(speaker_id)) < 0.5 * self._weight(topic):
            return self._decline(question, ranked, ranked[0].score if ranked else 0.0)
        _, quotes = self._speaker_quotes(speaker_id)
        views = tuple(quote_view(self.kb, q) for q in quotes)
        speaker = self.kb.speakers[speaker_id]
        role = self.kb.speaker_role(speaker_id)
        who = f"{speaker.name} ({role})" if role else speaker.name
        count = "once" if len(views) == 1 else f"{len(views)} times"
        return Answer(
            question,
            Outcome.QUOTES,
            f"{who} is quoted {count} in the story:",
            1.0,
            matched_question=f"What did {speaker.name} say?",
            quotes=views,
            speaker_id=speaker_id,
        )

    def _speaker_bag(self, speaker_id: str) -> frozenset[str]:
        """Every term of the entries about a speaker or carrying their quotes."""
        bag: set[int] = set()
        offsets, terms = self._bag_offsets, self._bag_terms
        for entry in self._speaker_entries.get(speaker_id, ()):
            bag.update(terms[offsets[entry] : offsets[entry + 1]])
        return frozenset(self._term_text[t] for t in bag)

    def _speaker_keys(self) -> list[tuple[str, str]]:
        """(cleaned name, speaker id) for every name, alias, first/last name and affiliation."""
        keys: list[tuple[str, str]] = []
        for speaker in self.kb.speakers.values():
            for name in speaker.names:
                cleaned = clean(name)
                keys.append((cleaned, speaker.id))
                parts = [p for p in cleaned.split() if p not in ("a", "an", "the")]
                if speaker.kind == Kind.PERSON and len(parts) > 1:
                    keys.extend((p, speaker.id) for p in parts if len(p) > 2)
        return keys

    def find_speaker(self, name: str) -> tuple[Speaker | None, list[str]]:
        """The speaker a name most likely means, or None and the names closest to it."""
        words = [w for w in clean(name).split() if not is_filler(w)]
        query = " ".join(w for w in words if w not in ("said", "say", "says", "quote", "quotes", "the", "what"))
        if not query:
            return None, []
        keys = self._speaker_keys()
        # An affiliation named with a role ("the Mijente organizer") means that organisation's quoted person.
        scored: dict[str, float] = {}
        for key, speaker_id in keys:
            score = max(fuzz.ratio(query, key), fuzz.token_set_ratio(query, key) if len(key) > 3 else 0.0)
            for word in query.split():
                if len(word) > 3:
                    score = max(score, fuzz.ratio(word, key) - 5)
            scored[speaker_id] = max(scored.get(speaker_id, 0.0), score)
        ranked = sorted(scored.items(), key=lambda kv: -kv[1])
        best_id, best = ranked[0]
        if best < QUOTE_LOOKUP_THRESHOLD:
            return None, [self.kb.speakers[s].name for s, sc in ranked[:3] if sc >= 50]
        return self.kb.speakers[best_id], []

    def quote(self, name: str) -> QuoteResult:
        """Every quote of the person a name (or alias, surname, typo, affiliation) means."""
        query = " ".join(name.split()) if isinstance(name, str) else ""
        if not clean(query) or len(query) > MAX_QUESTION_CHARS:
            names = self.quoted_names()[:1]
            hint = f"Please give a name, e.g. {names[0]}." if names else "Please give a name."
            return QuoteResult(query[:MAX_QUESTION_CHARS], None, None, None, (), (), hint)
        speaker, suggestions = self.find_speaker(query)
        if speaker is None:
            names = self.quoted_names()
            offer = suggestions or names[:3]
            message = "The story quotes nobody by that name."
            return QuoteResult(query, None, None, None, (), tuple(offer), message)
        speaker_id, quotes = self._speaker_quotes(speaker.id)
        found = self.kb.speakers[speaker_id]
        views: tuple[QuoteView, ...] = tuple(quote_view(self.kb, q) for q in quotes)
        role = self.kb.speaker_role(speaker_id)
        if not views:
            message = f"The story names {found.name} but does not quote them."
        else:
            count = "one quote" if len(views) == 1 else f"{len(views)} quotes"
            message = f"{found.name}: {count} in the story."
        log.debug("quote lookup %r -> %s (%d quotes)", query, speaker_id, len(views))
        return QuoteResult(query, speaker_id, found.name, role, views, (), message)

    def quoted_names(self) -> list[str]:
        return [self.kb.speakers[s].name for s in self.kb.quotes_by_speaker if s is not None]

    def complete_speakers(self, partial: str, limit: int = 25) -> list[tuple[str, str]]:
        """(label, speaker id) choices for autocomplete; speakers with quotes, best match first."""
        quoted = [s for s in self.kb.speakers.values() if self.kb.quotes_by_speaker.get(s.id)]
        query = clean(partial)
        choices: list[tuple[float, str, str]] = []
        for speaker in quoted:
            label = speaker.name
            role = self.kb.speaker_role(speaker.id)
            if role:
                label = f"{speaker.name} — {role}"
            if not query:
                score = 100.0
            else:
                score = max(
                    max(fuzz.partial_ratio(query, clean(n)), fuzz.WRatio(query, clean(n))) for n in speaker.names
                )
                if role:
                    score = max(score, fuzz.partial_ratio(query, clean(role)) - 10)
            if score >= 60:
                choices.append((score, label[:100], speaker.id))
        choices.sort(key=lambda c: (-c[0], c[1]))
        return [(label, sid) for _, label, sid in choices[:limit]]

    # ---------------------------------------------------------------- logging

    def _log_scores(self, question: str, analysis: Analysis, ranked: list[Scored]) -> None:
        if not log.isEnabledFor(logging.DEBUG):
            return
        log.debug(
            "question %r -> terms %s, speakers %s, unknown %s, corrections %s",
            question,
            analysis.terms,
            analysis.speakers,
            analysis.unknown,
            analysis.corrections,
        )
        for scored in ranked[:5]:
            log.debug("  %.3f %s (%r)", scored.score, scored.entry_id, scored.phrasing)
