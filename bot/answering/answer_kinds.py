"""What kind of answer a question asks for, and what kinds an entry's answer gives: a count or amount, a
time, a person.

"How many ...?" is answered by a number, "when ...?" by a date, "who ...?" by someone: an entry about the
right subject whose answer has no number does not answer "how many", however many of the question's
words it shares (the commonest near miss: "how many plants does <the company> run?" against the entry on
its contract). Plain English patterns, the same in every story.
"""

from __future__ import annotations

import re

NUMBER, TIME, PERSON = 1, 2, 4  # bits of a kind mask

# Questions, as cleaned words (lower case, no punctuation; "how many" may be read as one word, "how-many").
_ASKS_NUMBER = re.compile(
    r"\bhow[ -](?:many|much|long|far|big|old|large|high|low|deep)\b|\bwhat[ -](?:percent|share)\b"
)
_ASKS_TIME = re.compile(r"\bwhen\b|\bwhat[ -](?:year|date|day|month|time)\b|\bwhich[ -](?:year|date|day|month)\b")
_ASKS_PERSON = re.compile(r"^(?:who|whom|whose)\b|\b(?:and|but) (?:who|whom|whose)\b")

# Answers, as written.
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|dozens|hundreds?|thousands?|"
    r"millions?|billions?|half|third|quarter|percent|twice|double|triple|none|several"
)
_GIVES_NUMBER = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.I)
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t|tember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_GIVES_TIME = re.compile(
    rf"\b(?:{_MONTHS})\b\.?|\b(?:1[89]|20)\d\d\b|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|"
    r"\b(?:today|yesterday|tomorrow|week|month|year|years|decade|season|spring|summer|autumn|fall|winter|"
    r"morning|afternoon|evening|night|since|until|ago|after|before|already|soon|later|next|last|once)\b|"
    r"\b\d{1,2}(?::\d\d)?\s*(?:a\.m\.|p\.m\.|am|pm)",
    re.I,
)


def asked(cleaned: str) -> int:
    """The kinds of answer a question (cleaned words) asks for: a mask of NUMBER, TIME and PERSON."""
    kinds = 0
    if _ASKS_NUMBER.search(cleaned):
        kinds |= NUMBER
    if _ASKS_TIME.search(cleaned):
        kinds |= TIME
    if _ASKS_PERSON.search(cleaned):
        kinds |= PERSON
    return kinds


def given(answer: str, names_a_person: bool) -> int:
    """The kinds of answer an entry's answer gives; `names_a_person`: it is about, or names, someone."""
    kinds = 0
    if _GIVES_NUMBER.search(answer):
        kinds |= NUMBER
    if _GIVES_TIME.search(answer):
        kinds |= TIME
    if names_a_person:
        kinds |= PERSON
    return kinds
