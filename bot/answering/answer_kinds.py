"""What kind of detail a question asks for, and what kinds an entry's answer gives: a count or amount, a
sum of money, a time, a place, someone (a person or an organisation), a person.

"How many ...?" is answered by a number, "when ...?" by a date, "where ...?" by a place, "how much tax
...?" by a sum of money, "who is the chief executive of ...?" by a person: an entry about the right subject
whose answer has no such detail does not answer the question, however many of its words it shares (the
commonest near miss: "how many plants does <the company> run?" against the entry on its contract, or "what
city was <someone> born in?" against the entry about them). Plain English patterns, the same in every story.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Bits of a kind mask. SOMEONE is any person or organisation ("who is building it?" may be a company);
# PERSON is a person only ("who is its mayor?"); PARTY a political party ("what party is she in?": an entry
# about her that names none does not answer it). MONEY is asked beside NUMBER: a sum is also an amount.
NUMBER, TIME, PERSON, PLACE, MONEY, SOMEONE, PARTY = 1, 2, 4, 8, 16, 32, 64

# Questions, as cleaned words (lower case, no punctuation; "how many" may be read as one word, "how-many").
_ASKS_NUMBER = re.compile(
    r"\bhow[ -](?:many|much|long|far|big|old|large|high|low|deep|often)\b|\bwhat[ -](?:percent|percentage|share)\b"
)
_ASKS_TIME = re.compile(
    r"\bwhen\b|\bwhat[ -](?:year|date|day|month|time)\b|\bwhich[ -](?:year|date|day|month)\b|\bsince when\b"
)
_AUXILIARIES = r"is|are|was|were|do|does|did|will|would|could|can|has|have|had"
# One word that may stand between "what" and the kind of thing it asks for ("what *big* company"), but not a
# verb: "what are city councils doing?" does not ask for a city.
_MAYBE_A_WORD = rf"(?:(?!(?:{_AUXILIARIES})\b)\w+ )?"
# Words for kinds of thing that a name answers ("which *company*", "what *city*"): asking one asks for a name.
_ORGANISATIONS = (
    r"company|companies|firm|firms|organi[sz]ations?|group|groups|agency|agencies|party|union|university|college|"
    r"school|outlet|newspaper|bank|business|businesses|brand"
)
_PLACES = (
    r"city|cities|town|towns|state|states|country|countries|county|counties|place|places|neighbou?rhoods?|area|areas|"
    r"region|regions|street|location|address|venue|site"
)
_ASKS_SOMEONE = re.compile(
    r"^(?:who|whom|whose)\b|\b(?:and|but|or) (?:who|whom|whose)\b|"
    rf"\b(?:what|which|name of the)[ -]{_MAYBE_A_WORD}(?:{_ORGANISATIONS})\b"
)
# Asked for by the person who holds a role: "who is the mayor of ...", "name the chief executive".
_ROLES = (
    r"ceo|chief|president|mayor|governor|senator|spokes(?:person|man|woman)|director|chair(?:man|woman|person)?|"
    r"founder|owner|boss|head|leader|manager|minister|secretary|commissioner|lawyer|attorney|judge|coach|"
    r"member|representative|official|organi[sz]er|"
    r"wife|husband|son|daughter|father|mother|sister|brother|person|guy|woman|man"
)
_ASKS_PERSON = re.compile(
    rf"^(?:who|whom|whose)\b.*\b(?:{_ROLES})\b|\b(?:what|which)[ -](?:{_ROLES})\b|"
    rf"\bname of (?:the|its|their|his|her) (?:{_ROLES})\b"
)
_ASKS_PLACE = re.compile(rf"\bwhere\b|\b(?:what|which)[ -]{_MAYBE_A_WORD}(?:{_PLACES})\b")
# A sum is asked by "how much" and a word for money right after it ("how much tax", "how much govt cash"),
# or by "how much did ... pay / cost / spend": "how many taxpayer-funded deals" asks for a count.
_MONEY_NOUNS = (
    r"cost|costs|price|prices|tax|taxes|salary|salaries|wage|wages|pay|budget|budgets|fund|funds|funding|fee|fees|"
    r"charge|charges|money|cash|dollars|bucks|revenue|revenues|profit|profits|fine|fines|penalty|penalties|damages|"
    r"compensation|settlement|rent|bill|bills|worth|value|debt|debts|loan|loans|subsidy|subsidies|grant|grants"
)
_MONEY_VERBS = (
    r"cost|costs|costed|pay|pays|paid|spend|spends|spent|earn|earns|earned|raise|raised|owe|owes|owed|invest|"
    r"invested|donate|donated|charge|charges|charged|fine|fined|sue|sued|worth|sell|sells|sold|buy|buys|bought"
)
# ("how much" may be read as "how-many": the engine folds the two together.)
_ASKS_MONEY = re.compile(
    rf"\bhow[ -](?:much|many) (?:\w+ )?(?:{_MONEY_NOUNS})\b|"
    rf"\bhow[ -](?:much|many) (?:{_AUXILIARIES}) (?:\w+ ){{0,4}}(?:{_MONEY_VERBS}|{_MONEY_NOUNS})\b|"
    r"\bwhat (?:does|did|will|would) \w+ (?:cost|pay)\b"
)
# "What party is she in?", "which political party does he belong to?"
_ASKS_PARTY = re.compile(r"\b(?:what|which)[ -](?:political )?part(?:y|ies)\b")

# Answers, as written.
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|dozens|hundreds?|thousands?|"
    r"millions?|billions?|half|third|quarter|percent|twice|double|triple|none|several"
)
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t|tember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
# A number counts unless it is the day of a date ("June 1", "the 3rd of May"): "how many people came to the
# June 1 protest?" is not answered by the date. (A year still counts: "since 2015" says how long.)
_DATE_NUMBERS = re.compile(
    rf"\b(?:{_MONTHS})\.? \d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}(?:st|nd|rd|th)?(?: of)? (?:{_MONTHS})\b", re.I
)
_GIVES_NUMBER = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.I)
_DAYS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
_GIVES_TIME = re.compile(
    rf"\b(?:{_MONTHS})\b\.?|\b(?:1[89]|20)\d\d\b|\b(?:{_DAYS})\b|"
    r"\b(?:today|yesterday|tomorrow|week|month|year|years|decade|season|spring|summer|autumn|fall|winter|"
    r"morning|afternoon|evening|night|since|until|ago|after|before|already|soon|later|next|last|once)\b|"
    r"\b\d{1,2}(?::\d\d)?\s*(?:a\.m\.|p\.m\.|am|pm)",
    re.I,
)
# A party named (with its capital, as parties are written: not "a democratic process"), or the word itself.
_GIVES_PARTY = re.compile(
    r"\b(?i:part(?:y|ies))\b|\b(?:Democrats?|Democratic|Republicans?|GOP|Labour|Conservatives?|Tory|Tories|"
    r"Liberals?|Greens?|Libertarians?|Socialists?|Independents?|Nationalists?)\b"
)
_GIVES_MONEY = re.compile(r"[$€£¥]|\b(?:dollars?|cents?|euros?|pounds sterling|usd|eur|gbp)\b", re.I)
# A name: a capitalised word after a word in lower case (not the first word of a sentence, nor a month).
_NOT_NAMES = rf"(?i:{_MONTHS}|{_DAYS}|the|a|an|i)\b"
_NAME = re.compile(rf"(?<=[a-z,;:)] )(?!{_NOT_NAMES})[A-Z][\w'’.-]*[a-z]")
# "Who should decide?" may be answered by who they are rather than by a name ("residents, not sales staff").
_GROUPS = re.compile(
    r"\b(?:staff|executives|officials|officers|police|lawmakers|legislators|voters|residents|workers|employees|"
    r"members|activists|campaigners|councils?|leaders|citizens|customers|users|parents|students|teachers|"
    r"governments?|regulators|judges|courts?|the public)\b",
    re.I,
)
# A place: a capitalised name after a word that says where ("in Ashford", "near the Dunmore River"), or a
# word for a place after a name ("Lake County", "Elm Street").
_NOT_PLACES = _NOT_NAMES
_GIVES_PLACE = re.compile(
    # (the word that says where may open the sentence: "On Ash Lane.")
    rf"\b(?i:in|at|near|from|outside|across|into|to|on|off|around|throughout)\s+(?:the\s+)?(?!{_NOT_PLACES})[A-Z][a-z]|"
    r"\b(?:town|city|village|county|state|country|region|province|district|borough) of [A-Z][a-z]|"
    r"[A-Z][a-z]+\s+(?:City|County|State|Street|Avenue|Road|Lane|Drive|Way|Boulevard|Highway|Bridge|River|Lake|"
    r"Valley|Coast|Bay|Beach|Harbou?r|Hill|Heights|Mountain|Park|Square|Plaza|Island|District|Township|Province)s?\b|"
    r"\b(?:nationwide|overseas|abroad|downtown|statewide|citywide|countywide|across the (?:country|state|county))\b"
)


_KIND_WORD = re.compile(
    rf"(?:{_ORGANISATIONS}|{_PLACES}|{_ROLES}|year|years|date|dates|day|days|month|months|time|times|percent|share)"
)


def is_kind_word(word: str) -> bool:
    """Whether a word names a kind of answer rather than a thing ("company", "city", "year", "mayor"): "which
    company ...?" is answered by a name, not by an entry that says "company"."""
    return _KIND_WORD.fullmatch(word) is not None


# What a question's words ask for, and what an answer's words give: each pattern sets its kinds.
_ASKS = (
    (_ASKS_NUMBER, NUMBER),
    (_ASKS_MONEY, MONEY | NUMBER),
    (_ASKS_TIME, TIME),
    (_ASKS_SOMEONE, SOMEONE),
    (_ASKS_PERSON, PERSON),
    (_ASKS_PLACE, PLACE),
    (_ASKS_PARTY, PARTY),
)
_GIVES = (
    (_GIVES_MONEY, MONEY),
    (_GIVES_PARTY, PARTY),
    (_GIVES_TIME, TIME),
    (_GIVES_PLACE, PLACE),
    (_NAME, SOMEONE),
    (_GROUPS, SOMEONE),
)


@lru_cache(maxsize=64)  # ranking a question and finding who holds a role it asks for both ask
def asked(cleaned: str) -> int:
    """The kinds of answer a question (cleaned words) asks for: a mask of the bits above."""
    return _mask(_ASKS, cleaned)


def given(answer: str, names_a_person: bool) -> int:
    """The kinds of answer an entry's answer gives; `names_a_person`: it is about, or names, someone."""
    number = NUMBER if _GIVES_NUMBER.search(_DATE_NUMBERS.sub(" ", answer)) else 0
    return _mask(_GIVES, answer) | number | (PERSON | SOMEONE if names_a_person else 0)


def _mask(patterns: tuple[tuple[re.Pattern[str], int], ...], text: str) -> int:
    kinds = 0
    for pattern, kind in patterns:
        if pattern.search(text):
            kinds |= kind
    return kinds
