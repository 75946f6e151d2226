"""Amounts said the short way, written out as a knowledge base writes them: "10k" as "10 000", "$2.5m" as
"2 5 million", "5 grand" as "5 000", and spans of time typed short after a number: "40 min" as "40 minutes".

A curator writes "$10,000" or "$412 million", which clean to "10 000" and "412 million"; a reader types
"10k", "412m", "1.2bn" or "a grand". Read as they are, those are words no knowledge base uses, and the
number a yes/no question restates ("did they pay 10k?") never meets the one in the answer. The text is
cleaned first (no "$", "£" or commas), so only the number and its suffix are left to read.
"""

from __future__ import annotations

import re

# A number glued to its suffix ("10k", "2m"), or a word after it ("5 grand", "10 k", "3 bn"). A "b" is a
# billion only as "bn" ("route 9b", "flat 4b"), and a letter alone after a space stays ("5 m away").
_SUFFIXED = re.compile(r"\b(\d+)(?:(k|m|mn|mil|bn)|\s(grand|k|mn|bn))\b")
# "a grand" as an amount: at the end, or before what can follow an amount ("a grand a month", "a grand each").
_A_GRAND = re.compile(r"\b(?:a|one) grand(?= (?:a|an|per|each|for|in|to|or|and|on|from|every|a piece)\b|$)")
_WRITTEN = {"k": "000", "grand": "000", "m": "million", "mn": "million", "mil": "million", "bn": "billion"}
_HAS_SUFFIX = re.compile(r"\d ?[kmb]|grand")  # a quick test that something may be written out
# A unit of time cut short, only after a number: "more than 40 min", "3hrs", "2 yrs" ("min wage" stays).
_DURATION = re.compile(r"\b(\d+) ?(min|mins|hr|hrs|sec|secs|wk|wks|mos|yr|yrs)\b")
_UNITS = {"min": "minutes", "hr": "hours", "sec": "seconds", "wk": "weeks", "mo": "months", "yr": "years"}
_HAS_UNIT = re.compile(r"\d ?(?:min|hr|sec|wk|mo|yr)")


def write_out_amounts(cleaned: str) -> str:
    """A cleaned text with its shorthand amounts and spans of time written out; any other text as it is."""
    if _HAS_UNIT.search(cleaned):
        cleaned = _DURATION.sub(lambda m: f"{m.group(1)} {_UNITS[m.group(2).rstrip('s')]}", cleaned)
    if not _HAS_SUFFIX.search(cleaned):  # most texts: one scan in C
        return cleaned
    text = _SUFFIXED.sub(lambda m: f"{m.group(1)} {_WRITTEN[m.group(2) or m.group(3)]}", cleaned)
    return _A_GRAND.sub("1 000", text)
