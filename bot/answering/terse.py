"""A terse question read as the question it stands for: "permit cost?" asks how much the permit costs, "commission
vote?" how the commission voted.

Chat often drops the question word and leaves the kind of thing asked for at the end. Read as they are, the
words "cost" or "vote" ask nothing a phrasing asks, while "how much" and "how" are what the curators'
phrasings say.
Only a few words with no question word in them are read this way: a longer text, or any text of a
knowledge base with a question word, is left as it is.
"""

from __future__ import annotations

from bot.knowledge.naming import QUESTION_WORDS

# Words that make a text a question already (or a statement): a terse question has none of them. Terse texts
# are read before chat shorthand is written out, so its spellings of the question words count too.
_CHAT_AND_AUXILIARIES = (
    "whats wat wats whos whens wheres whys hows "
    "is are was were am do does did dont didnt will would can could should has have had isnt arent wasnt"
)
_ASKING = QUESTION_WORDS | frozenset(_CHAT_AND_AUXILIARIES.split())
# The last word, and the question word it stands for. ("<x> date" is left alone: read as "when <x>", it meets
# every entry about <x>, not only the one that dates it.)
_ASKED_BY_LAST = {
    "cost": "how much",
    "costs": "how much",
    "price": "how much",
    "prices": "how much",
    "fee": "how much",
    "fees": "how much",
    "total": "how much",
    "amount": "how much",
    "vote": "how",
    "votes": "how",
}
_MOST_WORDS = 4


def asked_in_full(cleaned: str) -> str:
    """A cleaned terse question with the question word its last word stands for; any other text as it is."""
    words = cleaned.split()
    if not 1 < len(words) <= _MOST_WORDS or (last := words[-1]) not in _ASKED_BY_LAST:
        return cleaned
    if _ASKING.intersection(words):
        return cleaned
    return f"{_ASKED_BY_LAST[last]} {cleaned}"
