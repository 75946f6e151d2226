"""One entity per real-world name, and the right kind for each: person, organisation or place.

Runs after the names are read: abbreviations and short forms join the full name they stand for
("Clear Valley Water Authority (CVWA)", "City FC" for "Ashford City FC"), places leave the registry
(the knowledge model has no kind for them), and a two-word "person" that the text treats as an
organisation ("Northgate Vision, a software company") becomes one.
"""

from __future__ import annotations

import re

from bot.curation.extract.entities import Entity, Reader
from bot.curation.extract.names import org_like
from bot.curation.extract.vocabulary import (
    CONNECTORS,
    HE_WORDS,
    INSTITUTION_WORDS,
    NOT_NAMES,
    ORG_NOUNS,
    PLACE_LEADS,
    PLACE_NOUNS,
    PLACE_PREFIXES,
    PLACE_WORDS,
    SHE_WORDS,
    SURNAME_PLACE_WORDS,
    is_acronym,
    squash,
    strip_possessive,
)
from bot.knowledge.model import Kind

# News writing names a person in full once, then by surname; a name repeated in full this often, and
# never by its last word, is an organisation's ("Northgate Vision ... Northgate Vision").
FULL_NAME_REPEATS = 2
_NAME = r"[A-Z][\w&'’.-]*(?:\s+(?:(?:of|for|the|and|on|&|de)\s+){0,2}[A-Z][\w&'’.-]*)*"
_ABBREVIATED = re.compile(rf"(?P<name>{_NAME})\s*\((?P<abbr>[A-Z][A-Za-z&]{{1,9}})\)")
# Words that end the head of a noun phrase: "a member of the group" is a member, not a group.
_LINKS = r"(?:of|at|for|in|with|from|on|to|by|and|who|that)"
_ORG_NOUN = "|".join(sorted(ORG_NOUNS, key=len, reverse=True))
# What follows an organisation's name and never a person's.
_ORG_AFTER = re.compile(
    rf"^(?:\s*,\s+(?:a|an|the|its)\s+(?:(?!{_LINKS}\b)[\w'’-]+\s+){{0,4}}?(?:{_ORG_NOUN})\b"  # ", a software firm"
    r"|\s*,\s+which\b"  # ", which makes ..."
    r"|\s+(?:officials|executives|employees|staff|spokesperson|spokesman|spokeswoman|representatives)\b"
    r"|\s+(?:said|says|wrote|announced)\s+in\s+a\s+(?:statement|news release|press release|filing)\b)",
    re.IGNORECASE,
)
# What comes before an organisation's name: "the software company Northgate Vision".
_ORG_BEFORE = re.compile(
    rf"(?:\b(?:the|a|an)\s+(?:[\w'’-]+\s+){{0,2}}?(?:{_ORG_NOUN})(?:\s+(?:known as|called|named))?"
    r"|\bstatement from)\s+$",
    re.IGNORECASE,
)
# What follows a place's name: "Ashford's mayor", "Ashford residents", "an Ashford-based developer".
_PLACE_FOLLOWS = re.compile(
    r"(?:['’]s\s+(?:mayor|governor|residents|downtown|streets|neighbou?rhoods|suburbs|city|town|county)\b"
    r"|\s+(?:residents|voters|homeowners|site|property|parcel|neighbou?rhood|waterfront)\b|-based\b"
    r"|\s+(?:city|town|county)\s+[a-z]"  # "Ashford city officials"
    r"|\s*,\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?(?:town|city|village|suburb|county|neighbou?rhood|borough|region)\b(?!['’]))",
    re.IGNORECASE,
)
_PLACE_NOUN = "|".join(sorted(PLACE_NOUNS, key=len, reverse=True))
_PLACE_APPOSITIVE = re.compile(
    rf"^\s*,\s+(?:a|an|the)\s+(?:(?!{_LINKS}\b)[\w'’-]+\s+){{0,3}}?(?:{_PLACE_NOUN})\b(?!['’])", re.IGNORECASE
)
# "the Rovers" is an organisation's short form; a person's surname comes without "the".
_THE = re.compile(r"\bthe\s+$", re.IGNORECASE)
# Words before a many-word place's name: "on Elm Street", "at Riverside Stadium", "the Mill River".
_PLACED = re.compile(
    r"\b(?:in|on|at|near|along|outside|across|to|from|into|onto|around|toward|towards|through|off|past|the)\s+$",
    re.IGNORECASE,
)
# A dateline ("RIVERTON, Ohio —") opens the article: within this many characters of its start.
DATELINE_WITHIN = 300
_DATELINE = re.compile(r"(?m)^\s*(?P<place>[A-Z][A-Z.'’ -]+?)(?:,\s*[A-Z][\w. ]+?)?\s*(?:—|–|-{1,2}|\()")


def initials(name: str) -> str:
    """ "Federal Bureau of Investigation" → "FBI": the capitals of its words, connectors left out."""
    return "".join(w[0] for w in name.split() if w not in CONNECTORS and w[:1].isupper())


def merge_abbreviations(reader: Reader) -> None:
    """ "the Clear Valley Water Authority (CVWA)", and a bare "FBI" for a "Federal Bureau of Investigation"."""
    for match in _ABBREVIATED.finditer(reader.masked):
        words = match.group("name").split()
        while words and words[0] in NOT_NAMES:
            words = words[1:]
        abbr = match.group("abbr")
        if len(words) < 2:
            continue
        # The words the abbreviation stands for: as many as it has letters, if they fit, else all.
        name = " ".join(words)
        for k in range(len(words), 1, -1):
            if initials(" ".join(words[-k:])) == abbr:
                name = " ".join(words[-k:])
                break
        full = reader.registry.find(name) or reader.registry.organisation(name, match.start("name"))
        short = reader.registry.find(abbr)
        if short is not None and short is not full:
            reader.merge(full, short)
        full.add_alias(abbr)
    for entity in list(reader.registry.items):
        if entity.kind is not Kind.ORGANISATION or not is_acronym(entity.name):
            continue
        longer = [
            e
            for e in reader.registry.items
            if e is not entity and len(e.name.split()) > 1 and initials(e.name) == entity.name
        ]
        if len(longer) == 1:
            reader.merge(longer[0], entity)


def merge_short_forms(reader: Reader) -> None:
    """ "City FC" for "Ashford City FC", "Northgate" for "Northgate Vision", when only one name fits.

    Merged are organisations, and "persons" nothing marks as people (a short form read as a name).

    A first word stands for a company ("Northgate"), not for an institution named after its town:
    "Harlow" beside "Harlow University" is the town.
    """
    for entity in sorted(reader.registry.items, key=lambda e: len(e.name.split())):
        if entity not in reader.registry.items or entity.unnamed or _marked_person(entity):
            continue
        words = entity.name.split()
        fits = [
            other
            for other in reader.registry.items
            if other is not entity
            and other.kind is Kind.ORGANISATION
            and len(other.name.split()) > len(words)
            and _short_form(words, other)
        ]
        if len(fits) == 1 and not (len(words) == 1 and _place_evidence(reader, entity.name)):
            reader.merge(fits[0], entity)


def _short_form(words: list[str], organisation: Entity) -> bool:
    """ "City FC" (its last words), "Mercy Valley" (its first words), "Northgate" (a company's first word)."""
    full = organisation.name.split()
    if len(words) > 1:
        return full[-len(words) :] == words or full[: len(words)] == words
    return full[0] == words[0] and not any(strip_possessive(w) in INSTITUTION_WORDS for w in full)


def settle_places(reader: Reader) -> list[str]:
    """Take the places out of the registry and return their names, in order of appearance."""
    datelines = {squash(m.group("place")).casefold() for m in _DATELINE.finditer(reader.text)}
    places: list[str] = []
    for entity in sorted(reader.registry.items, key=lambda e: e.first):
        dateline = entity.name.casefold() in datelines and entity.first < DATELINE_WITHIN
        if not dateline and (entity.unnamed or entity.speaker or _marked_person(entity)):
            continue
        if dateline or entity.name in reader.hometowns or _is_place(reader, entity):
            reader.forget(entity)
            places.append(entity.name.title() if entity.name.isupper() else entity.name)
    return places


def _is_place(reader: Reader, entity: Entity) -> bool:
    words = entity.name.split()
    if len(words) == 1:
        return not is_acronym(entity.name) and _place_evidence(reader, entity.name)
    if len(words) > 2 and words[0] in PLACE_WORDS and words[1] == "of":
        return True  # "City of Ashford", "County of Kent"
    if _described_as_place(reader, entity.name):
        return True
    if org_like(entity.name):
        return False
    # "Alan Park" is a person: a place's name also stands where places go ("on Elm Street").
    last = strip_possessive(words[-1])
    named_as_place = (
        last in PLACE_WORDS
        and not _surname_alone(reader, entity)
        and (last not in SURNAME_PLACE_WORDS or _placed(reader, entity.name))
    )
    return (
        named_as_place
        or words[0] in PLACE_PREFIXES  # "East Ashford", "Port Ellis", "Fort Collins"
        or _place_evidence(reader, entity.name)  # "in New Haven", "Glen Ridge residents"
    )


def settle_organisations(reader: Reader) -> None:
    """A name of two or three words drafted as a person, which the text treats as an organisation."""
    for entity in reader.registry.items:
        if entity.kind is not Kind.PERSON or entity.unnamed or _marked_person(entity):
            continue
        if len(entity.name.split()) < 2 or _surname_alone(reader, entity):
            continue
        full_name_again = len(reader.occurrences(entity.name)) >= FULL_NAME_REPEATS
        if _org_evidence(reader, entity) or (full_name_again and not entity.speaker):
            entity.kind = Kind.ORGANISATION
            surname = entity.name.split()[-1]
            if not reader.occurrences(
                f"the {surname}", any_case=True
            ):  # "the Rovers" is a short form; "Vision" is none
                entity.aliases = [a for a in entity.aliases if a != surname]
            entity.check = "kind from the text: named as an organisation would be, never by a surname alone"


def _marked_person(entity: Entity) -> bool:
    return entity.kind is Kind.PERSON and (entity.person_signal or entity.role is not None or entity.gender is not None)


def _place_evidence(reader: Reader, name: str) -> bool:
    """ "in Riverton", "the town of Ashford", "Ashford's mayor", "an Ashford-based firm": a place."""
    text = reader.masked
    return any(
        PLACE_LEADS.search(text[max(0, s - 30) : s]) or _PLACE_FOLLOWS.match(text[e : e + 80])
        for s, e in reader.occurrences(name)
    )


def _described_as_place(reader: Reader, name: str) -> bool:
    """ "Fenwick Park, the city's oldest stadium,": an appositive that names a kind of place."""
    return any(_PLACE_APPOSITIVE.match(reader.masked[e : e + 80]) for _, e in reader.occurrences(name))


def _placed(reader: Reader, name: str) -> bool:
    return any(_PLACED.search(reader.masked[max(0, s - 30) : s]) for s, _ in reader.occurrences(name))


def _surname_alone(reader: Reader, entity: Entity) -> bool:
    """Whether the last word of the name is also written on its own, as people's surnames are."""
    surname = entity.name.split()[-1]
    full = reader.occurrences(entity.name)
    return any(
        not any(s <= at < e for s, e in full) and not _THE.search(reader.masked[max(0, at - 5) : at])
        for at, _ in reader.occurrences(surname)
    )


def _org_evidence(reader: Reader, entity: Entity) -> bool:
    text = reader.masked
    for start, end in reader.occurrences(entity.name):
        if _ORG_AFTER.match(text[end : end + 80]) or _ORG_BEFORE.search(text[max(0, start - 60) : start]):
            return True
    if entity.speaker:
        return False  # "Tom Beck said its plan ...": whose "its" is unclear once the entity speaks
    # "its" in a sentence that names only this entity, and no "he" or "she".
    for index, found in enumerate(reader.mentions):
        if {id(e) for _, e in found} != {id(entity)}:
            continue
        start, end = reader.sentences[index]
        words = {w.lower() for w in re.findall(r"[A-Za-z]+", text[start:end])}
        if "its" in words and not words & (HE_WORDS | SHE_WORDS):
            return True
    return False
