"""Reading a name off a sentence's tokens: where it starts and ends, its title, its owner."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.curation.extract.vocabulary import (
    ABBREVIATIONS,
    CONNECTORS,
    DISTRICT_BODIES,
    HONORIFICS,
    NOT_NAMES,
    ORG_SUFFIX_LOWER,
    ORG_WORDS,
    QUOTE_MASK,
    SCHOOL_SUFFIXES,
    TITLE_OR_NAME,
    TITLES,
    TOKEN,
    is_acronym,
    squash,
    strip_possessive,
)


@dataclass(frozen=True, slots=True)
class Tok:
    text: str
    start: int
    end: int


def tokens(masked: str, offset: int) -> list[Tok]:
    return [Tok(m.group(), offset + m.start(), offset + m.end()) for m in TOKEN.finditer(masked)]


def name_token(word: str) -> bool:
    return word[:1].isupper() and word != QUOTE_MASK


def adjacent(a: Tok, b: Tok, text: str) -> bool:
    """Two tokens separated by plain spaces only (no punctuation, no line break)."""
    gap = text[a.end : b.start]
    return gap == "" or (gap.isspace() and "\n" not in gap)


def walk_forward(toks: Sequence[Tok], i: int, text: str) -> int | None:
    """The last token of a name that starts at token `i`, or None when none starts there."""
    if i >= len(toks) or not name_token(toks[i].text):
        return None
    last, j = i, i + 1
    while j < len(toks) and adjacent(toks[j - 1], toks[j], text):
        word = toks[j].text
        if name_token(word) and word not in NOT_NAMES - TITLES:
            last, j = j, j + 1
            continue
        if word == "." and (len(toks[j - 1].text) == 1 or toks[j - 1].text in ABBREVIATIONS):
            if j + 1 < len(toks) and name_token(toks[j + 1].text):
                j += 1
                continue
            break
        if word in CONNECTORS:
            k = j
            while k < len(toks) and toks[k].text in CONNECTORS and k - j < 2:
                k += 1
            if k < len(toks) and name_token(toks[k].text) and toks[k].text not in NOT_NAMES:
                j = k
                continue
        break
    return last


def walk_backward(toks: Sequence[Tok], i: int, text: str) -> int | None:
    """The first token of a name that ends at token `i`, or None when none ends there."""
    if i < 0 or not name_token(toks[i].text):
        return None
    first, j = i, i - 1
    while j >= 0 and adjacent(toks[j], toks[j + 1], text):
        word = toks[j].text
        if name_token(word):
            first, j = j, j - 1
            continue
        if word == "." and j > 0 and (len(toks[j - 1].text) == 1 or toks[j - 1].text in ABBREVIATIONS):
            j -= 1
            continue
        if word in CONNECTORS:
            k = j
            while k >= 0 and toks[k].text in CONNECTORS and j - k < 2:
                k -= 1
            if k >= 0 and name_token(toks[k].text) and toks[k].text not in NOT_NAMES:
                j = k
                continue
        break
    return first


@dataclass(frozen=True, slots=True)
class Name:
    """A name as written, split into role (a title before it), owner (a possessive) and the name."""

    name: str
    role: str | None = None
    owner: str | None = None
    start: int = 0
    honorific: str | None = None  # Mr, Ms, Dr: says who, not what they do


def read_name(toks: Sequence[Tok], first: int, last: int, text: str) -> Name | None:
    """The name written in tokens `first`..`last`: its owner ("Harbor's"), its title ("Mayor"), itself."""
    words = _trimmed(toks[first : last + 1])
    if not words:
        return None
    owner, words = _owner(words, text)
    role, honorific, words = _title(words)
    if not words or words[0].text in NOT_NAMES:
        return None
    name = strip_possessive(squash(text[words[0].start : words[-1].end]))
    if not re.search(r"[A-Za-z]{2}", name) or name in NOT_NAMES:
        return None
    return Name(name, role, owner, words[0].start, honorific)


def _trimmed(words: Sequence[Tok]) -> Sequence[Tok]:
    """Without the sentence words, connectors and full stops around the name (titles stay)."""
    while words and (words[0].text in NOT_NAMES or words[0].text in CONNECTORS or words[0].text == "."):
        if words[0].text in TITLES:
            break
        words = words[1:]
    while words and (words[-1].text in CONNECTORS or words[-1].text == "."):
        words = words[:-1]
    return words


def _owner(words: Sequence[Tok], text: str) -> tuple[str | None, Sequence[Tok]]:
    """ "Harbor's Lopez" is Lopez of Harbor; "St. Mary's Hospital" is one name."""
    for index, tok in enumerate(words[:-1]):
        if re.search(r"['’]s$", tok.text) and any(t.text not in ORG_WORDS for t in words[index + 1 :]):
            return strip_possessive(squash(text[words[0].start : tok.end])), words[index + 1 :]
    return None, words


def _title(words: Sequence[Tok]) -> tuple[str | None, str | None, Sequence[Tok]]:
    """ "Senate Majority Leader Chuck Schumer", "Secretary of State Antony Blinken", "Dr. Alan Park":
    everything up to the last title is what they are (role, honorific); the rest is who."""
    titles = [i for i, w in enumerate(words[:-1]) if w.text in TITLES]
    if not titles:
        return None, None, words
    t = titles[-1]
    rest, through = words[t + 1 :], t
    if len(rest) >= 4 and rest[0].text == "of" and name_token(rest[1].text):
        rest, through = rest[2:], t + 2
    rest = rest[1:] if rest and rest[0].text == "." else rest
    ambiguous = words[t].text in TITLE_OR_NAME and len(rest) < 2  # "General Motors"
    if not rest or ambiguous or any(w.text in ORG_WORDS for w in rest):
        return None, None, words
    honorific = next((w.text for w in reversed(words[: through + 1]) if w.text in HONORIFICS), None)
    role = " ".join(w.text for w in words[: through + 1] if w.text not in HONORIFICS and w.text != ".")
    return role or None, honorific, rest


def org_like(name: str) -> bool:
    words = name.split()
    return (
        "&" in name  # "Hale & Moore": partners' names joined are a firm
        or (words[-1] == "District" and any(w in DISTRICT_BODIES for w in words))
        or words[-1] in SCHOOL_SUFFIXES  # "Lincoln High", "Oak Grove Elementary"
        or any(strip_possessive(w) in ORG_WORDS for w in words)
        or (len(words) == 1 and is_acronym(words[0]))
        or words[-1] in ORG_SUFFIX_LOWER
    )
