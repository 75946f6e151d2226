"""A terse question read as the question it stands for: "permit cost?" asks how much the permit costs, "commission
vote?" how the commission voted.

Chat often drops the question word and leaves the kind of thing asked for at the end. Read as they are, the
words "cost" or "vote" ask nothing a phrasing asks, while "how much" and "how" are what the curators'
phrasings say.
Only a few words with no question word in them are read this way: a longer text, or any text of a
knowledge base with a question word, is left as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.knowledge.naming import QUESTION_WORDS

if TYPE_CHECKING:
    from bot.answering.normalize import English

_MOST_WORDS = 4


def asked_in_full(cleaned: str, english: English) -> str:
    """A cleaned terse question with the question word its last word stands for; any other text as it is. The
    words that make a text a question already, and what a last word stands for, are general English
    (`english/question_forms.yaml`)."""
    words = cleaned.split()
    asked_by = english.asked_by_last_word
    if not 1 < len(words) <= _MOST_WORDS or (last := words[-1]) not in asked_by:
        return cleaned
    if english.asking_words.intersection(words) or QUESTION_WORDS.intersection(words):
        return cleaned
    return f"{asked_by[last]} {cleaned}"
