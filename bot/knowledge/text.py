"""Plain text for comparing: what a reader typed and what a curator wrote, folded the same way.

`clean` is shared by the knowledge model (phrasings compared for duplicates, answers checked against
their evidence) and by answering (questions matched to phrasings): one definition, so both agree.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "`": "'", "´": "'", "“": '"', "”": '"'})
_NON_WORD = re.compile(r"[^\w]+")
_POSSESSIVE = re.compile(r"(\w)'s\b")
_APOSTROPHE = re.compile(r"(\w)'(\w)")
REMEMBERED_TEXTS = 256  # a question's own, not a day's: a question asked again is worked out again


def _keep(char: str) -> bool:
    category = unicodedata.category(char)
    # Drop control and format characters (zero-width joiners, RTL marks) and combining marks.
    return not (category in ("Cc", "Cf", "Co", "Cs", "Mn", "Me") and not char.isspace())


@lru_cache(maxsize=REMEMBERED_TEXTS)
def clean(text: str) -> str:
    """Lower-case, accent-free, punctuation-free text with single spaces (the last few thousand texts kept: one
    question cleans its own words and sentences several times over, as it is read, analysed and ranked)."""
    if not text.isascii():  # most text is ASCII, which has no look-alikes, accents or format characters
        text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
        text = "".join(char for char in text if _keep(char))
    # ASCII control characters need nothing: they are not word characters, so they become spaces below.
    text = text.translate(_QUOTES).casefold()
    if "'" in text:
        text = _POSSESSIVE.sub(r"\1", text)
        text = _APOSTROPHE.sub(r"\1\2", text)  # don't -> dont, we're -> were
    text = _NON_WORD.sub(" ", text).replace("_", " ")
    return " ".join(text.split())
