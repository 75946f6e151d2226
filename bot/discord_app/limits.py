"""Discord's size limits, and fitting text into them at sentence boundaries.

Discord rejects a whole message when one part is too long, so everything the bot sends is fitted here
first. A cut is always marked with an ellipsis: a reader must never mistake a shortened quote for the
whole of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import islice

from discord import app_commands

CONTENT = 2000
EMBEDS = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR_NAME = 256
EMBED_TOTAL = 6000  # summed over every embed of one message
BUTTON_LABEL = 80
BUTTONS_PER_ROW = 5
CUSTOM_ID = 100
CHOICES = 25
CHOICE_NAME = 100
CHOICE_VALUE = 100

ELLIPSIS = "…"

# The end of a sentence: a stop, optionally closed by quotation marks or brackets, then whitespace.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*(?=\s|$)")


def _sentence_cut(text: str, room: int) -> int | None:
    """Where to cut `text` so that at most `room` characters remain, at the end of a sentence."""
    best = None
    for match in _SENTENCE_END.finditer(text, 0, room + 1):
        if match.end() <= room:
            best = match.end()
    # A cut that throws away most of the room is worse than cutting between words.
    return best if best is not None and best >= room // 2 else None


def _word_cut(text: str, room: int) -> int | None:
    space = text.rfind(" ", 0, room + 1)
    return space if space >= room // 2 else None


def trim(text: str, limit: int) -> str:
    """`text` if it fits in `limit` characters, else its longest opening that does, marked with an ellipsis.

    The cut falls after a sentence when one ends in the second half of the room, else between words,
    else (one enormous word) anywhere.
    """
    text = text.strip()
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS) + 1:
        return ELLIPSIS[:limit]
    room = limit - len(ELLIPSIS) - 1  # leave room for " …"
    cut = _sentence_cut(text, room)
    if cut is not None:
        return f"{text[:cut].rstrip()} {ELLIPSIS}"
    cut = _word_cut(text, room + 1)
    if cut is not None:
        return f"{text[:cut].rstrip()}{ELLIPSIS}"
    return text[: limit - len(ELLIPSIS)] + ELLIPSIS


def text_choices(options: Iterable[tuple[str, str]]) -> list[app_commands.Choice[str]]:
    """Autocomplete choices from (name shown, value sent back) pairs, within Discord's limits: each name
    trimmed, an option whose value cannot travel (empty, or too long) left out, at most `CHOICES` of them."""
    fitting = (
        app_commands.Choice(name=trim(name, CHOICE_NAME), value=value)
        for name, value in options
        if 0 < len(value) <= CHOICE_VALUE
    )
    return list(islice(fitting, CHOICES))
