"""Checking that a quote or excerpt is word for word in a source.

Only what a copy-and-paste can change is forgiven: whitespace (including the missing spaces
after full stops in the shipped article) and straight versus curly quotes and apostrophes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from difflib import Match, SequenceMatcher
from itertools import pairwise

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"'})
_SPACE = re.compile(r"\s+")
_GLUED_SENTENCE = re.compile(r"(?<=[.!?])(?=[^\W\d_])")  # "departments.That's": a full stop missing its space
_QUOTE_MARKS = "\"'"  # after curly quotes are made straight
_SHOWN_WORDS = 8  # words of a difference worth showing; more is noise
# Starts of a passage worth aligning in full: the votes of a real match stand far above the noise of
# common words ("the", "of"), so a handful is plenty and keeps a refusal instant on a long source.
_CANDIDATES = 8
# A run of one or two words that the source has more than five words further on than the excerpt
# does is a common word met again ("the council"), not the end of the passage.
_STRAY_SIZE = 2
_STRAY_GAP = 5


def squeeze(text: str) -> str:
    """Text without whitespace and with straight quotes: what a verbatim comparison compares."""
    if not text.isascii():  # every quote made straight is outside ASCII
        text = text.translate(_QUOTES)
    return "".join(text.split())  # the same whitespace as `\s`, several times faster than a regex


def _origins(text: str) -> list[int]:
    """For each character of `squeeze(text)`, where it came from in `text` (only needed to show a passage)."""
    return [i for i, char in enumerate(text) if not char.isspace()]


@dataclass(frozen=True, slots=True)
class SourceText:
    """A source's text prepared for verbatim look-ups."""

    text: str
    squeezed: str

    @classmethod
    def of(cls, text: str) -> SourceText:
        return cls(text, squeeze(text))

    @property
    def origin(self) -> list[int]:
        return _origins(self.text)

    def contains(self, excerpt: str) -> bool:
        needle = squeeze(excerpt)
        return bool(needle) and needle in self.squeezed

    def closest_passage(self, excerpt: str) -> str:
        """The passage of the source most like `excerpt`, to show a curator what to copy."""
        found = self.align(excerpt)
        return found.passage if found else ""

    def align(self, excerpt: str) -> Alignment | None:
        """The passage of the source that lines up best with `excerpt`, word by word, and what differs.

        The best passage is the run of the source's words that has the most of the excerpt's words in
        common, in the excerpt's order (a word-level alignment, so a changed figure or a paraphrased
        clause does not pull the passage off to a few similar letters elsewhere). It is as long as the
        excerpt, even where the excerpt's first or last words were changed.
        """
        ours = _words(excerpt)
        if not ours or not self.squeezed:
            return None
        theirs = _words(self.text)
        our_keys = [_key(word) for word, _, _ in ours]
        their_keys = [_key(word) for word, _, _ in theirs]
        start, stop = _best_window(our_keys, their_keys)
        if start >= stop:
            return None
        matcher = SequenceMatcher(None, our_keys, their_keys[start:stop], autojunk=False)
        blocks = _core([block for block in matcher.get_matching_blocks() if block.size])
        if not blocks:
            return None
        first, last = blocks[0], blocks[-1]
        begin = start + max(0, first.b - first.a)
        end = min(len(theirs), start + last.b + last.size + len(ours) - last.a - last.size)
        shown = theirs[begin:end]
        differs = [True] * len(shown)
        opcodes = SequenceMatcher(None, our_keys, their_keys[begin:end], autojunk=False).get_opcodes()
        for tag, _, _, j1, j2 in opcodes:
            if tag == "equal":
                for k in range(j1, j2):
                    differs[k] = False
        pieces = [self.text[s:e] for _, s, e in shown]
        gaps = [" " if b[1] > a[2] else "" for a, b in pairwise(shown)]
        pieces[0] = _trim_head(pieces[0], excerpt[ours[0][1] : ours[0][2]])
        pieces[-1] = _trim_tail(pieces[-1], excerpt[ours[-1][1] : ours[-1][2]])
        return Alignment(tuple(pieces), tuple(gaps), tuple(differs))


@dataclass(frozen=True, slots=True)
class Alignment:
    """A passage of a source as it lines up with an excerpt: its words, and which of them differ."""

    words: tuple[str, ...]  # as printed in the source
    gaps: tuple[str, ...]  # what goes between each word and the next: a space, or nothing ("day.The")
    differs: tuple[bool, ...]  # the excerpt does not have this word here

    @property
    def passage(self) -> str:
        return self.marked("", "")

    @property
    def changed(self) -> tuple[str, ...]:
        return tuple(word for word, differs in zip(self.words, self.differs, strict=True) if differs)

    def marked(self, before: str = "[", after: str = "]", escape: Callable[[str], str] | None = None) -> str:
        """The passage with each run of differing words between `before` and `after` ("**" in Discord);
        `escape` is applied to each word (Discord's markdown) and not to the marks."""
        out: list[str] = []
        run = False
        for index, (word, differs) in enumerate(zip(self.words, self.differs, strict=True)):
            if differs and not run:
                out.append(before)
            out.append(escape(word) if escape else word)
            following = index + 1 < len(self.words) and self.differs[index + 1]
            if differs and not following:
                out.append(after)
            run = differs and following
            if index < len(self.gaps):
                out.append(self.gaps[index])
        return "".join(out)


def _core(blocks: list[Match]) -> list[Match]:
    """Matching runs without a stray one at either end: a common word the source has much further on."""

    def stray(near: Match, far: Match) -> bool:
        excerpt_gap, source_gap = abs(far.a - near.a) - 1, abs(far.b - near.b) - 1
        return far.size <= _STRAY_SIZE and source_gap > excerpt_gap + _STRAY_GAP

    while len(blocks) > 1 and stray(blocks[-2], blocks[-1]):
        blocks = blocks[:-1]
    while len(blocks) > 1 and stray(blocks[1], blocks[0]):
        blocks = blocks[1:]
    return blocks


def _trim_head(piece: str, our_head: str) -> str:
    """The passage's first word without the quotation marks or punctuation before it that the excerpt lacks."""
    straight, ours = piece.translate(_QUOTES), our_head.translate(_QUOTES)
    if straight.endswith(ours):
        return piece[len(piece) - len(ours) :]
    return piece if ours[:1] in _QUOTE_MARKS else piece[len(straight) - len(straight.lstrip(_QUOTE_MARKS)) :]


def _trim_tail(piece: str, our_tail: str) -> str:
    """The passage's last word without the quotation marks or punctuation after it that the excerpt lacks."""
    straight, ours = piece.translate(_QUOTES), our_tail.translate(_QUOTES)
    if straight.startswith(ours):
        return piece[: len(ours)]
    return piece if ours[-1:] in _QUOTE_MARKS else piece[: len(straight.rstrip(_QUOTE_MARKS))]


def _key(word: str) -> str:
    """A word as alignment compares it: its letters and digits, in lower case ("Acme’s," → "acmes")."""
    return "".join(char for char in word.lower() if char.isalnum())


def _best_window(ours: list[str], theirs: list[str]) -> tuple[int, int]:
    """The run of `theirs` (start, stop) about as long as `ours` that shares the most words with it, in order.

    Every word the two share votes for the start it implies (its place in the source less its place in
    the excerpt); the few starts with the most votes are then aligned properly, and the best kept.
    """
    places: dict[str, list[int]] = {}
    for index, word in enumerate(ours):
        if word:
            places.setdefault(word, []).append(index)
    votes: dict[int, int] = {}
    for position, word in enumerate(theirs):
        for index in places.get(word, ()):
            votes[position - index] = votes.get(position - index, 0) + 1
    if not votes:
        return 0, 0
    slack = len(ours) // 2 + 1  # room for words added or left out
    best: tuple[int, int, int] = (-1, 0, 0)
    for start, _ in sorted(votes.items(), key=lambda item: (-item[1], item[0]))[:_CANDIDATES]:
        low, high = max(0, start - slack), min(len(theirs), start + len(ours) + slack)
        matcher = SequenceMatcher(None, ours, theirs[low:high], autojunk=False)
        common = sum(block.size for block in matcher.get_matching_blocks())
        if common > best[0]:
            best = (common, low, high)
    return best[1], best[2]


def _words(text: str) -> list[tuple[str, int, int]]:
    """The words of `text` as compared (straight quotes, none around a word), and where each is in `text`."""
    found: list[tuple[str, int, int]] = []
    for match in re.finditer(r"\S+", text):
        start = match.start()
        for piece in _GLUED_SENTENCE.split(match.group()):
            word = piece.translate(_QUOTES).strip(_QUOTE_MARKS)
            if word:
                found.append((word, start, start + len(piece)))
            start += len(piece)
    return found


def _shown(words: list[str]) -> str:
    text = " ".join(words[:_SHOWN_WORDS])
    return repr(text + (" …" if len(words) > _SHOWN_WORDS else ""))


def first_difference(excerpt: str, passage: str) -> str | None:
    """Where `excerpt` first differs from `passage`, word by word, to point at an altered word."""
    ours = [word for word, _, _ in _words(excerpt)]
    theirs = [word for word, _, _ in _words(passage)]
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, ours, theirs, autojunk=False).get_opcodes():
        if tag == "replace":
            return f"{_shown(ours[i1:i2])} where the source has {_shown(theirs[j1:j2])}"
        if tag == "delete":
            return f"{_shown(ours[i1:i2])}, which the source does not have here"
        if tag == "insert":
            return f"the source has {_shown(theirs[j1:j2])} here, which this leaves out"
    return None
