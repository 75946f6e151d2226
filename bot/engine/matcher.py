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

import logging
import math
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.engine.answer import (
    Answer,
    EvidenceView,
    Outcome,
    QuoteResult,
    QuoteView,
    Suggestion,
    quote_view,
)
from bot.engine.model import Entry, Kind, KnowledgeBase, Quote, Speaker
from bot.engine.normalize import PhraseTable, clean, is_filler, rewrite_phrases, term

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 500  # a question, not an essay; longer input gets a kind message
ANSWER_THRESHOLD = 0.45  # below this confidence the engine declines
CLEAR_THRESHOLD = 0.6  # between the two thresholds an answer must stand clear of the next entry...
CLEAR_GAP = 0.2  # ...by this much
CLOSE_CALL_MARGIN = 0.04  # two different entries this close: too close to call
CLOSE_CALL_CEILING = 0.8  # ...unless both are this sure, when the better one is still right
SUGGESTION_FLOOR = 0.12
MAX_SUGGESTIONS = 3
SHORTLIST = 200  # entries given the full, slower scoring
MIN_POSTINGS = 2000  # a term in fewer phrasings than this always gathers candidates
RAREST_MISSING = 0.85
UNNAMED_SUBJECT = 0.65
SWAPPED_NAME = 0.5
EVIDENCE_SHARE = 0.7
COVERED_SHARE = 0.6  # of a phrasing's score: how much of the question it explains (the rest: how much of it is asked)
KNOWN_MISSING = 0.9
UNKNOWN_WEIGHT = 1.0  # a word the knowledge base never uses weighs this much of its rarest word
QUOTE_LOOKUP_THRESHOLD = 80.0

SAY = term("say")
THINK = term("think")
_QUOTE_INTENT = {SAY, THINK}
_SMALL_TALK = frozenset(
    """
    afternoon appreciate appreciated are awesome bot built bye can cheers cool created creator do doing
    evening good goodbye great hello helped helpful hey hi hiya hola how howdy is made morning name nice
    night ok okay owner please storybot sup thank thanks there thx ty up what whats who yo you your
    """.split()  # noqa: SIM905 - a word list is easier to curate as text
)
_QUESTION_WORDS = frozenset(term(w) for w in ["what", "who", "whom", "whose", "which", "when", "where", "why", "how"])
_HELP_WORDS = frozenset({"help", "commands", "usage"})
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class _Doc:
    """A phrasing (or keyword set) of an entry, as weighted terms."""

    entry_id: str
    text: str
    terms: tuple[str, ...]  # distinct
    weight: float  # sum of its terms' weights
    is_keyword: bool = False


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
    names: tuple[str, ...] = ()  # the speaker terms of that phrasing


class Engine:
    """Answers questions from one knowledge base. Build once per knowledge base; share freely."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._aliases = self._alias_table(kb)
        self._alias_table_ = PhraseTable(self._aliases)
        self._docs: list[_Doc] = []
        self._postings: dict[str, array[int]] = {}
        self._entry_speakers: dict[str, frozenset[str]] = {}
        self._first_phrasing = {entry.id: entry.questions[0] for entry in kb.entries.values()}
        self._build_index()

    # ------------------------------------------------------------------ index

    @staticmethod
    def _alias_table(kb: KnowledgeBase) -> dict[str, str]:
        """Cleaned name or alias → speaker id; a name shared by two speakers is left out."""
        table: dict[str, str] = {}
        clashes: set[str] = set()
        for speaker in kb.speakers.values():
            for name in speaker.names:
                key = rewrite_phrases(clean(name))
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

    def _build_index(self) -> None:
        kb = self.kb
        raw_docs: list[tuple[str, str, list[str], bool]] = []
        entry_terms: dict[str, set[str]] = {}
        vocabulary: Counter[str] = Counter()  # every word the knowledge base uses: a typo is near one of these
        for entry in kb.entries.values():
            bag: set[str] = set()
            speakers: set[str] = set(entry.about)
            for phrasing in entry.questions:
                terms, named = self._terms_and_speakers(phrasing, vocabulary=vocabulary)
                speakers.update(named)
                raw_docs.append((entry.id, phrasing, terms, False))
                bag.update(terms)
            if entry.keywords:
                keyword_terms: list[str] = []
                for keyword in entry.keywords:
                    terms, named = self._terms_and_speakers(keyword, vocabulary=vocabulary)
                    keyword_terms.extend(terms)
                raw_docs.append((entry.id, "; ".join(entry.keywords), keyword_terms, True))
                bag.update(keyword_terms)
            # Everything the entry says, for "does it mention what was asked at all?".
            said = [entry.answer, *(e.excerpt for e in entry.evidence), *(kb.quotes[q].text for q in entry.quotes)]
            said += [name for s in entry.about for name in kb.speakers[s].names]
            for text in said:
                terms, named = self._terms_and_speakers(text, keep_words=True, vocabulary=vocabulary)
                speakers.update(named)
                bag.update(terms)
            bag.update(f"@{s}" for s in entry.about)
            entry_terms[entry.id] = bag
            self._entry_speakers[entry.id] = frozenset(speakers)

        # Word rarity over entries (BM25's idf, which stays positive).
        n = max(len(entry_terms), 1)
        df: Counter[str] = Counter(t for bag in entry_terms.values() for t in bag)
        self._idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self._unknown_weight = UNKNOWN_WEIGHT * math.log(1 + (n + 0.5) / 0.5)
        # Tuples, not sets: a few dozen terms are searched as fast, in a fraction of the memory.
        self._entry_bag = {entry_id: tuple(bag) for entry_id, bag in entry_terms.items()}

        postings: dict[str, list[int]] = defaultdict(list)
        for entry_id, text, terms, is_keyword in raw_docs:
            unique = tuple(dict.fromkeys(terms))
            if not unique:
                continue
            index = len(self._docs)
            self._docs.append(_Doc(entry_id, text, unique, self._weight(unique), is_keyword))
            for t in unique:
                postings[t].append(index)
        self._postings = {t: array("I", docs) for t, docs in postings.items()}

        # Words used only in sources, quotes and people are known words too.
        texts: list[str] = [s.text for s in kb.sources.values()]
        texts += [q.text for q in kb.quotes.values()]
        texts += [" ".join((*s.names, s.role or "", s.description or "")) for s in kb.speakers.values()]
        for text in texts:
            vocabulary.update(rewrite_phrases(clean(text)).split())
        for number in [w for w in vocabulary if w.isdigit()]:
            del vocabulary[number]
        self._vocabulary = vocabulary
        self._known_terms = {term(w) for w in vocabulary} | set(self._idf)
        self._spell_buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
        for word in vocabulary:
            if len(word) >= 4:
                self._spell_buckets[word[0], len(word)].append(word)
        self._spell_buckets = dict(self._spell_buckets)
        self._name_words = sorted({w for alias in self._aliases for w in alias.split() if len(w) >= 4})

    def _weight(self, terms: Iterable[str]) -> float:
        return sum(self._idf.get(t, self._unknown_weight) for t in terms)

    # --------------------------------------------------------------- analysis

    def _terms_and_speakers(
        self, text: str, keep_words: bool = False, vocabulary: Counter[str] | None = None
    ) -> tuple[list[str], list[str]]:
        """Terms of a knowledge-base text (no spelling correction: it is curated).

        Names become one term per speaker; with `keep_words`, their words are kept as terms too
        ("University of South Carolina" also yields "univers"), so a question can meet them either way.
        """
        speakers: list[str] = []

        def name(speaker_id: str, words: Sequence[str]) -> list[str]:
            speakers.append(speaker_id)
            return [f"@{speaker_id}", *words] if keep_words else [f"@{speaker_id}"]

        plain = rewrite_phrases(clean(text)).split()
        if vocabulary is not None:
            vocabulary.update(plain)
        words = self._alias_table_.replace(plain, name)
        terms = [w if w.startswith("@") else term(w) for w in words if not is_filler(w)]
        return terms, speakers

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
        cleaned = rewrite_phrases(clean(question))
        words = cleaned.split()
        corrections: list[tuple[str, str]] = []
        fixed: list[str] = []
        for word in words:
            if word in self._vocabulary or is_filler(word) or term(word) in self._known_terms:
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
        for word in self._alias_table_.replace(fixed, name):
            if is_filler(word):
                continue
            t = word if word.startswith("@") else term(word)
            terms.append(t)
            if t not in self._idf and not word.startswith("@") and word not in self._vocabulary:
                unknown.append(word)
        return Analysis(
            corrected, tuple(dict.fromkeys(terms)), tuple(dict.fromkeys(speakers)), tuple(unknown), tuple(corrections)
        )

    # ---------------------------------------------------------------- scoring

    def _score_doc(self, terms: frozenset[str], weight: float, doc: _Doc) -> float:
        idf, unknown = self._idf, self._unknown_weight
        shared = sum(idf.get(t, unknown) for t in doc.terms if t in terms)
        if shared == 0.0:
            return 0.0
        covered = shared / weight  # how much of the question the phrasing explains
        explained = shared / doc.weight  # how much of the phrasing the question asks
        if doc.is_keyword:  # keywords are hints, not questions: only coverage of the question counts
            return 0.9 * covered
        return COVERED_SHARE * covered + (1 - COVERED_SHARE) * explained

    def _candidates(self, terms: frozenset[str]) -> set[int]:
        """Phrasings sharing a telling term with the question.

        Terms found in a large share of phrasings ("what", "police" in a police story) would each
        bring in thousands of candidates for little information, so only the rarer terms gather
        candidates; all terms still count when the candidates are scored.
        """
        known = sorted((len(self._postings[t]), t) for t in terms if t in self._postings)
        if not known:
            return set()
        limit = max(MIN_POSTINGS, len(self._docs) // 20)
        # A question made only of such common words is not specific enough to answer from a large base.
        return {i for count, t in known if count <= limit for i in self._postings[t]}

    def rank(self, analysis: Analysis) -> list[Scored]:
        """Entries by score, best first (one line per entry: its best phrasing)."""
        terms = frozenset(analysis.terms)
        if not terms:
            return []
        weight = self._weight(terms)
        best: dict[str, Scored] = {}
        for i in self._candidates(terms):
            doc = self._docs[i]
            score = self._score_doc(terms, weight, doc)
            if score > 0.0 and (doc.entry_id not in best or score > best[doc.entry_id].score):
                phrasing = doc.text if not doc.is_keyword else self._first_phrasing[doc.entry_id]
                names = tuple(t for t in doc.terms if t.startswith("@"))
                best[doc.entry_id] = Scored(doc.entry_id, score, phrasing, names)
        # Only the best few hundred are worth the finer (and slower) look below.
        shortlist = sorted(best.values(), key=lambda s: -s.score)[:SHORTLIST]
        ranked = []
        named = set(analysis.speakers)
        rarest = max(terms, key=lambda t: (self._idf.get(t, self._unknown_weight), t))
        known = [t for t in terms if t in self._idf and t not in _QUESTION_WORDS]
        for scored in shortlist:
            bag = self._entry_bag[scored.entry_id]
            mentioned = self._weight(t for t in bag if t in terms) / weight  # how much of the question it speaks of
            # A question in the article's own words may match what the entry says better than how it is asked.
            score = max(0.8 * scored.score + 0.2 * mentioned, EVIDENCE_SHARE * mentioned)
            entry_speakers = self._entry_speakers[scored.entry_id]
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
            if analysis.unknown and set(scored.names) - terms:
                score *= SWAPPED_NAME
            # The most telling word of the question should be something the entry speaks of.
            if rarest not in bag:
                score *= RAREST_MISSING
            # Words the knowledge base knows, but not in this entry: the question asks about something else.
            missing = sum(1 for t in known if t not in bag)
            score *= KNOWN_MISSING ** min(missing, 3)
            # Blend in a character-level view of the two strings, which forgives what terms missed.
            fuzzy = fuzz.token_sort_ratio(analysis.cleaned, clean(scored.phrasing))
            score = 0.85 * score + 0.15 * (fuzzy / 100.0) * min(score / 0.5, 1.0)
            ranked.append(Scored(scored.entry_id, min(score, 1.0), scored.phrasing))
        ranked.sort(key=lambda s: (-s.score, s.entry_id))
        return ranked

    # ---------------------------------------------------------------- answers

    def ask(self, question: str) -> Answer:
        """Answer a question, quote someone, or decline honestly. Never raises on any string."""
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
        if close_call:
            text = "I'm not sure which of these you mean: the story covers more than one thing like that."
        else:
            text = "The story doesn't say, as far as I can tell."
        if suggestions:
            text += " Did you mean one of these?"
        return Answer(question, Outcome.DECLINED, text, confidence, suggestions=suggestions)

    def suggest(self, ranked: list[Scored]) -> tuple[Suggestion, ...]:
        picked = [s for s in ranked if s.score >= SUGGESTION_FLOOR][:MAX_SUGGESTIONS]
        if not picked:  # nothing close: offer where the story starts, in the curators' order
            starters = islice(self._first_phrasing.items(), MAX_SUGGESTIONS)
            return tuple(Suggestion(e, q) for e, q in starters)
        return tuple(Suggestion(s.entry_id, self._first_phrasing[s.entry_id]) for s in picked)

    def _small_talk(self, question: str, words: set[str]) -> Answer:
        if words & _HELP_WORDS:
            text = (
                'Ask me anything about the story, e.g. "which companies paused facial recognition?", '
                'or ask what someone said, e.g. "what did Greer say?".'
            )
        else:
            text = "Hello! Ask me a question about the story and I'll answer from the article, with its own words."
        return Answer(question, Outcome.SMALL_TALK, text, 0.0, suggestions=self.suggest([]))

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
        topic = {t for t in analysis.terms if t in self._idf} - _QUOTE_INTENT - _QUESTION_WORDS
        topic -= {f"@{s}" for s in analysis.speakers}
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
        bag: set[str] = set()
        for entry in self.kb.entries.values():
            quoted = any(self.kb.quotes[q].speaker == speaker_id for q in entry.quotes)
            if quoted or speaker_id in entry.about:
                bag.update(self._entry_bag[entry.id])
        return frozenset(bag)

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
            return QuoteResult(query[:MAX_QUESTION_CHARS], None, None, None, (), (), "Please give a name, e.g. Greer.")
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
