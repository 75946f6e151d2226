"""Checking that a quote or excerpt is word for word in a source.

Only what a copy-and-paste can change is forgiven: whitespace (including the missing spaces
after full stops in the shipped article) and straight versus curly quotes and apostrophes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from rapidfuzz import fuzz

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"'})
_SPACE = re.compile(r"\s+")
_GLUED_SENTENCE = re.compile(r"(?<=[.!?])(?=[^\W\d_])")  # "departments.That's": a full stop missing its space
_QUOTE_MARKS = "\"'"  # after curly quotes are made straight
_SHOWN_WORDS = 8  # words of a difference worth showing; more is noise


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
        needle = squeeze(excerpt)
        if not needle or not self.squeezed:
            return ""
        found = fuzz.partial_ratio_alignment(needle, self.squeezed)
        if found is None or found.dest_end <= found.dest_start:
            return ""
        origin = self.origin
        start, stop = origin[found.dest_start], origin[found.dest_end - 1] + 1
        # The character alignment can slip by a letter or a word, so widen it and line the words up.
        margin = len(needle) // 2 + 1
        low, high = max(0, found.dest_start - margin), min(len(self.squeezed), found.dest_end + margin)
        offset = self.origin[low]
        region = self.text[offset : self.origin[high - 1] + 1]
        theirs, ours = _words(region), _words(excerpt)
        matcher = SequenceMatcher(None, [w for w, _, _ in ours], [w for w, _, _ in theirs], autojunk=False)
        blocks = [block for block in matcher.get_matching_blocks() if block.size]
        if blocks:
            first, last = blocks[0], blocks[-1]
            # As many words as the excerpt has, even where its first or last words were changed.
            begin = max(0, first.b - first.a)
            end = min(len(theirs), last.b + last.size + len(ours) - last.a - last.size)
            _, head_start, head_end = theirs[begin]
            _, tail_start, tail_end = theirs[end - 1]
            # Leave out quotation marks and punctuation around the passage that the excerpt leaves out.
            head = region[head_start:head_end].translate(_QUOTES)
            tail = region[tail_start:tail_end].translate(_QUOTES)
            our_head = excerpt[ours[0][1] : ours[0][2]].translate(_QUOTES)
            our_tail = excerpt[ours[-1][1] : ours[-1][2]].translate(_QUOTES)
            if head.endswith(our_head):
                head_start = head_end - len(our_head)
            elif our_head[0] not in _QUOTE_MARKS:
                head_start += len(head) - len(head.lstrip(_QUOTE_MARKS))
            if tail.startswith(our_tail):
                tail_end = tail_start + len(our_tail)
            elif our_tail[-1] not in _QUOTE_MARKS:
                tail_end -= len(tail) - len(tail.rstrip(_QUOTE_MARKS))
            if head_start < tail_end:
                start, stop = offset + head_start, offset + tail_end
        return _SPACE.sub(" ", self.text[start:stop]).strip()


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
