"""Making text safe to show in Discord: no pings, no markdown surprises, no broken code blocks.

Replies are also sent with `AllowedMentions.none()`, so escaping here is the second lock on the door:
it also keeps a reader from seeing `@everyone` rendered as if the bot had shouted it.

Bidirectional controls are removed from everything echoed: a right-to-left override (U+202E) in a
question would otherwise reverse the rest of the bot's line ("You asked: ...") and make it seem to
say something it does not.
"""

from __future__ import annotations

import re

import discord

_FENCE = "```"
_BROKEN_FENCE = "`\u200b`\u200b`"
_EVERYONE = re.compile(r"@(everyone|here)\b", re.IGNORECASE)
# <@123>, <@!123>, <@&123> (users and roles) and <#123> (channels): escape_mentions leaves these alone.
_MENTION = re.compile(r"<(@[!&]?|#)(\d+)>")


# Embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), the LTR/RTL marks and the Arabic letter mark.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_NO_BIDI = str.maketrans(dict.fromkeys(BIDI_CONTROLS))


def without_bidi_controls(text: str) -> str:
    """Text with no bidirectional control characters: it reads in the order it was typed."""
    return text.translate(_NO_BIDI)


def _inert(text: str) -> str:
    text = _MENTION.sub("<\\1\u200b\\2>", without_bidi_controls(text))
    return _EVERYONE.sub("@\u200b\\1", text)


def neutralise_fences(text: str) -> str:
    """Break up triple backticks so text shown inside a code block cannot close it."""
    return text.replace(_FENCE, _BROKEN_FENCE)


def escape_user_text(text: str) -> str:
    """Someone's words echoed back: shown literally, pinging nobody."""
    text = discord.utils.escape_markdown(text)
    text = discord.utils.escape_mentions(text)
    # escape_mentions only knows the lower-case spellings and no user or role mentions.
    return _inert(text)


def escape_knowledge_text(text: str) -> str:
    """Curated text (answers, verbatim quotes): shown exactly as written, so markdown characters are escaped."""
    return _inert(discord.utils.escape_markdown(text))


def quiet_mentions(text: str) -> str:
    """Text whose markdown is meant (the editor's messages quote ids in `code`), with mentions made inert."""
    return _inert(discord.utils.escape_mentions(text))


def mention_pattern(user_id: int) -> re.Pattern[str]:
    """Both spellings Discord uses for a mention of one user: `<@id>` and the older `<@!id>`."""
    return re.compile(rf"<@!?{user_id}>")


def strip_mention(content: str, user_id: int) -> str:
    """The text of a message with every mention of `user_id` removed and the spacing tidied."""
    return " ".join(mention_pattern(user_id).sub(" ", content).split())
