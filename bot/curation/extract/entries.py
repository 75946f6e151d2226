"""Candidate entries: a question and answer for each sentence that states a figure or says who someone is."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.curation.extract.entities import Entity, Reader
from bot.curation.extract.vocabulary import (
    COUNT,
    DAY_DATE,
    FIGURE,
    FIGURE_COMPOUND,
    FUNCTION_WORDS,
    MONEY,
    MONTHS,
    NOT_NAMES,
    NP_STOP,
    QUOTE_MASK,
    RELATIVE_DATE,
    SPEECH_VERBS,
    VERBISH,
    WEEKDAY,
    YEAR,
    squash,
    unique,
)
from bot.knowledge.model import Entry, Evidence, Kind
from bot.knowledge.naming import slugify
from bot.knowledge.text import clean


def content_words(text: str) -> list[str]:
    return [
        w
        for w in re.findall(r"[\w'’-]+", text)
        if w.lower() not in FUNCTION_WORDS and w.lower() not in SPEECH_VERBS and not w.isdigit()
    ]


def _count_phrase(outside: str) -> str | None:
    """ "more than 400 police departments" → "police departments" (years, dates and durations aside)."""
    for match in COUNT.finditer(outside):
        before = outside[: match.start()].split()
        if YEAR.fullmatch(match.group(1)) or (before and before[-1].rstrip(".") in MONTHS):
            continue
        rest = re.sub(r"^\s+of\s+", " ", outside[match.end() :])
        words: list[str] = []
        for word in re.findall(r"[\w'’-]+|[^\w\s]", rest)[:4]:
            if not re.fullmatch(r"[a-z][\w'’-]*", word) or word in NP_STOP or word in VERBISH:
                break
            words.append(word)
        if words:
            return " ".join(words)
    return None


_ARTICLES = frozenset({"the", "a", "an"})
_LINKS = _ARTICLES | {"of", "for"}  # words inside a subject ("the mayor of Fenwick") that never end one
SUBJECT_WORDS = 6  # the longest subject read: a longer run of words is a clause, not a name for something


def _without_opening_clause(outside: str) -> str:
    """ "Since last weekend, Initech has ..." → "Initech has ..."."""
    text = re.sub(r"^[\W_]+", "", outside)
    first = text.split(" ", 1)[0].rstrip(",")
    if first in NOT_NAMES and first not in {"The", "A", "An"} and "," in text[:80]:
        return text.split(",", 1)[1].strip()
    return text


def _ends_subject(word: str, words: Sequence[str]) -> bool:
    """Whether `word` ends the subject read so far: punctuation, a grammar word, a verb, or "Acme says"."""
    low = word.lower()
    if word in ",;:()" or (low in FUNCTION_WORDS and low not in _LINKS) or low in VERBISH or low in SPEECH_VERBS:
        return True
    if not words:
        return False
    after_name = words[-1][:1].isupper() and word.islower() and low.endswith("s")
    return after_name or low.endswith(("ed", "ing")) or low == "like"


def _subject_phrase(outside: str) -> str | None:
    """The words before the verb: "The technology industry is facing ..." → "technology industry"."""
    words: list[str] = []
    for word in re.findall(r"[\w'’-]+|[,;:()]", _without_opening_clause(outside)):
        if _ends_subject(word, words):
            break
        words.append(word)
        if len(words) >= SUBJECT_WORDS:
            break
    while words and words[-1].lower() in _LINKS:
        words.pop()
    while words and words[0].lower() in _ARTICLES:
        words.pop(0)
    if not words or words[0] in NOT_NAMES or re.search(r"['’](?:re|ve|ll|d|m)$", words[0]):
        return None
    return " ".join(words)


def _label(entity: Entity) -> str:
    """How a question names someone: "the Acme spokesperson" rather than "An Acme spokesperson"."""
    return f"the {entity.aliases[0]}" if entity.unnamed and entity.aliases else entity.name


class EntryWriter:
    """Candidate entries: one a sentence that states a figure, a date, money, or something about someone."""

    def __init__(
        self, reader: Reader, quote_ids: dict[int, list[str]], speakers: dict[int, list[Entity]], source_id: str
    ) -> None:
        self.r = reader
        self.source_id = source_id
        self.checks: dict[str, str] = {}
        self.quote_ids = quote_ids
        self.speakers = speakers
        self.phrasings: set[str] = set()
        self.ids: set[str] = set()

    def entries(self) -> list[Entry]:
        drafted = (self._entry(index, start, end) for index, (start, end) in enumerate(self.r.sentences))
        found = [entry for entry in drafted if entry is not None]
        return found + [entry for e in self.r.registry.items if (entry := self._who_is(e)) is not None]

    def _who_is(self, person: Entity) -> Entry | None:
        """ "Who is Dana Whitfield?" for everyone the article says something about, if no sentence asked it."""
        if person.kind is not Kind.PERSON or not (person.role or person.description or person.affiliation):
            return None
        question = f"Who is {_label(person)}?"
        if clean(question) in self.phrasings:
            return None
        at = person.described_at[0] if person.described_at else person.first
        start, end = next(((s, e) for s, e in self.r.sentences if s <= at < e), self.r.sentences[0])
        parts = [p for p in (person.role, person.affiliation.name if person.affiliation else None) if p]
        answer = f"{person.name}: {', '.join(parts)}." if parts else f"{person.name}."
        if person.description:
            answer = f"{answer} {person.description.rstrip('.')}."
        self.phrasings.add(clean(question))
        return Entry(
            id=unique(slugify(f"who is {_label(person)}"), self.ids),
            questions=(question,),
            answer=answer,
            evidence=(Evidence(self.source_id, squash(self.r.text[start:end])),),
            about=(person.id,),
        )

    def _entry(self, index: int, start: int, end: int) -> Entry | None:
        sentence = self.r.text[start:end].strip()
        outside = self.r.masked[start:end].replace(QUOTE_MASK, " ")
        outside_words = re.findall(r"[\w'’-]+", outside)
        if len(outside_words) < 4:
            return None  # a quotation with its attribution: quotes.yaml has it
        about: list[Entity] = []
        for entity in [e for _, e in self.r.mentions[index]] + self.speakers.get(index, []):
            if entity not in about:
                about.append(entity)
        if not FIGURE.search(outside) and not (about and len(outside_words) >= 6):
            return None
        question, focus = self._question(index, outside, about)
        self.phrasings.add(clean(question))
        keywords = [m.group().strip() for m in MONEY.finditer(outside)]
        keywords += [w for w in re.findall(r"\b\d[\d,.]*\d\b", outside) if not any(w in k for k in keywords)]
        return Entry(
            id=unique(slugify(focus), self.ids),
            questions=(question,),
            answer=squash(re.sub(r'""+', '"', sentence)),  # a stray doubled quote is no part of an answer
            evidence=(Evidence(self.source_id, squash(sentence)),),
            keywords=tuple(dict.fromkeys(k.rstrip(".,") for k in keywords)),
            quotes=tuple(self.quote_ids.get(index, [])),
            about=tuple(e.id for e in about),
        )

    def _question(self, index: int, outside: str, about: Sequence[Entity]) -> tuple[str, str]:
        """The first unused phrasing, most specific first, and the words its id is made from."""
        forms = [
            *self._who_forms(index, about),
            *_figure_forms(outside, about),
            *_date_forms(outside),
            *self._subject_forms(index, outside, about),
        ]
        figure = re.search(r"\b\d[\d,.]*%?(?:\s+[a-z][\w-]*)?", outside)
        if figure:
            forms.append((f"What does the story say about {figure.group()}?", figure.group()))
        for question, focus in forms:
            if clean(question) not in self.phrasings:
                return question, focus
        return self._distinct_question(outside, about)

    def _who_forms(self, index: int, about: Sequence[Entity]) -> list[tuple[str, str]]:
        """ "Who is X?" for each person the sentence describes."""
        start, end = self.r.sentences[index]
        return [
            (f"Who is {_label(person)}?", f"who is {_label(person)}")
            for person in about
            if person.kind is Kind.PERSON
            and any(start <= at < end for at in person.described_at)
            and (person.role or person.description)
        ]

    def _subject_forms(self, index: int, outside: str, about: Sequence[Entity]) -> list[tuple[str, str]]:
        """ "What does the story say about X?": the sentence's named subject, its subject phrase, the rest."""
        forms: list[tuple[str, str]] = []
        start = self.r.sentences[index][0]
        # The sentence's subject, when it is someone the story names: "Globex has won ...".
        lead = next(
            (e for at, e in self.r.mentions[index] if len(self.r.masked[start:at].replace(QUOTE_MASK, "")) < 40),
            None,
        )
        if lead is not None:
            forms.append((f"What does the story say about {_label(lead)}?", lead.name))
        subject = _subject_phrase(outside)
        if subject and not any(subject.casefold() in {n.casefold() for n in e.names} for e in about):
            forms.append((f"What does the story say about {subject}?", subject))
        forms += [(f"What does the story say about {_label(e)}?", e.name) for e in about]
        return forms

    def _distinct_question(self, outside: str, about: Sequence[Entity]) -> tuple[str, str]:
        """Every plain form is taken: tell this one apart by the sentence's own words."""
        topic = about[0].name if about else "this"
        named = {w.casefold() for e in about for n in e.names for w in n.split()}
        words = [w for w in content_words(outside) if w.casefold() not in named][:3]
        question = f"What does the story say about {topic} and {' '.join(words)}?"
        n = 2
        while clean(question) in self.phrasings:
            question, n = f"What does the story say about {topic} and {' '.join(words)} ({n})?", n + 1
        return question, f"{topic} {' '.join(words)}"


def _figure_forms(outside: str, about: Sequence[Entity]) -> list[tuple[str, str]]:
    """ "How many police departments?", "What is the $2.5 million about?", "What is the 25-year lease?"."""
    forms: list[tuple[str, str]] = []
    count = _count_phrase(outside)
    if count:
        forms.append((f"How many {count}?", f"how many {count}"))
    money = MONEY.search(outside)
    if money:
        amount = money.group().strip()
        forms.append((f"What is the {amount} about?", f"{about[0].name if about else ''} {amount}"))
    compound = FIGURE_COMPOUND.search(outside)
    if compound:
        forms.append((f"What is the {compound.group(1)}?", compound.group(1)))
    return forms


def _date_forms(outside: str) -> list[tuple[str, str]]:
    """ "What happened in 2019?", "What happened on Tuesday?"."""
    forms: list[tuple[str, str]] = []
    date = DAY_DATE.search(outside) or YEAR.search(outside) or RELATIVE_DATE.search(outside)
    if date:
        before = outside[: date.start()].split()
        prep = before[-1].lower() if before and before[-1].lower() in {"since", "in", "until", "by"} else ""
        when = date.group()
        prep = prep or ("on" if DAY_DATE.fullmatch(when) else "" if RELATIVE_DATE.fullmatch(when) else "in")
        forms.append((squash(f"What happened {prep} {when}?"), f"{prep} {when}"))
    weekday = WEEKDAY.search(outside)
    if weekday:
        when = weekday.group() if weekday.group().startswith("on") else f"on {weekday.group()}"
        forms.append((f"What happened {when}?", when))
    return forms
