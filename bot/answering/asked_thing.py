"""The thing a question names as what it asks for: "what *party* is she in?", "which *cities* ...?", "how
much *damage* ...?", "what is <the company>'s annual *profit*?".

An entry about the right subject that never speaks of that thing does not answer the question, however many of
its other words it shares: the commonest near miss asks for a detail close to one the story gives. Plain
English patterns, the same in every story; which words count as telling is the engine's (`matcher`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from bot.answering import answer_kinds
from bot.answering.general_english import rarity
from bot.answering.normalize import ENGLISH, is_filler
from bot.answering.ranking import QUESTION_TERMS

_BE = r"is|are|was|were"
_DETERMINERS = r"the|a|an|its|their|his|her|this|that|these|those"
# "What <thing> ...", "which <things>", "how much <thing>": the noun right after the question word, past "kind
# of", "number of" and a determiner.
_AFTER_QUESTION_WORD = re.compile(
    r"\b(?:what|which|how[ -]many|how[ -]much)\s+(?:(?:kind|type|sort|name|names|number|amount) of\s+)?"
    rf"(?:(?:{_DETERMINERS})\s+)?([a-z][a-z'-]+)"
)
# "What is <someone>('s) <thing>", "what was the <thing> of ...": the last word of the phrase after "is"
# ("what is <the company> annual *profit*", once the possessive is cleaned away), up to a word of the sentence's
# frame ("of", "for", "in", ...).
_AFTER_WHAT_IS = re.compile(rf"^(?:what|which)\s+(?:{_BE})\s+(?:(?:{_DETERMINERS})\s+)?((?:[a-z0-9][a-z0-9'-]*\s?)+)")
_FRAME = frozenset(
    """
    of for in on at to from by with about after before during since than as and or but if that who which
    last next this now today yesterday tomorrow
    """.split()  # noqa: SIM905 - a word list
)
# Verbs that follow a question word ("what *did* ..."): they ask for no thing.
_VERBS = frozenset("is are was were do does did has have had will would can could should".split())  # noqa: SIM905
# Nouns that name no detail of their own ("what *thing*", "how much *money*"): general English (`english/words.yaml`).
GENERIC_THINGS = ENGLISH.generic_things


def asked_words(cleaned: str) -> tuple[str, ...]:
    """The words a question names as what it asks for, most telling first (none, when it names no thing)."""
    found: list[str] = []
    after = _AFTER_QUESTION_WORD.search(cleaned)
    if after is not None:
        found.append(after.group(1))
    what_is = _AFTER_WHAT_IS.search(cleaned)
    if what_is is not None:
        phrase: list[str] = []
        ends = ""
        for word in what_is.group(1).split():
            if word in _FRAME:
                ends = word
                break
            phrase.append(word)
        # "what is <a name>" asks what the name is, and "what is <someone> trying to ..." what they do: neither
        # names a detail of something
        if len(phrase) > 1 and ends != "to":
            found.append(phrase[-1])
    return tuple(
        w
        for w in dict.fromkeys(found)
        if w not in GENERIC_THINGS and w not in _VERBS and not answer_kinds.is_kind_word(w)
    )


def asked_things(cleaned: str, term: Callable[[str], str], term_id: Mapping[str, int]) -> tuple[tuple[int, float], ...]:
    """The things a question asks about by name: each one's term id (`term_id`, the story's; -1 when the story
    never uses it), and how telling it is when it is unknown (0-1)."""
    found = []
    for word in asked_words(cleaned):
        t = term(word)
        if is_filler(word) or t in QUESTION_TERMS:
            continue
        known = term_id.get(t)
        found.append((known, 0.0) if known is not None else (-1, rarity(word)))
    return tuple(found)
