"""Turning what people type into comparable tokens.

`clean` folds case, Unicode look-alikes, accents, quotes and punctuation; `words` splits the
result; `Lexicon.terms` goes on to drop filler words, stem ("paused" → "paus") and map common
synonyms onto one term ("halted" and "suspended" meet "paused"), so that a question and a
phrasing that say the same thing in other words share terms.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "`": "'", "´": "'", "“": '"', "”": '"'})
_NON_WORD = re.compile(r"[^\w]+")
_POSSESSIVE = re.compile(r"(\w)'s\b")
_APOSTROPHE = re.compile(r"(\w)'(\w)")

# Function words carry no meaning for matching. Question words (who, how, why...) are kept:
# word rarity makes them count for little, but they still tell "who" from "how many".
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "nor",
        "so",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "without",
        "about",
        "into",
        "onto",
        "over",
        "under",
        "as",
        "than",
        "then",
        "that",
        "this",
        "these",
        "those",
        "there",
        "here",
        "it",
        "its",
        "it's",
        "itself",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "doing",
        "done",
        "have",
        "has",
        "had",
        "having",
        "i",
        "me",
        "my",
        "mine",
        "we",
        "us",
        "our",
        "you",
        "your",
        "he",
        "him",
        "his",
        "she",
        "her",
        "they",
        "them",
        "their",
        "theirs",
        "one",
        "ones",
        "any",
        "some",
        "such",
        "very",
        "really",
        "just",
        "also",
        "too",
        "more",
        "most",
        "much",
        "many",
        "can",
        "could",
        "would",
        "should",
        "shall",
        "will",
        "may",
        "might",
        "must",
        "ok",
        "okay",
        "please",
        "pls",
        "plz",
        "hey",
        "yo",
        "whether",
        "if",
        "know",
        "explain",
        "let",
        "lets",
        "like",
        "kind",
        "sort",
        "get",
        "got",
        "thing",
        "things",
        "stuff",
        "lol",
        "lmao",
        "haha",
        "tho",
        "btw",
        "gonna",
        "wanna",
        "ngl",
        "fr",
        "nah",
        "tf",
        "wtf",
        "omg",
        "idk",
        "imo",
        "tbh",
        "smh",
        "bruh",
        "rn",
        "yall",
        "lowkey",
        "literally",
        "actually",
        "basically",
        "exactly",
        "up",
        "down",
        "out",
        "off",
        "again",
        "ever",
        "even",
        "still",
        "yet",
        "now",
        "ya",
        "u",
        "ur",
        "r",
        "im",
        "dont",
        "doesnt",
        "didnt",
        "isnt",
        "arent",
        "wasnt",
    ]
)
# "how many" is a question of number; keep "many" apart from the filler sense above.
_HOW_MANY = re.compile(r"\bhow many\b|\bhow much\b|\bnumber of\b|\bcount of\b")

# Groups of words that mean the same in questions about news; every word maps to the group's first.
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    (
        "company",
        "companies",
        "firm",
        "firms",
        "business",
        "businesses",
        "corporation",
        "corporations",
        "corp",
        "giant",
        "giants",
        "enterprise",
        "enterprises",
        "brand",
        "brands",
        "bigtech",
        "co",
        "cos",
    ),
    (
        "pause",
        "paused",
        "halt",
        "halted",
        "suspend",
        "suspended",
        "suspension",
        "freeze",
        "froze",
        "frozen",
        "moratorium",
        "moratoriums",
        "stop",
        "stopped",
        "quit",
        "quits",
        "cease",
        "ceased",
        "abandon",
        "abandoned",
        "ban",
        "banned",
        "drop",
        "dropped",
        "exit",
        "exited",
        "end",
        "ended",
        "shelve",
        "shelved",
        "withdraw",
        "withdrew",
    ),
    (
        "police",
        "policing",
        "cop",
        "cops",
        "officer",
        "officers",
        "enforcement",
        "sheriff",
        "sheriffs",
        "constabulary",
        "5-0",
        "feds",
    ),
    ("recognition", "recognize", "recognise", "identification", "identify", "recognising", "recognizing"),
    (
        "say",
        "said",
        "says",
        "saying",
        "tell",
        "tells",
        "told",
        "quote",
        "quotes",
        "quoted",
        "word",
        "words",
        "statement",
        "statements",
        "comment",
        "comments",
        "remark",
        "remarks",
        "stated",
    ),
    (
        "think",
        "thinks",
        "thought",
        "believe",
        "believes",
        "belief",
        "feel",
        "feels",
        "opinion",
        "view",
        "views",
        "reckon",
        "reckons",
        "stance",
    ),
    (
        "partnership",
        "partnerships",
        "partner",
        "partners",
        "partnered",
        "collaboration",
        "collaborations",
        "relationship",
        "relationships",
        "tie",
        "ties",
        "alliance",
        "alliances",
        "link",
        "links",
    ),
    ("contract", "contracts", "deal", "deals", "agreement", "agreements"),
    ("camera", "cameras", "cam", "cams", "webcam", "webcams", "cctv"),
    (
        "protest",
        "protests",
        "protester",
        "protesters",
        "protestor",
        "protestors",
        "demonstration",
        "demonstrations",
        "demonstrator",
        "demonstrators",
        "rally",
        "rallies",
        "march",
        "marches",
        "unrest",
    ),
    ("money", "cash", "revenue", "revenues", "profit", "profits", "funds"),
    ("employee", "employees", "staff", "staffer", "staffers", "worker", "workers", "workforce"),
    ("tech", "technology", "technologies", "technological"),
    (
        "professor",
        "prof",
        "academic",
        "academics",
        "researcher",
        "researchers",
        "scholar",
        "scholars",
        "lecturer",
        "expert",
        "experts",
    ),
    (
        "group",
        "groups",
        "organisation",
        "organisations",
        "nonprofit",
        "nonprofits",
        "charity",
        "charities",
        "ngo",
        "ngos",
        "activists",
        "activist",
    ),
    ("kill", "killing", "killed", "death", "murder", "murdered", "died", "die"),
    ("ceo", "boss", "chief-executive"),
    ("role", "job", "title", "occupation", "profession", "position"),
    ("people", "ppl", "persons", "folks", "residents", "citizens"),
    (
        "department",
        "departments",
        "dept",
        "depts",
        "agency",
        "agencies",
        "force",
        "forces",
        "precinct",
        "precincts",
        "pd",
        "pds",
    ),
    ("spokesperson", "spokesman", "spokeswoman", "spokespeople", "representative", "rep"),
    ("many", "number", "count", "how-many"),
    ("concern", "concerns", "worry", "worries", "fear", "fears", "worried", "concerned"),
    ("sell", "sells", "selling", "sold", "sale", "sales"),
    ("public", "taxpayer", "taxpayers"),
    ("government", "governments", "govt", "gov", "authorities", "authority"),
    ("reform", "reforms", "change", "changes"),
    ("doubtful", "skeptical", "sceptical", "doubt", "doubts", "unconvinced"),
    ("predict", "predicted", "predicts", "expect", "expects", "expected", "forecast"),
    ("vendor", "vendors", "supplier", "suppliers", "seller", "sellers", "provider", "providers"),
    ("surveillance", "surveil", "monitoring", "spying", "snooping", "tracking"),
)

# Multi-word expressions rewritten before splitting, so they become one meaning.
PHRASES: tuple[tuple[str, str], ...] = (
    # "tell me about X" asks about X; "what did X tell Y" asks for X's words.
    ("tell me about", "about"),
    ("tell me", ""),
    ("tell us", ""),
    ("can you", ""),
    ("do you know", ""),
    ("for a living", ""),
    ("wat", "what"),
    ("wut", "what"),
    ("jan", "january"),
    ("feb", "february"),
    ("mar", "march"),
    ("apr", "april"),
    ("jun", "june"),
    ("jul", "july"),
    ("aug", "august"),
    ("sep", "september"),
    ("sept", "september"),
    ("oct", "october"),
    ("nov", "november"),
    ("dec", "december"),
    ("law enforcement", "police"),
    ("facial rec", "facial recognition"),
    ("face rec", "facial recognition"),
    ("face recognition", "facial recognition"),
    ("face scanning", "facial recognition"),
    ("face id", "facial recognition"),
    ("chief executive", "chief-executive"),
    ("big tech", "bigtech"),
    ("walk away", "quit"),
    ("walked away", "quit"),
    ("walks away", "quit"),
    ("walking away", "quit"),
    ("pull out", "quit"),
    ("pulled out", "quit"),
    ("get out", "quit"),
    ("got out", "quit"),
    ("back out", "quit"),
    ("backed out", "quit"),
    ("step back", "quit"),
    ("stepped back", "quit"),
    ("put on hold", "pause"),
    ("on hold", "pause"),
)
_PHRASE_RE = re.compile(r"\b(" + "|".join(re.escape(p) for p, _ in PHRASES) + r")\b")
_PHRASE_MAP = dict(PHRASES)

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
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    text = "".join(char for char in text if _keep(char))
    text = text.translate(_QUOTES).casefold()
    text = _POSSESSIVE.sub(r"\1", text)
    text = _APOSTROPHE.sub(r"\1\2", text)  # don't -> dont, we're -> were
    text = _NON_WORD.sub(" ", text).replace("_", " ")
    return " ".join(text.split())


_WHAT_DOES_DO = re.compile(r"\bwhat (?:does|do|did) (.+?) do\b")


def rewrite_phrases(cleaned: str) -> str:
    cleaned = _HOW_MANY.sub("how-many", cleaned)
    cleaned = _WHAT_DOES_DO.sub(r"what is \1 role", cleaned)
    return " ".join(_PHRASE_RE.sub(lambda m: _PHRASE_MAP[m.group(1)], cleaned).split())


def words(text: str) -> list[str]:
    """Cleaned words of `text`, with multi-word expressions joined."""
    return rewrite_phrases(clean(text)).split()


def term(word: str) -> str:
    """The matching term for one cleaned word: stemmed, then mapped to its synonym group."""
    stemmed = stem(word)
    return SYNONYMS.get(stemmed, stemmed)


def is_filler(word: str) -> bool:
    return word in STOPWORDS
