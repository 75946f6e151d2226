"""Quotation marks paired into quotations, and the text cut into sentences around them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.curation.extract.vocabulary import (
    ABBREVIATIONS,
    CLOSING_ONLY,
    MAYBE_FINAL,
    QUOTE_MARKS,
    SENTENCE_STARTERS,
    TERMINATORS,
    starts_word,
)


@dataclass(frozen=True, slots=True)
class Span:
    """A quotation: its marks and its words (content), as offsets into the source."""

    mark_start: int
    content_start: int
    content_end: int
    mark_end: int


def paragraph_break(text: str, i: int) -> bool:
    """Whether the line break at `i` ends a paragraph rather than wrapping a long line."""
    j = i + 1
    while j < len(text) and text[j] in " \t\r":
        j += 1
    if j >= len(text) or text[j] == "\n":
        return True
    k = i - 1
    while k >= 0 and text[k] in " \t\r":
        k -= 1
    if k < 0:
        return True
    if text[k] in ",;:-–—":
        return False  # a line ending mid-sentence is a wrapped line
    while j < len(text) - 1 and text[j] in QUOTE_MARKS:
        j += 1
    return not (text[j].islower() and text[k].isalnum())


def quote_spans(text: str) -> list[Span]:
    """Every quotation in `text`, pairing straight and curly double quotes.

    Copy-pasted articles carry stray doubled marks: `""I think` opens one quotation, while
    `doing. ""I think` (a quotation open) closes one and opens the next. A quotation left open
    at the end of a paragraph ends there, as multi-paragraph quotations do in print.
    """
    spans: list[Span] = []
    n = len(text)
    opened: tuple[int, int] | None = None

    def close(content_end: int, mark_end: int) -> None:
        if opened is not None and text[opened[1] : content_end].strip():
            spans.append(Span(opened[0], opened[1], content_end, mark_end))

    i = 0
    while i < n:
        char = text[i]
        if char == "\n" and opened is not None and paragraph_break(text, i):
            close(i, i)
            opened = None
        if char not in QUOTE_MARKS:
            i += 1
            continue
        doubled = i + 1 < n and text[i + 1] in QUOTE_MARKS
        step = 2 if doubled else 1
        after = text[i + step] if i + step < n else ""
        if opened is None:
            # An opening mark comes right before a word; anything else is stray (or an inch mark).
            if starts_word(after) and not (char in CLOSING_ONLY and not doubled and not after.isupper()):
                opened = (i, i + step)
            i += step
            continue
        if doubled and starts_word(after):
            close(i, i + 1)
            opened = (i + 1, i + 2)  # one quotation ends and the next begins without a space
        else:
            close(i, i + step)  # a doubled closing mark is one mark typed twice
            opened = None
        i += step
    if opened is not None:
        close(n, n)
    return spans


def _word_before(text: str, i: int) -> str:
    j = i
    while j > 0 and text[j - 1].isalpha():
        j -= 1
    return text[j:i]


def _next_word(text: str, k: int) -> str:
    match = re.match(r"[\"“”„‟'‘(\[]*([^\W_]+)", text[k:])
    return match.group(1) if match else ""


def _abbreviation(text: str, i: int, k: int) -> bool:
    """Whether the full stop at `i` ends an abbreviation rather than the sentence (next text at `k`)."""
    if text[i] != ".":
        return False
    word = _word_before(text, i)
    if word in ABBREVIATIONS:
        return True
    starter = _next_word(text, k) in SENTENCE_STARTERS
    if word in MAYBE_FINAL:
        return not starter
    if len(word) == 1 and word.isupper():
        # "John F. Kennedy", "Washington, D.C. But ...": an initial, unless a new sentence plainly starts.
        return not starter
    return False


def sentence_bounds(text: str, spans: Sequence[Span]) -> list[tuple[int, int]]:
    """Sentences as (start, end) offsets, trimmed of whitespace.

    A full stop inside a quotation ends the sentence only when the quotation ends with it, so a
    quotation of two sentences stays with its attribution. A missing space after a full stop
    ("every day.Acme seems") still ends a sentence.
    """
    owner = [-1] * len(text)  # the index of the quotation each character is inside, or -1
    for index, span in enumerate(spans):
        owner[span.content_start : span.content_end] = [index] * (span.content_end - span.content_start)
    openings = {s.mark_start for s in spans}
    cuts: list[int] = []
    i = 0
    while i < len(text):
        if text[i] == "\n":
            if paragraph_break(text, i):
                cuts.append(i)
            i += 1
        elif text[i] in TERMINATORS:
            i, cut = _end_of_sentence(text, i, spans[owner[i]] if owner[i] >= 0 else None, openings)
            if cut is not None:
                cuts.append(cut)
        else:
            i += 1
    return _trimmed(text, cuts)


def _end_of_sentence(text: str, i: int, quotation: Span | None, openings: set[int]) -> tuple[int, int | None]:
    """After the terminators from `i` (inside `quotation`, if any): where to read on, and where the sentence
    ends there (None: it goes on)."""
    n = len(text)
    j = i + 1
    while j < n and text[j] in TERMINATORS:
        j += 1
    if quotation is not None:
        if text[j : quotation.content_end].strip():
            return j, None  # the quotation goes on: still the same sentence
        j = quotation.mark_end
    while j < n and text[j] in ")]’'":
        j += 1
    k = j
    while k < n and text[k] in " \t":
        k += 1
    if k >= n:
        return j, j
    if text[k] != "\n" and _starts_sentence(text, i, j, k, openings) and not _abbreviation(text, i, k):
        return j, j
    return j, None


def _starts_sentence(text: str, i: int, j: int, k: int, openings: set[int]) -> bool:
    """Whether the text at `k` starts a sentence, after terminators at `i` and closing marks up to `j`."""
    nxt = text[k]
    if nxt in QUOTE_MARKS and k not in openings:
        nxt = text[k + 1] if k + 1 < len(text) else ""
    if k == j and not (k in openings or (nxt.isupper() and text[i - 1 : i].islower())):
        return False  # "$2.5", "U.S.Army", "Globex.com": no space, no new sentence
    return nxt.isupper() or nxt.isdigit() or k in openings or (nxt in "([" and text[k + 1 : k + 2].isupper())


def _trimmed(text: str, cuts: Sequence[int]) -> list[tuple[int, int]]:
    """The non-empty pieces between cuts, as (start, end) offsets without their surrounding whitespace."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for cut in [*cuts, len(text)]:
        piece = text[start:cut]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            bounds.append((start + lead, start + len(piece.rstrip())))
        start = cut
    return bounds


def quote_words(text: str, span: Span) -> tuple[int, int]:
    """The offsets of a quotation's words, without the punctuation that belongs to the sentence."""
    start, end = span.content_start, span.content_end
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:—–-"):
        end -= 1
    words = text[start:end].split()
    if len(words) <= 3:
        # "digital redlining." — a quoted term; its full stop ends the sentence around it.
        while end > start and text[end - 1] in ".,;:":
            end -= 1
    return start, end


def paragraphs(text: str, sentences: Sequence[tuple[int, int]]) -> list[int]:
    """The paragraph number of each sentence: a new paragraph starts after a paragraph break."""
    numbers: list[int] = []
    current, previous_end = 0, 0
    for start, end in sentences:
        gap = range(previous_end, start)
        if numbers and any(text[i] == "\n" and paragraph_break(text, i) for i in gap):
            current += 1
        numbers.append(current)
        previous_end = end
    return numbers
