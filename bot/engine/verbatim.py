"""Checking that a quote or excerpt is word for word in a source.

Only what a copy-and-paste can change is forgiven: whitespace (including the missing spaces
after full stops in the shipped article) and straight versus curly quotes and apostrophes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"'})
_SPACE = re.compile(r"\s+")


def _squeeze(text: str) -> tuple[str, list[int]]:
    """Text without whitespace and with straight quotes, and where each character came from."""
    kept: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text.translate(_QUOTES)):
        if not char.isspace():
            kept.append(char)
            origin.append(i)
    return "".join(kept), origin


@dataclass(frozen=True, slots=True)
class SourceText:
    """A source's text prepared for verbatim look-ups."""

    text: str
    squeezed: str
    origin: list[int]

    @classmethod
    def of(cls, text: str) -> SourceText:
        squeezed, origin = _squeeze(text)
        return cls(text, squeezed, origin)

    def contains(self, excerpt: str) -> bool:
        needle, _ = _squeeze(excerpt)
        return bool(needle) and needle in self.squeezed

    def closest_passage(self, excerpt: str) -> str:
        """The passage of the source most like `excerpt`, to show a curator what to copy."""
        needle, _ = _squeeze(excerpt)
        if not needle or not self.squeezed:
            return ""
        found = fuzz.partial_ratio_alignment(needle, self.squeezed)
        if found is None or found.dest_end <= found.dest_start:
            return ""
        start = self.origin[found.dest_start]
        end = self.origin[found.dest_end - 1] + 1
        return _SPACE.sub(" ", self.text[start:end]).strip()


def first_difference(excerpt: str, passage: str) -> str | None:
    """The first word of `excerpt` that differs from `passage`, to point at an altered word."""
    ours = _SPACE.split(excerpt.translate(_QUOTES).strip())
    theirs = _SPACE.split(passage.translate(_QUOTES).strip())
    for mine, other in zip(ours, theirs, strict=False):
        if mine != other:
            return f"{mine!r} where the source has {other!r}"
    return None
