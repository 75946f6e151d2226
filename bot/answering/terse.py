"""A terse question read as the question it stands for: "brt cost?" asks how much the BRT costs, "commission
vote?" how the commission voted.

Chat often drops the question word and leaves the kind of thing asked for at the end. Read as they are, the
words "cost" or "vote" ask nothing a phrasing asks, while "how much" and "how" are what the curators'
phrasings say.
Only a few words with no question word in them are read this way: a longer text, or any text of a
knowledge base with a question word, is left as it is.
"""

from __future__ import annotations

# Words that make a text a question already (or a statement): a terse question has none of them.
_ASKING_WORDS = (
    "what whats wat wats who whos whom whose when whens where wheres why whys how hows which "
    "is are was were am do does did dont didnt will would can could should has have had isnt arent wasnt"
)
_ASKING = frozenset(_ASKING_WORDS.split())
# The last word, and the question word it stands for. ("hearing date" is left alone: read as "when hearing"
# it meets the entry about the lawsuit as well as the one that dates the hearing.)
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
