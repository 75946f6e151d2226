"""Generated near misses for fitting the decision (`training`): a story's own phrasings, asked about a detail
their entry lacks.

A phrasing that names the thing it asks for ("how many *votes* did the plan get?", `asked_thing`) is asked
again with that thing swapped for one another phrasing of the story asks for ("how many *buses* did the plan
get?"): the words the story knows, the subject of the entry, and a detail it never speaks of. No entry answers
it unless one speaks of the new thing and of the rest of the question too; such swaps are left out.
"""

from __future__ import annotations

import random
import re

from bot.answering.asked_thing import asked_words
from bot.answering.evaluation import Case
from bot.answering.matcher import Engine
from bot.answering.ranking import QUESTION_TERMS
from bot.knowledge.text import clean

PER_PHRASING = 1  # near misses made of one phrasing: swapped things are many, phrasings with a thing fewer
SOURCE = "asked detail"
# A noun, not a modifier ("how many *votes* did", not "how many *taxpayer*-funded deals"): the asked word is
# followed by a verb of the sentence's frame, a preposition, or nothing, and is no verb's form ("-ing", "-ed").
_HEAD_AFTER = r"is|are|was|were|do|does|did|has|have|had|will|would|can|could|of|for|in|on|at"


def _asked_nouns(cleaned: str) -> list[str]:
    return [
        w
        for w in asked_words(cleaned)
        if not w.endswith(("ing", "ed")) and re.search(rf"\b{re.escape(w)}(?: (?:{_HEAD_AFTER})\b|$)", cleaned)
    ]


def _entry_terms(engine: Engine) -> dict[str, frozenset[int]]:
    """Every entry's terms (all it speaks of), by entry id."""
    offsets, flat = engine._bag_offsets, engine._bag_terms
    return {entry_id: frozenset(flat[offsets[n] : offsets[n + 1]]) for n, entry_id in enumerate(engine._entry_ids)}


def asked_detail_cases(engine: Engine, rng: random.Random, keep: int = 0) -> list[Case]:
    """Phrasings (beyond each entry's first `keep`: those a copy cut to `keep` lacks) with the thing they ask
    for swapped for a thing another phrasing asks for, which their entry never speaks of (see the module's
    docstring)."""
    ids, vocab = engine._term_id, engine._vocab
    speaks = _entry_terms(engine)
    phrasings = [(entry.id, p) for entry in engine.kb.entries.values() for p in entry.questions]
    things: dict[int, str] = {}  # the story's asked-for things: term id -> the word as asked
    for _, phrasing in phrasings:
        for word in _asked_nouns(clean(phrasing)):
            t = ids.get(vocab.term(word))
            if t is not None:
                things.setdefault(t, word)
    cases: list[Case] = []
    for entry_id, phrasing in ((entry.id, p) for entry in engine.kb.entries.values() for p in entry.questions[keep:]):
        cleaned = clean(phrasing)
        asked = [w for w in _asked_nouns(cleaned) if ids.get(vocab.term(w)) in speaks[entry_id]]
        if not asked:
            continue
        word = asked[0]
        rest = {
            ids[term]
            for w in cleaned.split()
            if w != word and (term := vocab.term(w)) in ids and term not in QUESTION_TERMS
        }
        others = [
            (t, w)
            for t, w in things.items()
            if t not in speaks[entry_id]
            and not any(t in terms and rest <= terms for terms in speaks.values())  # some entry may answer it
        ]
        for _, other in rng.sample(others, min(PER_PHRASING, len(others))):
            question = re.sub(rf"\b{re.escape(word)}\b", other, cleaned, count=1)
            cases.append(Case(question, "decline", SOURCE))
    return cases
