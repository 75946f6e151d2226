"""The answering engine: from a question to an answer, a set of quotes, or an honest decline.

How a question is answered:
1. It is cleaned and split into terms (`normalize`): case, accents, punctuation, filler words, stems and
   synonyms are folded away; names, aliases and roles of people and organisations become one term per
   speaker (full name, surname, "the deputy director" → `@<speaker id>`); misspelt words are corrected
   to the nearest word the knowledge base knows. Words it never uses are weighed by how rare they are
   in general English (`general_english`).
2. The entries worth a closer look are found through every doc of theirs that shares a word with the
   question: phrasings, keywords, answer, evidence and people. Tantivy gathers the candidates over the
   index's analysed terms (`index`, `tantivy_index`), which are scored again (`retrieval`).
3. Each of the best few gets a handful of named features (`ranking`), from which a fitted model gives
   the probability that it answers the question; entries are ranked by it (`decision`).
4. A second fitted model turns the best two probabilities into the calibrated confidence that the best
   entry is right. Below the fitted threshold the engine declines, asks "which of these?" when two
   entries are close, and offers suggestions instead of guessing.
A message that asks several things is read (`reading`) and answered part by part (`asking`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from bot.answering import answer_kinds, vetoes
from bot.answering.acronyms import Acronyms, could_be_acronym
from bot.answering.answer import (
    MAX_SUGGESTIONS,
    Answer,
    EvidenceView,
    Outcome,
    Suggestion,
    offering,
    quote_view,
)
from bot.answering.asked_thing import asked_things
from bot.answering.asking import Asking
from bot.answering.corrections import Corrections, name_like
from bot.answering.decision import Decision, shipped
from bot.answering.entry_index import FILLER
from bot.answering.general_english import rarity
from bot.answering.help_text import help_text
from bot.answering.index import Index
from bot.answering.language import ENGLISH, detect, polite_reply
from bot.answering.normalize import Vocabulary, is_filler
from bot.answering.pronouns import unclear_pronoun
from bot.answering.quote_answers import QuoteAnswers
from bot.answering.quote_requests import (
    PLAIN,
    asks_for_words,
    asks_plainly,
)
from bot.answering.ranking import FEATURED, QUESTION_TERMS, UNKNOWN_COUNTED, Question, contextual
from bot.answering.reading import MAX_PARTS, Reader
from bot.answering.rebuild_plan import why_not_reused
from bot.answering.retrieval import Retrieval
from bot.answering.shortlist_features import candidates, phrasing
from bot.answering.spelled_out import SpelledOut
from bot.answering.spelling import typed_as_meant
from bot.knowledge.model import Entry, KnowledgeBase
from bot.knowledge.text import clean

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 500  # a question, not an essay; longer input gets a kind message
# A question less than this share of whose weight is words the story uses is about something else
# ("weather in paris"): a decline then offers starter questions rather than the nearest entries.
OFF_TOPIC_SHARE = 0.5

_SMALL_TALK = frozenset(
    """
    afternoon appreciate appreciated are awesome bot built bye can cheers cool created creator do doing
    evening good goodbye great hello helped helpful hey hi hiya hola how howdy is made morning name nice
    night ok okay owner please storybot sup thank thanks there thx ty up what whats who yo you your
    """.split()  # noqa: SIM905 - a word list is easier to curate as text
)
_QUESTION_WORDS = QUESTION_TERMS
_HELP_WORDS = frozenset({"help", "commands", "usage"})
# Rebuilt when an engine is unpickled: quicker to rebuild than to store and load (the first stage's
# index is reopened from its directory, or rebuilt).
_REBUILT = (
    "_term_id",
    "_entry_ids",
    "_alias_phrases",
    "_alias_firsts",
    "_spell_buckets",
    "_first_names",
    "_name_words",
    "_name_lengths",
    "_name_buckets",
    "_first_stage",
    "_rows",
)


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the engine understood of a question."""

    cleaned: str  # the question as cleaned and spell-corrected words
    terms: tuple[str, ...]
    speakers: tuple[str, ...]  # speaker ids named in it
    unknown: tuple[str, ...]  # words the knowledge base never uses
    corrections: tuple[tuple[str, str], ...]  # (typed, understood as)
    outside: tuple[tuple[str, float], ...] = ()  # (term, weight) of terms in no entry: unknown or source-only words
    unknown_names: tuple[float, ...] = ()  # per unknown word, how much it looks like a name (0-1)
    written: str = ""  # the question cleaned with its phrases written out, as typed: before any correction


@dataclass(frozen=True, slots=True)
class Scored:
    entry_id: str
    score: float  # the fitted probability that this entry answers the question
    phrasing: str
    features: tuple[float, ...] = ()


def _is_english_word(word: str) -> bool:
    """Whether a word is an ordinary English word, not only a name (the knowledge model's word list)."""
    from bot.knowledge.grounding import is_english_word  # here: grounding itself reads answering's stopwords

    return is_english_word(word)


class Engine(Asking, Index, Retrieval, QuoteAnswers, Corrections, SpelledOut):
    """Answers questions from one knowledge base. Build once per knowledge base; share freely.

    `decision` replaces the shipped fitted decision (`storybot train` tries its candidates this way).
    `index_dir` is where the first stage's index lives (opened when already built there); without it, in memory.
    """

    def __init__(
        self,
        kb: KnowledgeBase,
        decision: Decision | None = None,
        index_dir: Path | None = None,
        previous: Engine | None = None,
    ) -> None:
        """`previous`: the engine of this knowledge base before an edit, whose index a rebuild reuses where the
        edit changed nothing (`rebuild`; see `rebuild_plan.why_not_reused` for when it cannot). The engine is the
        same as one built without it."""
        self.kb = kb
        self._decision = decision
        self._index_dir = index_dir
        self._vocab = Vocabulary(kb.vocabulary)  # general English and this story's own words
        self._reader = Reader()
        self._acronyms = Acronyms(kb)
        if previous is not None and why_not_reused(previous, kb) is not None:
            previous = None
        self._people_tables(previous)
        self._build_alias_lookups()
        self._index_from(previous)
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
        self._open_first_stage()

    @property
    def decision(self) -> Decision:
        return self._decision or shipped()

    # --------------------------------------------------------------- analysis

    def analyse(self, question: str) -> Analysis:
        cleaned = self._vocab.rewrite_phrases(clean(question))
        words = cleaned.split()
        corrections: list[tuple[str, str]] = []
        fixed: list[str] = []
        ids, extra = self._term_id, self._extra_terms
        capitalised = self._capitalised(question)
        shouted = {clean(raw) for raw in question.split() if raw.isupper() and not raw.isdigit()}
        for word in words:
            if word in self._vocabulary or is_filler(word):
                fixed.append(word)
                continue
            spelt = self._correct_name(word)
            if (t := self._vocab.term(word)) in ids or t in extra:
                if spelt is not None:  # "ostrowsky" stems like a known word, but means a name
                    corrections.append((word, spelt[0]))
                fixed.append(spelt[0] if spelt is not None else word)
                continue
            if could_be_acronym(word) and (word in shouted or not typed_as_meant(word)):
                phrase = self._acronyms.phrase(word)  # "what does <initials> stand for": the story's own phrase
                if phrase is not None:
                    corrections.append((word, " ".join(phrase)))
                    fixed += phrase
                    continue
            better = self._correct(word)
            if spelt is not None and (better is None or self._name_wins(word, spelt, better, capitalised)):
                better = spelt[0]
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
        outside: dict[str, float] = {}  # terms in no entry, and their weight
        names: list[float] = []
        for word in self._alias_phrases.replace(fixed, name):
            if is_filler(word):
                continue
            t = word if word.startswith("@") else self._vocab.term(word)
            terms.append(t)
            if t in ids or word.startswith("@") or t in _QUESTION_WORDS:  # "where" asks; it is no topic
                continue
            if word in self._vocabulary:  # a word of the article that no entry uses: as telling as the rarest
                outside[t] = max(outside.get(t, 0.0), self._unknown_weight)
                continue
            unknown.append(word)
            share = min(rarity(word), rarity(self._vocab.spell(word)))  # British spellings are rarer in the list
            outside[t] = max(outside.get(t, 0.0), share * self._unknown_weight)
            names.append(1.0 if word in capitalised else share)
        return Analysis(
            corrected,
            tuple(dict.fromkeys(terms)),
            tuple(dict.fromkeys(speakers)),
            tuple(unknown),
            tuple(corrections),
            tuple(outside.items()),
            tuple(names),
            cleaned,
        )

    @staticmethod
    def _capitalised(question: str) -> frozenset[str]:
        """Words written with a capital after the first word, as names are (unless the whole question shouts)."""
        if question.upper() == question:
            return frozenset()
        return frozenset(w for raw in question.split()[1:] if name_like(raw) for w in clean(raw).split())

    # ---------------------------------------------------------------- ranking

    def rank(self, analysis: Analysis) -> list[Scored]:
        """Entries by the probability that they answer the question, best first (each with its best phrasing)."""
        ids, idf = self._term_id, self._idf
        query = {ids[t]: t for t in analysis.terms if t in ids}
        weights = {i: idf[i] for i in query}
        weight = sum(weights.values()) + sum(w for _, w in analysis.outside)
        if not query or weight <= 0.0 or all(t in _QUESTION_WORDS for t in query.values()):
            return []  # nothing but question words ("what time is it"): nothing of the story is asked about
        shortlist = self._best_phrasings(query, weight)
        heaviest = max([(w, i) for i, w in weights.items()] + [(w, FILLER) for _, w in analysis.outside])
        unknown = {self._vocab.term(word) for word in analysis.unknown}
        unknown_weight = sum(w for t, w in analysis.outside if t in unknown)
        # Of those, the names: words written with a capital, or no ordinary English word ("Veolia", "veolia")
        names = {
            self._vocab.term(word)
            for word, name_like in zip(analysis.unknown, analysis.unknown_names, strict=True)
            if name_like >= 1.0 or not _is_english_word(word)
        }
        name_weight = sum(w for t, w in analysis.outside if t in names)
        named_terms = {f"@{s}" for s in analysis.speakers}
        topic = {i: w for i, w in weights.items() if query[i] not in named_terms and query[i] not in _QUESTION_WORDS}
        question = Question(
            cleaned=analysis.cleaned,
            weights=weights,
            weight=weight,
            strict_weight=weight - unknown_weight + len(unknown) * self._unknown_weight,
            named=frozenset(analysis.speakers),
            name_terms=frozenset(f"@{s}" for s in analysis.speakers),
            known=frozenset(i for i, t in query.items() if t not in _QUESTION_WORDS),
            rarest=heaviest[1],
            unknown_share=unknown_weight / weight,
            unknown_name_share=name_weight / weight,
            unknown_words=min(len(analysis.unknown), UNKNOWN_COUNTED) / UNKNOWN_COUNTED,
            asks_words=not PLAIN.isdisjoint(analysis.terms),
            unknown_name=max(analysis.unknown_names, default=0.0),
            asks_for=answer_kinds.asked(analysis.cleaned),
            asked_things=asked_things(analysis.cleaned, self._vocab.term, self._term_id),
            role_holders=self._roles.holders(analysis.cleaned, analysis.terms, analysis.speakers),
            topic=frozenset(topic),
            topic_weight=sum(topic.values()) + unknown_weight,
        )
        decision = self.decision
        found = candidates(self, question, [entry for entry, _, _ in shortlist[:FEATURED]])
        ranked = [
            (Scored(self._entry_ids[c.entry], decision.match(features), phrasing(self, c.doc), features), c.in_order)
            for c, features in zip(found, contextual(found), strict=True)
        ]
        # Equal scores (the same words, in another order) go to the phrasing in the question's own order.
        ranked.sort(key=lambda pair: (-pair[0].score, -pair[1], pair[0].entry_id))
        return [scored for scored, _ in ranked]

    def parts(self, question: str) -> list[str]:
        """The questions `ask` reads in a message (at least one), each as it is analysed."""
        reading = self._reader.read(question, ())
        found = reading.parts[:MAX_PARTS] or (reading.text,)
        return [" ".join(part.split())[:MAX_QUESTION_CHARS] for part in found]

    def ranked(self, question: str) -> list[Scored]:
        """The entries a question is matched to, as `ask` sees them (for evaluation and training): the message
        read as `ask` reads it, and its first part ranked."""
        return self.rank(self.analyse(self.parts(question)[0]))

    def confidence(self, ranked: Sequence[Scored]) -> float:
        """The calibrated probability that the best-ranked entry is the right answer."""
        if not ranked:
            return 0.0
        second = ranked[1].score if len(ranked) > 1 else 0.0
        return self.decision.answer(ranked[0].score, second, ranked[0].features)

    # ---------------------------------------------------------------- answers

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
        words = {w for w in self._vocab.rewrite_phrases(clean(text)).split() if not is_filler(w)}
        if words <= _SMALL_TALK | _HELP_WORDS:
            return self._small_talk(text, words)

        # A question made only of the story's own words is in the story's language: no word lists to read.
        language = ENGLISH if words <= self._vocabulary.keys() else detect(text, self._vocabulary.keys())
        if language != ENGLISH:
            return Answer(text, Outcome.OTHER_LANGUAGE, polite_reply(None), 0.0, language=language)

        analysis = self.analyse(text)
        ranked = self.rank(analysis)
        self._log_scores(text, analysis, ranked)
        # "what does <initials> stand for?"
        if (spelt := self._spelled_out(text, analysis.written, ranked)) is not None:
            return spelt

        asks_words = asks_for_words(text, analysis.terms)
        # "How did X react to <a plan>?" is as much about the plan as about X's words: only a plain request
        # ("what did X say about it?", "X's take") is X's quotes whatever it is about.
        plainly = asks_plainly(text, analysis.terms)
        both = self._several_quoted(text, analysis, ranked, plainly) if asks_words else None
        if both is not None:
            return both
        quoted = self._quote_intent(analysis) if asks_words else None
        if quoted is not None and (found := self._quotes_answer(text, quoted, analysis, ranked, plainly=plainly)):
            return found
        if quoted is None and asks_words and plainly and (unquoted := self._not_quoted(text, analysis, ranked)):
            return unquoted
        by_first = () if analysis.speakers or not asks_words else self._first_named(text, analysis)
        by_first = tuple(s for s in by_first if self._speaker_quotes(s)[1])
        if len(by_first) == 1:  # "what did jane say?": the one quoted person of that first name, who it names
            first = frozenset({self._vocab.term(clean(self.kb.speakers[by_first[0]].name).split()[0])})
            if found := self._quotes_answer(text, by_first[0], analysis, ranked, first, plainly):
                return found
        elif by_first:  # two people of that first name: offered, never guessed between
            return self._people_offered(self._decline(text, ranked, self.confidence(ranked)), by_first)
        by_role = self._by_role(analysis.cleaned, analysis.speakers) if asks_words else None
        if by_role is not None and by_role.speaker_id is not None:
            found = self._quotes_answer(
                text, by_role.speaker_id, analysis, ranked, by_role.role_terms, plainly, by_role.named_as
            )
            if found is not None:
                return found
        if by_role is not None and by_role.close and not self._topic(analysis, by_role.role_terms, text):
            # "What did the council member say?" with two of them quoted, or "the <company> spokesperson" when
            # only another company's is quoted: never a guess, the close people offered.
            return self._people_offered(self._decline(text, ranked, self.confidence(ranked)), by_role.close)

        confidence = self.confidence(ranked)
        decision = self.decision
        # "when did they stop?" asked on its own: who "they" are is anyone's guess, so never answered confidently
        topic_words = sum(t not in _QUESTION_WORDS for t in analysis.terms)
        unclear = None if analysis.speakers else unclear_pronoun(text, topic_words)
        if unclear is not None:
            confidence = vetoes.below_answering(confidence, decision.answer_at)
        if ranked and confidence >= decision.answer_at:
            top = ranked[0]
            return self._entry_answer(text, self.kb.entries[top.entry_id], confidence, top.phrasing)
        # Two entries both plausible and about as likely: the question may mean either; ask which.
        second = ranked[1].score if len(ranked) > 1 else 0.0
        close_call = second >= decision.close_at and ranked[0].score - second < decision.close_margin
        off_topic = self._known_share(analysis) < OFF_TOPIC_SHARE and not any(
            s.score >= decision.suggest_at for s in ranked
        )
        plain = self._who_is_the(text, analysis)
        if plain is not None:
            return plain
        declined = self._decline(text, ranked, confidence, close_call, off_topic, unclear)
        return self._people_offered(declined, by_role.close) if by_role is not None else declined

    def answer_entry(self, entry_id: str, question: str | None = None) -> Answer:
        """The answer of one entry (a pressed suggestion, or `/kb` previews)."""
        entry = self.kb.entries[entry_id]
        return self._entry_answer(question or entry.questions[0], entry, 1.0, entry.questions[0])

    def _entry_answer(self, question: str, entry: Entry, confidence: float, phrasing: str) -> Answer:
        kb = self.kb
        evidence = tuple(EvidenceView(kb.sources[e.source], e.excerpt) for e in entry.evidence)
        quotes = tuple(quote_view(kb, kb.quotes[q]) for q in entry.quotes)
        return Answer(question, Outcome.ANSWERED, entry.answer, confidence, entry, phrasing, evidence, quotes)

    def _known_share(self, analysis: Analysis) -> float:
        """How much of a question's weight is words the knowledge base uses (0: none of it is about the story)."""
        ids, idf = self._term_id, self._idf
        known = sum(idf[ids[t]] for t in analysis.terms if t in ids)
        total = known + sum(w for _, w in analysis.outside)
        return known / total if total > 0.0 else 0.0

    def _decline(
        self,
        question: str,
        ranked: list[Scored],
        confidence: float,
        close_call: bool = False,
        off_topic: bool = False,
        unclear: str | None = None,
    ) -> Answer:
        """A kind "the story doesn't say"; `off_topic` (nothing in the question is about the story) offers
        starter questions instead of near entries; `unclear` is a pronoun the question never says the meaning of."""
        suggestions = self.suggest([] if off_topic else ranked)
        if off_topic:  # nothing comes close: say what the bot is for, and where the story starts
            text = "That isn't something the story covers. Here are a few questions I can answer:"
        elif unclear is not None:
            text = f"Who or what do you mean by \u201c{unclear}\u201d? Please name it, and I'll look it up."
        elif close_call:
            text = "I'm not sure which of these you mean: the story covers more than one thing like that."
        else:
            text = "The story doesn't say, as far as I can tell."
        text = text if off_topic else offering(text, suggestions)
        return Answer(question, Outcome.DECLINED, text, confidence, suggestions=suggestions, off_topic=off_topic)

    def suggest(self, ranked: list[Scored]) -> tuple[Suggestion, ...]:
        picked = [s for s in ranked if s.score >= self.decision.suggest_at][:MAX_SUGGESTIONS]
        if not picked:  # nothing close: offer where the story starts, in the curators' order
            starters = islice(self.kb.entries.values(), MAX_SUGGESTIONS)
            return tuple(Suggestion(e.id, e.questions[0]) for e in starters)
        return tuple(Suggestion(s.entry_id, self.kb.entries[s.entry_id].questions[0]) for s in picked)

    def _small_talk(self, question: str, words: set[str]) -> Answer:
        if words & _HELP_WORDS:
            text = help_text(self.examples())
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
