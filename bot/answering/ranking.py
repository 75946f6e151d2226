"""What the engine measures of each shortlisted entry: a few named features for the fitted decision.

Each feature is a plain number, mostly a share between 0 and 1, that says one thing a reader would check
when judging whether an entry answers a question:

- `phrasing_covers_question`, `question_covers_phrasing`: of the entry's best phrasing, how much of the
  question's weight it explains, and how much of its own weight the question asks.
- `text_covers_question`: how much of the question the entry's curated text speaks of at all (phrasings,
  keywords, answer, evidence, quotes, people).
- `content_covers_question`, `keywords_cover_question`: the same for its answer, evidence and people
  alone, and for its keywords (for an entry without keywords, the lesser of its content's and its best
  phrasing's); a story with two phrasings per entry is found through these.
- `passage_covers_question`: the most of the question that one passage of the entry explains (a sentence
  of its answer, an evidence excerpt, one of its people): words that meet in one sentence say more than
  words scattered over a long answer.
- `best_cover`: the most of the question that one doc of the entry explains (phrasing, keywords or content).
- `strict_cover`: `best_cover` as if every word the story never uses were as telling as its rarest: the
  view that catches a detail the story lacks ("how much does <the product> cost?").
- `known_missing`: how many words the story knows, but this entry does not speak of, the question asks
  (up to three, as a share): the question is about something else the story covers.
- `lacks_asked_kind`: the question asks "how many", "how much tax", "when", "where" or "who", and the entry's
  answer has no number, no sum of money, no time, no place or no one (`answer_kinds`).
- `lacks_asked_thing`: the question names the thing it asks for ("how many *votes*", "what is <it>'s annual
  *profit*", `asked_thing`), and the entry never speaks of it (a word the story never uses counts as it is
  telling in general English).
- `holds_asked_role`: the question asks for someone by a role ("who runs <the organisation>?", "who's the
  lawyer for ...?"), and the entry names a person who holds it (`roles`).
- `names_agree`, `names_other`: the question names someone the entry is about; it names someone it is not.
- `unnamed_subject`: the entry is about someone the question does not name, and the question has a word
  the story never uses: most likely another company or person in their place.
- `stranger_in_place`: `unnamed_subject` as strong as the question's most name-like unknown word: a
  capitalised word the story never uses ("Google") counts fully, a common word ("level") hardly at all.
- `swapped_name`: the phrasing (or another phrasing of the entry that shares at least half the question)
  names someone the question leaves out, and the question has a word the story never uses: the
  signature of a name swapped for one the story never mentions.
- `unnamed_speaker`: the question asks what someone said or thinks, names no one the story knows, and has
  a word the story never uses: most likely someone the story does not quote ("what did Tim Cook say").
- `unknown_share`: how much of the question's weight is words the story never uses (weighed by
  general English, `general_english`), and `unknown_name_share` the part of it that is names: words
  written with a capital, or no ordinary English word ("Veolia"; not "unanimous", not "crops");
  `unknown_words`: how many such words it has (up to three, as a share), however common; `unknown_name`:
  how name-like the most name-like of them is.
- `rarest_in_entry`: the question's most telling word is one the entry speaks of.
- `fuzzy`: a character-level likeness of the question and the phrasing, which forgives what terms miss.
- `focus_covers_question`: how much of the question the entry's phrasings and keywords explain together:
  what its curators said it is about, as against what its answer and evidence mention on the way. With two
  phrasings an entry, no one phrasing holds all the ways it is asked, but together with the keywords they
  tell "what does <a company> share with the port?" from "what is <the company>?", whose answer may
  mention what it shares too.
- `question_covers_phrasing_topic`: `question_covers_phrasing` for what the phrasing asks beyond its names
  and question words. "What is <a company>?" is asked in full by any question that names the company;
  what it asks beyond the name is not asked by "what does <the company> share with the port?". A phrasing
  of names and question words alone scores 1 for a question of names and question words alone, else 0.

Beside them, the logarithms of the shares, and how far each entry is ahead of the question's other
candidates on the main ones (`contextual`). The weights of all of these are fitted (`storybot train`),
never set by hand.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Set
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter
from typing import Any, NamedTuple, Protocol

import numpy as np
from rapidfuzz import fuzz

from bot.answering import answer_kinds
from bot.answering.entry_index import CONTENT, KEYWORDS
from bot.answering.normalize import general_vocabulary
from bot.knowledge.text import clean

BASE_FEATURES = (
    "phrasing_covers_question",
    "question_covers_phrasing",
    "text_covers_question",
    "content_covers_question",
    "keywords_cover_question",
    "passage_covers_question",
    "best_cover",
    "strict_cover",
    "known_missing",
    "lacks_asked_kind",
    "lacks_asked_thing",
    "holds_asked_role",
    "names_agree",
    "names_other",
    "unnamed_subject",
    "stranger_in_place",
    "swapped_name",
    "unnamed_speaker",
    "unknown_share",
    "unknown_name_share",
    "unknown_words",
    "unknown_name",
    "rarest_in_entry",
    "fuzzy",
    "focus_covers_question",
    "question_covers_phrasing_topic",
)
# Shares matter most near zero (a question half explained is far worse than one fully explained): their
# logarithms are features too, floored here so that a share of 0 stays finite.
LOGGED = (
    "phrasing_covers_question",
    "question_covers_phrasing",
    "text_covers_question",
    "content_covers_question",
    "keywords_cover_question",
    "passage_covers_question",
    "best_cover",
    "strict_cover",
    "fuzzy",
)
LOG_FLOOR = 0.05
# How far an entry is ahead of the best of the question's other candidates (behind it, when negative): what
# tells one entry from the others, the same on a story of two phrasings an entry as on one of twelve.
RELATIVE = (
    "phrasing_covers_question",
    "question_covers_phrasing",
    "text_covers_question",
    "content_covers_question",
    "passage_covers_question",
    "best_cover",
    "fuzzy",
    "focus_covers_question",
)
# Which way each feature may push: more of a coverage can only make an entry likelier (+1), more unknown
# or conflicting names only less likely (-1). Fitting keeps every weight on its side (or at 0), so that no
# weight learns a quirk of the training stories by pulling against what its feature means.
SIGNS = {
    **dict.fromkeys(BASE_FEATURES, 1),
    **dict.fromkeys(
        (
            "known_missing",
            "lacks_asked_kind",
            "lacks_asked_thing",
            "names_other",
            "unnamed_subject",
            "stranger_in_place",
            "swapped_name",
            "unnamed_speaker",
            "unknown_share",
            "unknown_name_share",
            "unknown_words",
            "unknown_name",
        ),
        -1,
    ),
}
# Of the question as a whole: how closely it follows a phrasing of any candidate that names someone it
# leaves out, while it has a word the story never uses (`swapped_name` times `fuzzy`, at its most): a
# phrasing asked with its name swapped, whichever entry the other words then lean to.
SWAPPED_ANYWHERE = "swapped_anywhere"
FEATURES = (
    *BASE_FEATURES,
    *(f"log_{n}" for n in LOGGED),
    *(f"{n}_over_rest" for n in RELATIVE),
    SWAPPED_ANYWHERE,
)
# A logarithm pushes as its share does; a wider lead over the other candidates only helps.
FEATURE_SIGNS = tuple([SIGNS[n] for n in BASE_FEATURES] + [SIGNS[n] for n in LOGGED] + [1] * len(RELATIVE) + [-1])
_SWAPPED, _FUZZY = BASE_FEATURES.index("swapped_name"), BASE_FEATURES.index("fuzzy")
_LOGGED = [BASE_FEATURES.index(n) for n in LOGGED]
_RELATIVE = [BASE_FEATURES.index(n) for n in RELATIVE]
_LOGGED_OF, _RELATIVE_OF = itemgetter(*_LOGGED), itemgetter(*_RELATIVE)
RELATIVE_FROM = len(BASE_FEATURES) + len(LOGGED)  # where the leads start in FEATURES
KNOWN_MISSING_COUNTED = 3  # known words missing from an entry are counted up to this many...
UNKNOWN_COUNTED = 3  # ...and so are the question's words the story never uses
SWAP_COVER = 0.5  # a phrasing that shares this much of a question's weight is asked in its words
_ENGLISH = general_vocabulary()
QUESTION_TERMS = frozenset(_ENGLISH.term(w) for w in _ENGLISH.english.question_words)  # the same in every story
FEATURED = 8  # shortlisted entries (best quick score first) given features: the right one is nearly always among them


class IndexView(Protocol):
    """What the features read of the engine's index (the engine is one)."""

    _doc_offsets: array[int]
    _doc_terms: array[int]
    _doc_weight: array[float]
    _doc_phrasing: array[int]
    _entry_docs: array[int]
    _bag_offsets: array[int]
    _bag_terms: array[int]
    _entry_speakers: list[frozenset[str]]
    _entry_passages: array[int]
    _entry_kinds: array[int]
    _passage_offsets: array[int]
    _passage_terms: array[int]
    _term_text: list[str]
    _idf: array[float]

    def _phrasing(self, doc: int) -> str: ...

    def _doc_names(self, doc: int) -> set[str]: ...


@dataclass(frozen=True, slots=True)
class Candidate:
    """One shortlisted entry, as the decision sees it."""

    entry: int  # entry number in the index
    doc: int  # its best phrasing
    features: tuple[float, ...]  # in the order of BASE_FEATURES
    in_order: float  # how closely the phrasing follows the question's word order: breaks ties


@dataclass(frozen=True, slots=True)
class Question:
    """What the features need to know of a question, worked out once for all its candidates."""

    cleaned: str
    weights: dict[int, float]  # the question's known terms (id -> weight)
    weight: float  # of the whole question, unknown words weighed by general English
    strict_weight: float  # ...and with every unknown word as telling as the story's rarest
    named: frozenset[str]  # speaker ids the question names
    name_terms: frozenset[str]  # their "@id" terms
    known: frozenset[int]  # ids of its known terms other than question words
    rarest: int  # term id of its most telling word, or -1 when that word is unknown to the story
    unknown_share: float
    unknown_words: float
    asks_words: bool  # "say", "think" and their synonyms: the question asks what someone said
    unknown_name: float
    asks_for: int = 0  # the kinds of answer it asks for (`answer_kinds`: a count, a time, a place, a person...)
    # the things it names as asked for ("which *cities*", `asked_thing`): each one's term id (-1: a word the
    # story never uses), and how telling that word is when the story never uses it
    asked_things: tuple[tuple[int, float], ...] = ()
    role_holders: frozenset[str] = frozenset()  # speaker ids of the people it asks for by their role (`roles`)
    unknown_name_share: float = 0.0  # the part of `unknown_share` that is names (capitalised, or no English word)
    # What it asks beyond whom it names and its question words: those of its known terms, and the weight of
    # all it asks beyond them (its unknown words too)
    topic: frozenset[int] = frozenset()
    topic_weight: float = 0.0


def _share(flat: Iterable[int], weights: dict[int, float], weight: float) -> float:
    return sum(map(weights.get, flat, repeat(0.0))) / weight if weight else 0.0


def candidate(engine: IndexView, question: Question, entry: int) -> Candidate:
    """The features of one entry for one question."""
    weights, weight = question.weights, question.weight
    offsets, flat, doc_weight, doc_phrasing = (
        engine._doc_offsets,
        engine._doc_terms,
        engine._doc_weight,
        engine._doc_phrasing,
    )
    best_doc, best, covers, covered = -1, -1.0, 0.0, 0.0
    focus: set[int] = set()  # the terms of its phrasings and keywords: what its curators say it is about
    keywords = content = 0.0
    has_keywords = False
    unknown = question.unknown_share > 0.0 or question.unknown_name > 0.0
    swapped = False
    for doc in range(engine._entry_docs[entry], engine._entry_docs[entry + 1]):
        terms = flat[offsets[doc] : offsets[doc + 1]]
        shared = sum(map(weights.get, terms, repeat(0.0)))
        number = doc_phrasing[doc]
        if number != CONTENT:
            focus.update(terms)
        if number == KEYWORDS:
            keywords, has_keywords = shared / weight, True
        elif number == CONTENT:
            content = shared / weight
        else:
            explained = shared / doc_weight[doc] if doc_weight[doc] else 0.0
            # A phrasing that asks much of the question about someone the question leaves out, while the
            # question has a word the story never uses: that word is most likely a name in their place.
            if unknown and not swapped and shared >= SWAP_COVER * weight:
                swapped = bool(engine._doc_names(doc) - question.name_terms)
            if shared / weight + explained > best:  # the first of equal phrasings stays
                best_doc, best, covers, covered = doc, shared / weight + explained, shared / weight, explained
    if not has_keywords:
        # Curators give some entries no keywords: that says nothing against the entry (read as 0, it would count
        # against every such entry of a sparse story). What keywords would say is what both its phrasings and
        # its content say: the lesser of the two stands in (the content alone made a question about a detail
        # the story lacks look answered: "who is the mayor of <another city>").
        keywords = min(content, covers)
    if best_doc < 0:  # an entry with no phrasing of its own words: read as its first
        best_doc = engine._entry_docs[entry]
    passages, passage_terms = engine._passage_offsets, engine._passage_terms
    passage = max(
        (
            sum(map(weights.get, passage_terms[passages[p] : passages[p + 1]], repeat(0.0)))
            for p in range(engine._entry_passages[entry], engine._entry_passages[entry + 1])
        ),
        default=0.0,
    )
    phrasing = clean(engine._phrasing(best_doc))
    return assembled(
        engine,
        question,
        entry,
        Sums(
            best_doc,
            covers,
            covered,
            _share(engine._bag_terms[engine._bag_offsets[entry] : engine._bag_offsets[entry + 1]], weights, weight),
            content,
            keywords,
            passage / weight,
            _share(focus, weights, weight),
        ),
        swapped,
        phrasing,
        engine._doc_names(best_doc),
        topic_share(engine, question, *own_topic(engine, flat[offsets[best_doc] : offsets[best_doc + 1]])),
    )


class Sums(NamedTuple):
    """What an entry's docs explain of a question (shares of its weight), however they were summed."""

    best_doc: int  # its best phrasing
    covers: float  # of the question, what its best phrasing explains
    covered: float  # of that phrasing, what the question asks
    bag: float  # all of its curated text
    content: float
    keywords: float  # (for an entry without keywords, the lesser of its content and its best phrasing)
    passage: float  # its best passage
    focus: float  # its phrasings and keywords together


def assembled(
    engine: IndexView,
    question: Question,
    entry: int,
    sums: Sums,
    swapped: bool,
    phrasing: str,
    phrasing_names: Set[str],
    topic: float,
) -> Candidate:
    """One entry's candidate from its sums and its best phrasing (`phrasing` cleaned, the speakers it names,
    the share of its own topic the question asks): the features in the order of BASE_FEATURES, in one place
    for both ways of summing (`candidate` here, a story's at once in `shortlist_features`)."""
    bag = engine._bag_terms[engine._bag_offsets[entry] : engine._bag_offsets[entry + 1]]
    speakers = engine._entry_speakers[entry]
    named = question.named
    unknown = question.unknown_share > 0.0 or question.unknown_name > 0.0
    covers, keywords, content = sums.covers, sums.keywords, sums.content
    most = max(covers, keywords, content)
    features = (
        covers,
        sums.covered,
        sums.bag,
        content,
        keywords,
        sums.passage,
        most,
        most * question.weight / question.strict_weight,
        min(len(question.known.difference(bag)), KNOWN_MISSING_COUNTED) / KNOWN_MISSING_COUNTED,
        float(bool(question.asks_for & ~(engine._entry_kinds[entry] | (answer_kinds.SOMEONE if speakers else 0)))),
        max((float(t not in bag) if t >= 0 else r for t, r in question.asked_things), default=0.0),
        float(not question.role_holders.isdisjoint(speakers)),
        float(bool(named & speakers)),
        float(bool(named - speakers)),
        float(unknown and bool(speakers) and not named),
        question.unknown_name * float(bool(speakers) and not named),
        float(swapped or (unknown and bool(phrasing_names - question.name_terms))),
        float(unknown and question.asks_words and not named),
        question.unknown_share,
        question.unknown_name_share,
        question.unknown_words,
        question.unknown_name,
        float(question.rarest in bag),
        fuzz.token_sort_ratio(question.cleaned, phrasing) / 100.0,
        sums.focus,
        topic,
    )
    return Candidate(entry, sums.best_doc, features, fuzz.ratio(question.cleaned, phrasing))


def own_topic(engine: IndexView, phrasing: Iterable[int]) -> tuple[list[int], float]:
    """A phrasing's terms beyond its names and question words, and their weight."""
    texts, idf = engine._term_text, engine._idf
    own = [t for t in phrasing if not texts[t].startswith("@") and texts[t] not in QUESTION_TERMS]
    return own, sum(idf[t] for t in own)


def topic_share(engine: IndexView, question: Question, own: list[int], own_weight: float) -> float:
    """Of a phrasing's own weight (`own_topic`), the share the question asks (`question_covers_phrasing_topic`)."""
    if not own_weight:
        return 0.0 if question.topic_weight else 1.0
    return sum(engine._idf[t] for t in own if t in question.topic) / own_weight


def contextual(candidates: list[Candidate]) -> list[tuple[float, ...]]:
    """Every candidate's full features (FEATURES): its own, their logarithms, and its lead over the best of
    the other candidates (negative when it is behind one)."""
    if not candidates:
        return []
    features = [c.features for c in candidates]
    leads = _leads(np.array([_RELATIVE_OF(f) for f in features]))
    swapped = max(f[_SWAPPED] * f[_FUZZY] for f in features)
    log = math.log
    return [
        (*f, *[log(x + LOG_FLOOR) for x in _LOGGED_OF(f)], *lead, swapped)
        for f, lead in zip(features, leads, strict=True)
    ]


def _leads(values: np.ndarray[Any, Any]) -> list[list[float]]:
    """For each row (a candidate) and column (a feature), how far the value is ahead of the largest of the other
    rows' values in that column (0 when there are none)."""
    rows, columns = values.shape
    if rows < 2:  # no others: ahead of 0
        alone: list[list[float]] = (values - 0.0).tolist()
        return alone
    first = values.argmax(axis=0)  # the first of the largest, as list.index finds it
    across = np.arange(columns)
    top = values[first, across]
    others = values.copy()
    others[first, across] = -np.inf
    rest = np.where(np.arange(rows)[:, None] == first, others.max(axis=0), top)
    found: list[list[float]] = (values - rest).tolist()
    return found
