"""The draft's title: the article's headline-like first line, or a placeholder the curator fills in."""

from __future__ import annotations

import re

from bot.curation.extract.vocabulary import squash

# A headline is one short line above the text; a longer first line is the article's first paragraph.
HEADLINE_MAX_CHARS = 150
HEADLINE_MAX_WORDS = 20
PLACEHOLDER = "Untitled article (write its headline here)"
PLACEHOLDER_CHECK = "no headline-like first line: write the article's title"
# "RIVERTON, Ohio — The council ..." opens the story's text; it is no headline.
_DATELINE = re.compile(r"^[A-Z][A-Z.'’ -]+(?:,\s*[\w. ]+)?\s*(?:—|–|--|\()")


def title_of(text: str) -> tuple[str, str | None]:
    """The title, and a hint for the curator when there is none to take (never a cut-off sentence)."""
    lines = [line.strip() for line in text.splitlines()]
    first = next((line for line in lines if line), "")
    more_text = len([line for line in lines if line]) > 1
    if more_text and _headline_like(first):
        return squash(first), None
    return PLACEHOLDER, PLACEHOLDER_CHECK


def _headline_like(line: str) -> bool:
    """Short, on a line of its own, not ending the way a sentence of the text ends."""
    words = line.split()
    return (
        0 < len(words) <= HEADLINE_MAX_WORDS
        and len(line) <= HEADLINE_MAX_CHARS
        and not line.endswith((".", ",", ";", ":"))
        and not _DATELINE.match(line)
    )
