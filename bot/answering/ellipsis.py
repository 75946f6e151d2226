"""Elliptical parts of a message: a later question that leaves out what the one before said.

People who ask two things at once say the topic once: "who's building the plant and where?", "what did they
ban, and for how long?", "what's the old fare and what's the new one?", "when did the shutoff start and when
did it end?". Matched alone, the second part ("where", "for how long", "what's the new one") has nothing to
match on. `complete` gives such a part the topic words of the question before it; a part with words of its
own ("... and who is the president?") stands alone and is left as it is.

Pure text work on general English (question words, auxiliaries, stopwords); nothing here knows a story.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from bot.knowledge.text import clean

MAX_OWN_WORDS = 1
# "how many acres", "how much money": the words between a question word and the thing it asks for
_QUANTIFIERS = frozenset("many much long far often old big".split())  # noqa: SIM905  # a part with more words of its own than this says what it asks about itself
# "the new one", "the other ones", "that one": a noun the part leaves out, said in the part before.
_ONE = re.compile(r"\b(?:the|this|that|a|an)\s+(?:(\w+)\s+)?ones?\b", re.I)
# An object pronoun, or a subject one, that stands for the topic of the part before ("when did it end").
_THING = re.compile(r"\b(?:it|they|them|this|that)\b", re.I)
_DETERMINERS = frozenset("the a an this that these those its their his her".split())  # noqa: SIM905
# The auxiliaries after which a question's last word is its verb ("when did <the shutoff> start"), not its topic.
_DO = frozenset("do does did will would can could should shall may might must has have had".split())  # noqa: SIM905
# A span or point of time said of the question before ("... paused the program *for a year*", "... closed the road
# *in march*"): what a pronoun in the next part stands for ends before it.
_WHEN = re.compile(
    r"\s(?:for|in|on|at|since|during|after|before|until|over|within|by)\s(?:(?:a|an|the|one|two|three|last|next|this|"
    r"that|\d+)\s)?(?:years?|months?|weeks?|days?|hours?|decades?|minutes?|weekend|morning|night|"
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|\d{4})\b.*$"
)


class Ellipsis:
    """Completes elliptical question parts with one set of plain words (stopwords and question words)."""

    def __init__(self, plain: Collection[str], questions: Collection[str], wh: Collection[str]) -> None:
        self._plain = plain  # words that say nothing of a topic: stopwords, question words, auxiliaries
        self._questions = questions  # question words and the words that start a question
        self._wh = wh  # the question words proper: who, what, how ...

    def own_words(self, part: str) -> list[str]:
        return [w for w in clean(part).split() if w not in self._plain]

    def elliptical(self, part: str) -> bool:
        """Whether a part leaves its topic to the part before: a question word alone ("and where?", "for how
        long?"), or a pronoun or "the new one" beside at most one word of its own ("when did it end?")."""
        words = clean(part).split()
        if not words or len(self.own_words(part)) > MAX_OWN_WORDS:
            return False
        if all(w in self._plain for w in words):
            return any(w in self._questions for w in words)  # "where", "for how long", not "and so on"
        if _ONE.search(part) or _THING.search(part) or bare_noun(words, self._questions):
            return True
        return self._phrase(words)

    def _phrase(self, words: list[str]) -> bool:
        """ "for how long", "on how many acres", "what year": a question phrase and nothing it asks about (not
        "what did the council do", which names its topic)."""
        rest = words[1:] if len(words) > 1 and words[0] not in self._wh else words
        if not rest or rest[0] not in self._wh:
            return False
        rest = [w for w in rest[1:] if w not in _QUANTIFIERS]
        return len(rest) <= MAX_OWN_WORDS and all(w not in self._plain for w in rest)

    def complete(self, part: str, before: str) -> str:
        """The part with what it leaves out taken from the question before it ("" when it stands alone)."""
        if not before or not self.elliptical(part) or not self._asks(before):
            return ""
        topic = self._topic(before)
        if not topic:
            return ""
        part = part.rstrip(" ?!.,…")
        words = clean(part).split()
        if bare_noun(words, self._questions):  # "who runs it and the new one?": the same question of it
            return f"{self._frame(before)} {part}"
        one = _ONE.search(part)
        if one is not None:  # "what's the new one" after "what's the old fare": the new fare
            head = self._head(before, one.group(1))
            return f"{part[: one.end()].rsplit(None, 1)[0]} {head}{part[one.end() :]}" if head else ""
        thing = _THING.search(part)
        if thing is not None:  # "when did it end" after "when did the shutoff start": the shutoff
            return f"{part[: thing.start()]}{' '.join(topic)}{part[thing.end() :]}"
        return f"{part} {' '.join(self._rest(before))}"  # "and where" after "who's building the plant"

    def _asks(self, before: str) -> bool:
        words = clean(before).split()
        return bool(words) and (words[0] in self._questions or before.rstrip().endswith("?"))

    def _rest(self, before: str) -> list[str]:
        """The question before without its question words: what it asks about and its verb."""
        words = clean(before).split()
        start = next((i for i, w in enumerate(words) if w not in self._questions), len(words))
        return words[start:]

    def _topic(self, before: str) -> list[str]:
        """What the question before asks about: its words after the question word, less the verb that ends a
        "did" question ("when did the shutoff start" is about the shutoff), less an adverbial that follows them
        ("... for a year"), less plain words."""
        before = _WHEN.sub("", f" {clean(before)}").strip() or before
        words = clean(before).split()
        rest = self._rest(before)
        # (a verb with its own object, "did the council close the library", ends in its object: kept)
        verb_last = not any(w in _DETERMINERS for w in rest[1:])
        if len(rest) > 2 and verb_last and len(words) > len(rest) and words[len(words) - len(rest) - 1] in _DO:
            rest = rest[:-1]
        return [w for w in rest if w not in self._plain or w in _DETERMINERS][-4:] if rest else []

    def _head(self, before: str, adjective: str | None) -> str:
        """The noun that "one" stands for: the word after the determiner (and its adjective) in the question
        before ("the old fare" -> "fare"); without a determiner, the last word of its own."""
        words = clean(before).split()
        for i, word in enumerate(words):
            if word in _DETERMINERS and i + 1 < len(words):
                after = words[i + 1 :]
                if adjective and len(after) > 1 and after[0] not in self._plain:
                    after = after[1:]  # "the old fare" for "the new one": the noun, not "old"
                head = next((w for w in after if w not in self._plain), "")
                if head:
                    return head
        own = self.own_words(before)
        return own[-1] if own else ""

    def _frame(self, before: str) -> str:
        """The question before up to its last pronoun or determiner: what a bare noun phrase ("... and the
        budget?") is asked with."""
        words = clean(before).split()
        cut = max((i for i, w in enumerate(words) if _THING.fullmatch(w) or w in _DETERMINERS), default=len(words))
        return " ".join(words[:cut])


def bare_noun(words: list[str], questions: Collection[str]) -> bool:
    """A part that is only a noun phrase ("the new one", "the budget"): no question word, three words at most."""
    return len(words) <= 3 and words[0] in _DETERMINERS and not any(w in questions for w in words)


def completions(parts: tuple[str, ...], asks: Callable[[str], bool], ellipsis: Ellipsis) -> tuple[str, ...]:
    """For each part, the part completed from the one before it ("" when it stands alone or is first)."""
    return tuple(
        ellipsis.complete(part, parts[i - 1]) if i and asks(parts[i - 1]) else "" for i, part in enumerate(parts)
    )
