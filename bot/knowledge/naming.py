"""Ids and names: a new id made from some text, and the known names closest to a misspelt one.

One copy of each, for every part that makes ids (editing, drafting) or answers a typo with
"did you mean".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable

from rapidfuzz import process

__all__ = ["QUESTION_WORDS", "SUGGEST_CUTOFF", "closest", "did_you_mean", "slugify", "unique_id"]

# Words that ask rather than tell: never the telling words of an id made from a question.
QUESTION_WORDS = frozenset(["what", "who", "whom", "whose", "which", "when", "where", "why", "how"])
# rapidfuzz's 0-100 similarity below which a known name is no help: at 70 "what-is-acm" still finds
# "what-is-acme" and "Reyse" finds "Reyes", while a short id that shares a letter or two with an
# unrelated longer one (which partial matching scores about 60) stays out.
SUGGEST_CUTOFF = 70
SUGGEST_MAX_LENGTH = 64  # "did you mean" only for names up to this long: fuzzy matching is not free
_WORD = re.compile(r"[a-z0-9]+")
_POSSESSIVE = re.compile(r"['’]s\b")


def slugify(text: str, max_words: int = 6, max_chars: int | None = None) -> str:
    """A kebab-case id from any text: 'Ana Reyes' → 'ana-reyes'; "can't" → 'cant'; '' → 'item'."""
    text = _POSSESSIVE.sub("", text).replace("'", "").replace("’", "")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = "-".join(_WORD.findall(ascii_text.lower())[:max_words])
    if max_chars is not None:
        slug = slug[:max_chars].strip("-")
    return slug or "item"


def unique_id(base: str, taken: Collection[str]) -> str:
    """`base`, or `base-2`, `base-3`... : the first that is not taken."""
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}-{n}", n + 1
    return ident


def closest(word: str, choices: Iterable[str], limit: int = 1, cutoff: int = SUGGEST_CUTOFF) -> list[str]:
    """The known names most like `word`, best first (none when nothing is close enough, or when `word` is
    too long to be a misspelt name: matching a 50 MB key against a schema once took 3.3 GB)."""
    if len(word) > SUGGEST_MAX_LENGTH:
        return []
    short = [choice for choice in choices if len(choice) <= SUGGEST_MAX_LENGTH]
    return [match[0] for match in process.extract(word, short, limit=limit, score_cutoff=cutoff)]


def did_you_mean(word: str, choices: Iterable[str], *, cutoff: int = SUGGEST_CUTOFF, as_code: bool = True) -> str:
    """' Did you mean `x`?' (or 'x' in quotes, for text) for the closest known name, or '' when none
    is close: ready to append to a message."""
    found = closest(word, choices, cutoff=cutoff)
    if not found:
        return ""
    return f" Did you mean {f'`{found[0]}`' if as_code else repr(found[0])}?"
