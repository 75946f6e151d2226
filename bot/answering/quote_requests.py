"""Whether a question asks for someone's words, in the many ways people ask in chat.

"What did X say?" and "what does X think?" are the plain forms, but readers also write "what did X claim",
"how did X react", "X's take", "what's X's position on it", "i want X's quotes pls". Each asks for the
person's words; this module says which words of a question do that, so that the engine can quote the
person, and which words of such a request are only the asking, never a topic to match an entry on.

General English only: the verbs and nouns here say nothing of any story.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.answering.normalize import general_vocabulary

_ENGLISH = general_vocabulary()

# Terms that ask for someone's words wherever they stand: "say" and "think" and their synonyms.
PLAIN = frozenset({_ENGLISH.term("say"), _ENGLISH.term("think")})
# Reporting verbs: "what did X claim", "how did X react", "did X speak". With "who", "when" or "where" they
# ask for something else ("who did X talk to?", "when did X speak?").
REPORTING_VERBS = (
    *("claim", "argue", "mention", "react", "respond", "speak", "talk", "insist", "warn", "explain", "write", "wrote"),
    *("written", "announce", "admit", "admitted", "describe", "described", "add", "added"),
)
REPORTING = frozenset(_ENGLISH.term(w) for w in REPORTING_VERBS)
_ASKS_OTHER = frozenset({"who", "whom", "when", "where"})
# "Where does X stand (on it)?": their view.
_STANDS = re.compile(r"\bwhere\s+(?:does|do|did|is|are)\s+\S.*\s+stand\b", re.I)
_SPOKEN_TO = re.compile(r"\b(?:speak|speaks|spoke|spoken|speaking|talk|talks|talked|talking)\s+(?:to|with)\b")
# Nouns for someone's words or view, asked for with a possessive: "X's take", "X' position", "X’s reaction".
# "position" and "take" alone mean other things ("what position does X hold", "did X take over").
_POSSESSED_TEXT = """
    take takes position positions stance view views thoughts opinion opinions reaction response side perspective
    argument comment comments statement statements quote quotes words remarks message point thinking
"""
POSSESSED_NOUNS = tuple(_POSSESSED_TEXT.split())
_POSSESSED = re.compile(rf"(?:'s|’s|s'|s’)\s+(?:{'|'.join(POSSESSED_NOUNS)})\b", re.I)
# Words of the asking itself ("i *want* X's quotes", "*give me* what X said", "has X said *anything*"), never
# what the words should be about. Words, not terms: a story's own vocabulary may read them its way.
_ASKING_TEXT = """
    want wanna need give show get see hear read find like love anything something any some actual actually exactly
    again pls plz please lol lmao bot storybot have had has been quoted quote words way
"""
# Whom the words were said to ("what did X tell *reporters*"): no topic, and nothing of who X is.
AUDIENCE_WORDS = ("press", "reporter", "reporters", "journalist", "journalists", "media", "interview")
ASKING_WORDS = (*_ASKING_TEXT.split(), *AUDIENCE_WORDS)


def possessed(question: str) -> bool:
    """Whether a question asks for someone's words with a possessive ("X's take", "X's position")."""
    return bool(_POSSESSED.search(question))


def words_of_the_request(question: str) -> tuple[str, ...]:
    """The words that ask for someone's view here, never a topic of it: "X's *take*", "where does X *stand*"."""
    return (*(POSSESSED_NOUNS if possessed(question) else ()), *(("stand",) if _STANDS.search(question) else ()))


def asks_plainly(question: str, terms: Iterable[str]) -> bool:
    """Whether a question asks for someone's words in so many words ("say", "think", "X's take", "where does X
    stand"), not only with a reporting verb ("how did X react to ...")."""
    return not PLAIN.isdisjoint(terms) or possessed(question) or bool(_STANDS.search(question))


def asks_for_words(question: str, terms: Iterable[str]) -> bool:
    """Whether a question asks for someone's words: a plain word for saying, a reporting verb, or a
    possessive "X's take"."""
    asked = set(terms)
    if asks_plainly(question, asked):
        return True
    lowered = question.lower()
    if _SPOKEN_TO.search(lowered):  # "did X speak to <an outlet>?": whom, not what
        return False
    return not REPORTING.isdisjoint(asked) and _ASKS_OTHER.isdisjoint(lowered.split())
