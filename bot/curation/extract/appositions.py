"""Roles and affiliations the text states beside a name.

- after it: "Dana Whitfield, a data scientist at Harlow University,", "Tom Reyes, who voted against";
- before it: "Council member Ana Ruiz", "the club's chairman, Tom Beck,", "Harlow University's provost,".

An appositive that names a kind of organisation ("Carver Baines, a construction firm") gives no role:
it says what the entity is, which `kinds` reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.curation.extract.entities import Entity, Reader
from bot.curation.extract.names import org_like
from bot.curation.extract.vocabulary import (
    NOT_NAMES,
    ORG_NOUNS,
    PLACE_NOUNS,
    PLACE_ROLES,
    QUOTE_MASK,
    ROLE_WORDS,
    squash,
    strip_possessive,
)
from bot.knowledge.model import Kind

# A role has at most this many words ("deputy director"); the whole appositive, with the organisation
# and what it is ("of the digital advocacy nonprofit Friends of the River"), at most APPOSITIVE_MAX_WORDS.
ROLE_MAX_WORDS = 6
APPOSITIVE_MAX_WORDS = 16

_PREPOSITION = r"(?:at|of|with|for|from|in)"
# "a professor at X", "works for X": X is an employer. "a resident of X", "a nurse in X": X may be a
# place, so it is taken as an organisation only when its name says so ("Harlow General Hospital").
_EMPLOYER_PREPOSITIONS = frozenset({"at", "with", "for"})
_ROLE_AT = re.compile(
    rf"^(?:(?:a|an|the)\s+)?(?P<role>[a-z][\w'’ -]*?)\s+(?P<prep>{_PREPOSITION})\s+(?:the\s+)?"
    rf"(?P<desc>(?:(?!{_PREPOSITION}\s)[a-z][\w'’-]*\s+)*)"  # "the digital advocacy nonprofit ..."
    r"(?P<org>[A-Z][\w&'’.-]*(?:\s+(?:(?:of|for|the|and|on|&|de)\s+){0,2}[A-Z][\w&'’.-]*)*)$"
)
_OWNED_ROLE = re.compile(
    r"^(?P<owner>(?:the\s+)?[A-Za-z][\w&.-]*(?:\s+[A-Z][\w&.-]*)*?)(?:['’]s|(?<=s)['’])\s+(?P<role>[a-z][\w -]*)$"
)
_PLAIN_ROLE = re.compile(r"^(?:a|an|the)\s+(?P<role>[a-z][\w'’ -]*)$")
_AFTER = re.compile(rf"^,\s+(?P<segment>[^,;:()\n{QUOTE_MASK}]{{2,100}}?)\s*(?:,|;|\.(?=\s|$)|$)")
_ROLE_WORD = "|".join(sorted((re.escape(w) for w in ROLE_WORDS), key=len, reverse=True))
# "Council member ", "board member ", "team owner ": a role right before the name, no comma.
_BEFORE = re.compile(rf"(?:\b(?P<cap>[A-Z][\w'’-]*)\s+)?(?P<role>(?:[a-z][\w-]*\s+)?(?:{_ROLE_WORD}))\s+$")
# "the club's chairman, ", "Harlow University's provost, ": an owned role, then a comma.
_BEFORE_COMMA = re.compile(
    rf"(?P<owner>\b(?:[Tt]he\s+[a-z]+|[A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)*))(?:['’]s|(?<=s)['’])\s+"
    rf"(?P<role>(?:[a-z][\w-]*\s+)?(?:{_ROLE_WORD})),\s+$"
)
_OPENING = re.compile(
    rf"^(?P<name>[A-Z][a-z][\w'’-]*(?:\s+[A-Z][a-z][\w'’-]*){{1,2}}),\s+"
    rf"(?P<segment>(?:a|an|the)\s[^,;:()\n{QUOTE_MASK}]{{2,100}}?)\s*,"
)
_NOT_ROLES = frozenset({"said", "says", "told", "and", "or", "with", "by", "to", "of", "the", "a", "an"})


# Endings of nouns for people: scientist, chairman, lawyer, senior, student, veteran, employee, executive.
_PERSON_SUFFIX = re.compile(r"(?:ist|man|woman|person|er|or|ian|an|ant|ent|ee|ive|ary|ic|ess)$")
# Nouns with those endings that name things and places: "the city's convention center".
_THING_NOUNS = frozenset(
    [
        "center",
        "centre",
        "theater",
        "theatre",
        "tower",
        "corner",
        "quarter",
        "shelter",
        "harbor",
        "harbour",
        "border",
        "river",
        "water",
        "sewer",
        "warehouse",
        "plan",
        "program",
        "programme",
        "project",
        "document",
        "letter",
        "order",
        "paper",
    ]
)


@dataclass(frozen=True, slots=True)
class Apposition:
    """What an appositive says: a role, whose (an organisation's name or "the club"), or a clause."""

    role: str | None = None
    organisation: str | None = None
    owner: str | None = None
    organisation_description: str | None = None
    description: str | None = None
    preposition: str = "at"


def parse(segment: str) -> Apposition | None:
    """Read one appositive, e.g. "a professor at Harlow University"; None when it is no role."""
    segment = squash(segment).rstrip(".")
    if segment.startswith("who "):
        return Apposition(description=segment.removeprefix("who "))
    # "a data scientist at Lakeshore University who studies sleep": the role, then a clause about them.
    segment = re.split(r"\s+(?:who|which|that|whose)\s+", segment, maxsplit=1)[0]
    words = [w.casefold() for w in re.findall(r"[\w'’-]+", segment)]
    if not words or len(words) > APPOSITIVE_MAX_WORDS or words[0] == "which":
        return None
    match = _ROLE_AT.match(segment)
    if match and len(match.group("role").split()) <= ROLE_MAX_WORDS and _person_noun(match.group("role")):
        desc = match.group("desc").strip()
        described = f"{'An' if desc[:1] in 'aeiou' else 'A'} {desc}." if desc else None
        org = strip_possessive(match.group("org"))
        return Apposition(match.group("role"), org, None, described, preposition=match.group("prep"))
    match = _OWNED_ROLE.match(segment)
    if match and len(match.group("role").split()) <= 4 and _person_noun(match.group("role")):
        return Apposition(match.group("role"), owner=match.group("owner"))
    match = _PLAIN_ROLE.match(segment)
    if match and len(words) <= ROLE_MAX_WORDS and _person_noun(match.group("role")):
        return Apposition(match.group("role"))
    return None


def _person_noun(role: str) -> bool:
    """Whether a role ends in a noun for a person: "data scientist", "chairman", "mother of three"."""
    head = re.split(r"\s+(?:of|at|for|in|with|from)\s+", role, maxsplit=1)[0].split()[-1].casefold()
    if head in ROLE_WORDS:
        return True
    return bool(_PERSON_SUFFIX.search(head)) and head not in PLACE_NOUNS and head not in _THING_NOUNS


def apply(reader: Reader, entity: Entity, apposition: Apposition, at: int) -> None:
    """Give the person what the appositive says, without replacing what is already known."""
    if entity.kind is not Kind.PERSON:
        return
    if apposition.description is not None:
        if apposition.description and not entity.description:
            entity.description = apposition.description[0].upper() + apposition.description[1:]
            entity.described_at.append(at)
        return
    entity.role = entity.role or apposition.role
    entity.person_signal = True
    entity.described_at.append(at)
    org = None
    if apposition.organisation is not None:
        known = reader.registry.find(apposition.organisation)
        if known is not None or _employer(apposition):
            org = known if known is not None else reader.registry.organisation(apposition.organisation, at)
    if org is not None:
        if apposition.organisation_description and not org.description:
            org.description = apposition.organisation_description
    elif apposition.owner is not None:
        org = owner_organisation(reader, apposition.owner)
    if org is not None and org is not entity and entity.affiliation is None:
        entity.affiliation = org


def _employer(apposition: Apposition) -> bool:
    """Whether the name after the preposition is an organisation the person works for or leads."""
    name, role = apposition.organisation or "", (apposition.role or "").split()
    if org_like(name):
        return True
    if apposition.preposition in _EMPLOYER_PREPOSITIONS and len(name.split()) > 1:
        return True  # "a teacher at Northgate" may mean the town; "at Northgate Vision" is an employer
    described = apposition.organisation_description or ""
    if any(w.casefold().strip(".") in ORG_NOUNS for w in described.split()):
        return True  # "of the digital advocacy nonprofit Friends of the River"
    return apposition.preposition == "of" and bool(role) and role[-1] in ROLE_WORDS - PLACE_ROLES


def owner_organisation(reader: Reader, owner: str) -> Entity | None:
    """ "Harlow University" or "the club": the organisation named, or the one whose name has the word."""
    words = owner.split()
    if words[0].casefold() == "the" and len(words) == 2 and words[1].islower():
        head = words[1].casefold()
        orgs = [
            e
            for e in reader.registry.items
            if e.kind is Kind.ORGANISATION and head in {w.casefold() for n in e.names for w in n.split()}
        ]
        return orgs[0] if len(orgs) == 1 else None
    found = reader.registry.find(" ".join(w for w in words if w.casefold() != "the"))
    # Not yet settled as an organisation ("the Rovers' owner" before "the Rovers" is read as one).
    unsettled = found is not None and found.kind is Kind.PERSON and not found.person_signal and not found.role
    return found if found is not None and (found.kind is Kind.ORGANISATION or unsettled) else None


def read_appositions(reader: Reader) -> None:
    """Roles beside every mention of each person the article names, not only beside attributions."""
    _read_openings(reader)
    for entity in list(reader.registry.items):
        if entity.kind is not Kind.PERSON or entity.unnamed:
            continue
        for name in sorted(entity.names, key=len, reverse=True):
            for start, end in reader.occurrences(name):
                _read_around(reader, entity, start, end)


def _read_openings(reader: Reader) -> None:
    """ "Dana Whitfield, a data scientist, counted them.": a sentence that opens with a person and their role.

    A capitalised pair opening a sentence is usually no name ("City council approves"); a role right
    after it says it is one.
    """
    for start, end in reader.sentences:
        match = _OPENING.match(reader.masked[start:end])
        if match is None or reader.registry.find(match.group("name")) is not None:
            continue
        if any(w in NOT_NAMES or w.isupper() for w in match.group("name").split()):
            continue
        apposition = parse(match.group("segment"))
        if apposition is not None and apposition.role is not None and _person_noun(apposition.role):
            entity = reader.registry.person(match.group("name"), start)
            apply(reader, entity, apposition, start)


def _read_around(reader: Reader, entity: Entity, start: int, end: int) -> None:
    text = reader.masked
    after = _AFTER.match(text[end : end + 140])
    if after:
        apposition = parse(after.group("segment"))
        if apposition is not None:
            apply(reader, entity, apposition, start)
    before = text[max(0, start - 80) : start]
    owned = _BEFORE_COMMA.search(before)
    if owned:
        apply(reader, entity, Apposition(owned.group("role").strip(), owner=owned.group("owner")), start)
        return
    plain = _BEFORE.search(before)
    if plain and not set(plain.group("role").split()) & _NOT_ROLES:
        cap = plain.group("cap")
        role = plain.group("role").strip()
        owner = None
        if cap and cap not in NOT_NAMES:
            role, owner = f"{cap} {role}", f"the {cap.casefold()}"
        apply(reader, entity, Apposition(role, owner=owner), start)
