"""Turning what people type into comparable tokens.

`clean` folds case, Unicode look-alikes, accents, quotes and punctuation; `rewrite_phrases` joins
multi-word expressions ("law enforcement" → "police"); `is_filler` marks words to drop, and `term`
stems ("paused" → "paus") and maps common synonyms onto one term ("halted" and "suspended" meet
"paused"), so that a question and a phrasing that say the same thing in other words share terms.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Generic, TypeVar

import snowballstemmer

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "`": "'", "´": "'", "“": '"', "”": '"'})
_NON_WORD = re.compile(r"[^\w]+")
_POSSESSIVE = re.compile(r"(\w)'s\b")
_APOSTROPHE = re.compile(r"(\w)'(\w)")

# Function words carry no meaning for matching. Question words (who, how, why...) are kept:
# word rarity makes them count for little, but they still tell "who" from "how many".
STOPWORDS = frozenset(
    """
    w b4 bc cuz tho
    a about actually again also am an and any anybody anyone anything are arent as at basically be been being
    bruh btw but by can could did didnt do does doesnt doing done dont down even ever everything exactly explain
    for fr from get gimme gonna got guy guys had haha has have having he her here hey him his i idk if im imo in
    into is isnt it it's its itself just kind know let lets like literally lmao lol lowkey many may me might
    mine more most much must my nah ngl nor nothing now of off ok okay omg on one ones onto or our out over
    person please pls plz r really rn shall she should smh so some somebody someone something sort still stuff
    such tbh tf than that the their theirs them then there these they thing things this tho those to too u under
    up ur us very wanna was wasnt we were whether will with without would wtf ya yall yet yo you your
    """.split()  # noqa: SIM905 - a word list is easier to curate as text
)
# "how many" is a question of number; keep "many" apart from the filler sense above.
HOW_MANY_PHRASES = ("how many", "how much", "number of", "count of")


def _groups(text: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(group.split()) for group in text.split(";") if group.strip())


# Groups of words that mean the same in questions about news, separated by ";"; every word maps to
# the group's first.
SYNONYM_GROUPS = _groups(
    """
    company companies firm firms business businesses corporation corporations corp giant giants enterprise
        enterprises brand brands bigtech co cos;
    pause paused halt halted suspend suspended suspension freeze froze frozen moratorium moratoriums stop
        stopped quit quits cease ceased abandon abandoned ban banned drop dropped exit exited end ended shelve
        shelved withdraw withdrew ditch ditched bail bailed scrap scrapped dump dumped axe axed nix nixed;
    police policing cop cops officer officers enforcement sheriff sheriffs constabulary 5-0 feds;
    recognition recognize recognise identification identify recognising recognizing;
    say said says saying tell tells told quote quotes quoted word words statement statements comment comments
        remark remarks stated;
    think thinks thought believe believes belief feel feels opinion view views reckon reckons stance;
    partnership partnerships partner partners partnered collaboration collaborations relationship relationships
        tie ties alliance alliances link links;
    contract contracts deal deals agreement agreements;
    camera cameras cam cams webcam webcams cctv;
    video videos footage recording recordings clip clips;
    protest protests protester protesters protestor protestors demonstration demonstrations demonstrator
        demonstrators rally rallies march marches unrest;
    money cash revenue revenues profit profits funds;
    employee employees staff staffer staffers worker workers workforce;
    tech technology technologies technological;
    professor prof academic academics researcher researchers scholar scholars lecturer expert experts;
    group groups organisation organisations nonprofit nonprofits charity charities ngo ngos activists activist;
    kill killing killed death murder murdered died die;
    ceo boss chief-executive;
    role job title occupation profession position;
    people ppl persons folks residents citizens;
    department departments dept depts agency agencies force forces precinct precincts pd pds;
    spokesperson spokesman spokeswoman spokespeople representative rep;
    many number count how-many;
    concern concerns worry worries fear fears worried concerned;
    sell sells selling sold sale sales;
    public taxpayer taxpayers;
    government governments govt gov authorities authority;
    reform reforms change changes;
    pressure pressures pressured heat flak backlash criticism scrutiny pushback;
    react reacted reaction respond responded response responses reply replied;
    goal goals aim aims achieve objective objectives want wants agenda;
    learn learned learnt discover discovered uncover uncovered reveal revealed find-out found-out;
    member members membership sit-on sits-on;
    doubtful skeptical sceptical doubt doubts unconvinced;
    predict predicted predicts expect expects expected forecast;
    vendor vendors supplier suppliers seller sellers provider providers;
    surveillance surveil monitoring spying snooping tracking;
    """
)

# Multi-word expressions rewritten before splitting, so they become one meaning: "phrase => rewrite".
PHRASES = tuple(
    (phrase.strip(), rewrite.strip())
    for phrase, _, rewrite in (
        line.partition("=>")
        for line in """
    tell me about => about
    whats => what is
    whos => who is
    wheres => where is
    hows => how is
    whens => when is
    whats the deal with => about
    whats the deal w => about
    what is the deal with => about
    whats up with => about
    tell me =>
    tell us =>
    can you =>
    do you know =>
    for a living =>
    find out => find-out
    found out => found-out
    sit on => sit-on
    sits on => sits-on
    hooked up with => partnered with
    hooked up => partnered
    teamed up with => partnered with
    cop shops => police departments
    cop shop => police department
    big guys => big companies
    big players => big companies
    wat => what
    wut => what
    jan => january
    feb => february
    mar => march
    apr => april
    jun => june
    jul => july
    aug => august
    sep => september
    sept => september
    oct => october
    nov => november
    dec => december
    law enforcement => police
    facial rec => facial recognition
    face rec => facial recognition
    face recognition => facial recognition
    face scanning => facial recognition
    face id => facial recognition
    chief executive => chief-executive
    big tech => bigtech
    walk away => quit
    walked away => quit
    walks away => quit
    walking away => quit
    pull out => quit
    pulled out => quit
    get out => quit
    got out => quit
    back out => quit
    backed out => quit
    step back => quit
    stepped back => quit
    put on hold => pause
    on hold => pause
    """.strip().splitlines()
    )
)

_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


def _build_synonyms() -> dict[str, str]:
    table: dict[str, str] = {}
    for group in SYNONYM_GROUPS:
        head = stem(group[0])
        for word in group:
            table.setdefault(stem(word), head)
    return table


SYNONYMS = _build_synonyms()


def _keep(char: str) -> bool:
    category = unicodedata.category(char)
    # Drop control and format characters (zero-width joiners, RTL marks) and combining marks.
    return not (category in ("Cc", "Cf", "Co", "Cs", "Mn", "Me") and not char.isspace())


def clean(text: str) -> str:
    """Lower-case, accent-free, punctuation-free text with single spaces."""
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


_WHAT_DOES_DO = re.compile(r"\bwhat (?:does|do|did) (.+?) do\b")

T = TypeVar("T")


class PhraseTable(Generic[T]):
    """Multi-word phrases found in a list of words, longest first, by dictionary look-ups.

    One pass over the words with a look-up per possible phrase length, so the cost does not grow with
    the number of phrases (a regular expression alternation of thousands of names would).
    """

    def __init__(self, phrases: Mapping[str, T]) -> None:
        by_first: dict[str, list[tuple[tuple[str, ...], T]]] = {}
        for phrase, value in phrases.items():
            key = tuple(phrase.split())
            if key:
                by_first.setdefault(key[0], []).append((key, value))
        # Most words start no phrase: one look-up each. Those that do try their phrases longest first.
        self._by_first = {first: sorted(found, key=lambda kv: -len(kv[0])) for first, found in by_first.items()}

    def find(self, words: Sequence[str]) -> list[tuple[int, int, T]]:
        """(start, end, value) of each phrase in `words`, left to right, never overlapping."""
        found: list[tuple[int, int, T]] = []
        i, n = 0, len(words)
        while i < n:
            candidates = self._by_first.get(words[i])
            if candidates:
                for key, value in candidates:
                    end = i + len(key)
                    if end <= n and tuple(words[i:end]) == key:
                        found.append((i, end, value))
                        i = end
                        break
                else:
                    i += 1
            else:
                i += 1
        return found

    def replace(self, words: Sequence[str], with_: Callable[[T, Sequence[str]], Sequence[str]]) -> list[str]:
        out: list[str] = []
        last = 0
        for start, end, value in self.find(words):
            out.extend(words[last:start])
            out.extend(with_(value, words[start:end]))
            last = end
        out.extend(words[last:])
        return out


_PHRASE_TABLE = PhraseTable(
    {**{phrase: rewrite for phrase, rewrite in PHRASES}, **{p: "how-many" for p in HOW_MANY_PHRASES}}
)


def rewrite_phrases(cleaned: str) -> str:
    words = _PHRASE_TABLE.replace(cleaned.split(), lambda rewrite, _: rewrite.split())
    text = " ".join(words)
    if "what" in words and "do" in words:
        text = _WHAT_DOES_DO.sub(r"what is \1 role", text)
    return text


_TERMS: dict[str, str] = {}  # word -> term; a plain dict is the cheapest cache for the hottest function


def term(word: str) -> str:
    """The matching term for one cleaned word: stemmed, then mapped to its synonym group."""
    found = _TERMS.get(word)
    if found is None:
        stemmed = stem(word)
        found = _TERMS[word] = SYNONYMS.get(stemmed, stemmed)
        if len(_TERMS) > 500_000:  # bounded: questions bring endless new words
            _TERMS.clear()
    return found


def is_filler(word: str) -> bool:
    return word in STOPWORDS
