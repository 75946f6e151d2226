"""The draft's title: the article's headline-like first line, or a placeholder the curator fills in."""

from __future__ import annotations

from collections.abc import Sequence

from bot.curation.extract.vocabulary import squash

# A headline is one short line above the text; a longer first line is the article's first paragraph.
HEADLINE_MAX_CHARS = 150
# Sentences end in a full stop; a headline rarely does, so a first line that ends in one is a sentence.
_SENTENCE_END = ".!?"


def title_of(text: str, sentences: Sequence[tuple[int, int]]) -> tuple[str, str | None]:
    """The title, and a hint for the curator when it is a guess."""
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if first_line and len(first_line) <= HEADLINE_MAX_CHARS and "\n" in text.strip():
        return squash(first_line), None
    candidate = squash(text[sentences[0][0] : sentences[0][1]] if sentences else first_line)
    if len(candidate) > 120:
        candidate = candidate[:117].rsplit(" ", 1)[0] + "…"
    return candidate or "Untitled article", None
