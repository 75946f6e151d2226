"""Pronouns in the later parts of a message: "who is Jane Doe and what did she say?" asks what Jane Doe said,
while "what did the council say about its plan?" names what its pronoun speaks of itself. Plain English.
"""

from __future__ import annotations

import re

_PRONOUN = re.compile(r"\b(?:(she|he|they|it|him|them)|(her|his|their|its))\b", re.I)
# A noun phrase of the part's own ahead of its pronoun: "the <noun>" or "a <noun>" ("did the council change its
# mind?"), the pronoun then speaks of it, not of the sentence before.
_OWN_NOUN = re.compile(
    r"\b(?:the|a|an)\s+(?!(?:she|he|they|it|him|them|her|his|their|its|one|same|other)\b)[a-z]", re.I
)


def carry_subject(part: str, name: str) -> str:
    """A later part of a question with its pronoun replaced by who the part before named:
    "what did she say" after "who is Jane Doe" asks what Jane Doe said."""

    def named(match: re.Match[str]) -> str:
        return name if match.group(1) else f"{name}'s"

    return _PRONOUN.sub(named, part, count=1)


def has_pronoun(part: str) -> bool:
    return _PRONOUN.search(part) is not None


def has_own_subject(part: str) -> bool:
    """Whether a part names what its pronoun speaks of before it: "what did the council say about its
    plan?" is about the council, while "what did she say?" needs the sentence before it. A capitalised word
    after the first ("why did Hartley change its mind") counts as a name."""
    pronoun = _PRONOUN.search(part)
    if pronoun is None:
        return False
    ahead = part[: pronoun.start()]
    if _OWN_NOUN.search(ahead):
        return True
    return any(word[:1].isupper() and word != "I" for word in ahead.split()[1:])


def unclear_pronoun(part: str, topic_words: int) -> str | None:
    """The pronoun a question asked on its own leans on when nothing in it says what the pronoun means: in
    "which one quit it?" or "when did they stop?" it could be anyone in the story, so an answer would be a guess
    from one verb. `topic_words` counts the question's words besides its question words; a question with a
    subject of its own ahead of the pronoun, or two words of topic ("when did they announce the ban?"), is
    clear enough to match."""
    pronoun = _PRONOUN.search(part)
    if pronoun is None or topic_words > 1 or has_own_subject(part):
        return None
    return pronoun.group(0)
