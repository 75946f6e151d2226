"""A chat message as plain text: Discord's markup, links, emoji and markdown set aside, and the text cut
into its sentences and lines. What reading a message (`reading`) starts from; nothing here knows a story.
"""

from __future__ import annotations

import re
import unicodedata

# Discord's markup for mentions, custom emoji, slash commands and timestamps, and the mass pings.
_DISCORD = re.compile(r"<a?:\w+:\d+>|<@[!&]?\d+>|<#\d+>|</[\w -]+:\d+>|<t:-?\d+(?::\w)?>|@everyone\b|@here\b", re.I)
# "@jake who runs it", "hey @mods, who runs it": a name typed as a mention addresses someone; it is not what
# the question is about (people name whom they ask about without an "@").
_AT_NAMES = re.compile(r"(?<![\w@])@[\w.-]{1,32}(?![\w@])[,:]?")
_URL = re.compile(r"<?https?://\S+>?")
_MASKED_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_SHORTCODE = re.compile(r"(?<!\w):[a-z0-9_+-]{2,}:(?!\w)", re.I)  # :thinking:
_EMOTICON = re.compile(r"(?<!\w)(?:[:;=8xX]-?[)(\]\[DPpOo/\\|3]+|<3+|\^\^|¯\\_\(ツ\)_/¯)(?!\w)")
_TLDR = re.compile(r"\btl;\s?dr\b", re.I)  # "tl;dr" is one word, not two sentences
# Laughter and chat words between two clauses end the first, as a full stop would ("... cams lol what's ...").
_INTERJECTION = re.compile(r"(?<=\w)\s+(?:lol|lmao|lmfao|rofl|haha+|xd|smh|ngl)\s+(?=\w)", re.I)
_STRUCK = re.compile(r"~~.*?~~", re.S)  # struck-out words are taken back
_STRETCHED = re.compile(r"([a-z])\1{2,}", re.I)  # "heyyy", "sooo", "lmaooo"
_MARKDOWN = re.compile(r"\*\*|__|~~|\|\||`+|(?<!\w)[*_]|[*_](?!\w)")
_LINE_MARK = re.compile(r"^\s*(?:>>>|>|#{1,3}|-#|[-*•]|\d{1,2}[.)]|[a-z][.)](?=\s))\s+", re.M | re.I)
# Sentence ends: ?, ! and … always (even "who?what"), a full stop only before a space (not in "2.5" or "U.S.").
_SENTENCE = re.compile(r"(?<=[?!…])\s*|(?<=\.)\s+|\s*[;\n]+\s*")
_ABBREVIATION = re.compile(
    r"(?:\b[A-Za-z]|\b(?:mr|mrs|ms|dr|prof|st|vs|etc|inc|corp|co|jr|sr|no|approx|gov|sen|rep))\.$", re.I
)
# A list numbered inside one line ("1) who is X 2) what did she say"): each number starts a line.
_INLINE_NUMBER = re.compile(r"(?<=\S)\s+(?=\d{1,2}\)\s)")
_PERCENT = re.compile(r"\s*%")
_QUOTED = re.compile(r"^\s*>(?!>>)\s*(.+)$", re.M)  # Discord's quote line


def plain_text(message: str) -> str:
    """The message without Discord markup, links, emoji and markdown; lines kept. (Each pattern is tried only
    when the characters it needs are there: most messages have no markup at all.)"""
    text = message
    if "<" in text or "@" in text:
        text = _AT_NAMES.sub(" ", _DISCORD.sub(" ", text))
    if "~~" in text:
        text = _STRUCK.sub(" ", text)
    text = _STRETCHED.sub(r"\1", text)
    if "](" in text:
        text = _MASKED_LINK.sub(r"\1", text)
    if ";" in text:
        text = _TLDR.sub("tldr", text)
    if "%" in text:
        text = _PERCENT.sub(" percent", text)  # "30%" is "30 percent": a sign `clean` would drop
    text = _INTERJECTION.sub(". ", text)
    if "://" in text:
        text = _URL.sub(" ", text)
    if ":" in text:
        text = _SHORTCODE.sub(" ", text)
    text = _EMOTICON.sub(" ", text)
    if not text.isascii():
        text = "".join(" " if unicodedata.category(c) in ("So", "Sk", "Cs", "Co") else c for c in text)
    text = text.replace("\r", "\n")
    if ")" in text:
        text = _INLINE_NUMBER.sub("\n", text)
    text = _LINE_MARK.sub("", text)
    return _MARKDOWN.sub("", text)


def sentences(text: str) -> list[str]:
    """Sentences and lines, spacing tidied; a full stop after an initial or a title ("U.S.", "Dr.") ends none."""
    out: list[str] = []
    for part in _SENTENCE.split(text):
        part = " ".join(part.split())
        if not part:
            continue
        if out and _ABBREVIATION.search(out[-1]):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return out


def quoted_lines(message: str) -> set[str]:
    """The lines a message quotes ("> ..."), as plain text."""
    return {" ".join(plain_text(line).split()) for line in _QUOTED.findall(message)}
