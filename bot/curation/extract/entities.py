"""The people and organisations an article names: found, merged under one name, and given a kind."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from bot.curation.extract.names import Name, Tok, adjacent, org_like, read_name, tokens, walk_forward
from bot.curation.extract.sentences import paragraphs, quote_spans, sentence_bounds
from bot.curation.extract.vocabulary import (
    CONNECTORS,
    HE_WORDS,
    HONORIFIC_GENDER,
    NOT_NAMES,
    ORG_SUFFIX_LOWER,
    ORG_WORDS,
    QUOTE_MASK,
    SHE_WORDS,
    TITLES,
    is_acronym,
    squash,
)
from bot.knowledge.model import Kind

# Single capitalised words met outside attributions: where each was written, and whether there it
# opened its sentence (where any word is capitalised).
Counts = dict[str, list[tuple[int, bool]]]


@dataclass(slots=True)
class Entity:
    name: str
    kind: Kind
    first: int
    aliases: list[str] = field(default_factory=list)
    role: str | None = None
    affiliation: Entity | None = None
    description: str | None = None
    check: str | None = None
    speaker: bool = False
    unnamed: bool = False  # "an Acme spokesperson"
    person_signal: bool = False  # a role, title, pronoun or possessive shows a person
    gender: str | None = None  # "he" or "she" when the text reveals it; "both" when it contradicts itself
    id: str = ""
    told: list[str] = field(default_factory=list)
    described_at: list[int] = field(default_factory=list)  # where an appositive says who they are

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]

    def add_alias(self, alias: str) -> None:
        if alias and alias.casefold() not in {n.casefold() for n in self.names}:
            self.aliases.append(alias)


class _Registry:
    def __init__(self) -> None:
        self.items: list[Entity] = []

    def find(self, name: str) -> Entity | None:
        key = squash(name).casefold()
        for entity in self.items:
            if key in {n.casefold() for n in entity.names}:
                return entity
        return None

    def person(self, name: str, at: int) -> Entity:
        name = squash(name)
        found = self.find(name)
        if found is not None:
            return found
        parts = name.split()
        persons = [e for e in self.items if e.kind is Kind.PERSON and not e.unnamed]
        if len(parts) == 1:
            # "Reyes said": the surname of someone introduced in full.
            matches = [e for e in persons if len(e.name.split()) > 1 and e.name.split()[-1] == name]
            if len(matches) == 1:
                return matches[0]
        else:
            for entity in persons:
                if entity.name == parts[-1]:  # a surname seen first, now the full name
                    entity.name = name
                    entity.first = min(entity.first, at)
                    entity.add_alias(parts[-1])
                    return entity
        entity = Entity(name, Kind.PERSON, at)
        if len(parts) > 1:
            entity.add_alias(parts[-1])
        self.items.append(entity)
        return entity

    def organisation(self, name: str, at: int) -> Entity:
        name = squash(name)
        found = self.find(name)
        if found is not None:
            return found
        entity = Entity(name, Kind.ORGANISATION, at)
        words = name.split()
        if len(words) > 1 and is_acronym(words[0]) and words[-1] in ORG_SUFFIX_LOWER:
            entity.add_alias(words[0])  # "GMB union" → "GMB"
        self.items.append(entity)
        return entity


class Reader:
    """An article's quotations, sentences and the people and organisations it names.

    `ArticleReader` (attributions.py) adds who said what; this part finds and settles the names.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = quote_spans(text)
        self.sentences = sentence_bounds(text, self.spans)
        self.paragraph = paragraphs(text, self.sentences)
        self.hometowns: set[str] = set()  # "Maria Diaz of Ashford": places named beside a person
        masked = list(text)
        for span in self.spans:
            for pos in range(span.mark_start, span.mark_end):
                if not text[pos].isspace():
                    masked[pos] = QUOTE_MASK
        self.masked = "".join(masked)
        self.lower_words = set(re.findall(r"\b[a-z][\w'’-]*\b", self.masked))
        self.toks = [tokens(self.masked[s:e], s) for s, e in self.sentences]
        self.registry = _Registry()
        self.mentions: list[list[tuple[int, Entity]]] = [[] for _ in self.sentences]

    def _entity_for(self, name: Name, *, speaker: bool) -> Entity:
        person, of, rest = name.name.partition(" of ")
        if of and not org_like(name.name) and len(person.split()) >= 2:
            # "Maria Diaz of Ashford": a person and where they are from, not a name of four words.
            self.hometowns.add(rest)
            name = replace(name, name=person)
        if org_like(name.name):
            entity = self.registry.organisation(name.name, name.start)
        else:
            entity = self.registry.person(name.name, name.start)
            if name.role:
                entity.role = entity.role or name.role
                entity.person_signal = True
            if name.honorific:
                entity.person_signal = True
                if name.honorific in HONORIFIC_GENDER:
                    self._gender(entity, HONORIFIC_GENDER[name.honorific])
        if name.owner:
            owner = self.registry.organisation(name.owner, name.start)
            if entity.kind is Kind.PERSON and owner is not entity:
                entity.affiliation = entity.affiliation or owner
                entity.person_signal = True
                entity.add_alias(f"{name.owner}'s {entity.name}")
        entity.speaker = entity.speaker or speaker
        return entity

    def _gender(self, entity: Entity, gender: str) -> None:
        entity.gender = gender if entity.gender in (None, gender) else "both"

    def _named(self, toks: Sequence[Tok], first: int, last: int, *, speaker: bool) -> Entity | None:
        name = read_name(toks, first, last, self.text)
        return None if name is None else self._entity_for(name, speaker=speaker)

    def merge(self, keep: Entity, drop: Entity) -> None:
        """One real-world name: `drop`'s names become `keep`'s aliases, and every reference follows."""
        for name in drop.names:
            keep.add_alias(name)
        keep.speaker = keep.speaker or drop.speaker
        keep.person_signal = keep.person_signal or drop.person_signal
        keep.role = keep.role or drop.role
        keep.description = keep.description or drop.description
        keep.affiliation = keep.affiliation or (drop.affiliation if drop.affiliation is not keep else None)
        keep.first = min(keep.first, drop.first)
        keep.told += drop.told
        keep.described_at += drop.described_at
        if drop.gender is not None:
            self._gender(keep, drop.gender)
        self.forget(drop, keep)

    def forget(self, entity: Entity, replacement: Entity | None = None) -> None:
        """Take `entity` out of the registry; whatever pointed at it points at `replacement`."""
        self.registry.items.remove(entity)
        for other in self.registry.items:
            if other.affiliation is entity:
                other.affiliation = replacement if replacement is not other else None

    def occurrences(self, name: str, *, any_case: bool = False) -> list[tuple[int, int]]:
        """Where `name` is written in the article (in the case given), as (start, end) offsets."""
        body = re.sub(r"['’]", "['’]", re.escape(name).replace("\\ ", r"\s+"))
        flags = re.IGNORECASE if any_case else 0
        return [(m.start(), m.end()) for m in re.finditer(rf"(?<![\w]){body}(?![\w])", self.masked, flags)]

    def read_names(self) -> None:
        """Organisations and people named outside attributions: possessives, acronyms, recurring names."""
        counts: Counts = {}
        for toks in self.toks:
            i = 0
            while i < len(toks):
                last = walk_forward(toks, i, self.text)
                if last is None:
                    i += 1
                    continue
                sentence_start = i == 0 or toks[i - 1].text == QUOTE_MASK
                if sentence_start and last > i and self._common_opening(toks, i):
                    i += 1  # "Parents on Elm Street": the name starts after the sentence's first word
                    continue
                self._read_run(toks, i, last, sentence_start, counts)
                i = last + 1
        self._recurring_names(counts)

    def _recurring_names(self, counts: Counts) -> None:
        """A capitalised word used more than once, not always where a sentence starts: an organisation."""
        person_parts = {
            part for e in self.registry.items if e.kind is Kind.PERSON for n in e.names for part in n.split()
        }
        covered = self._longer_names()
        for word, found in counts.items():
            positions = [(at, initial) for at, initial in found if not any(s <= at < e for s, e in covered)]
            if len(positions) < 2 or word.lower() in self.lower_words or word in person_parts:
                continue
            if not all(initial for _, initial in positions) and self.registry.find(word) is None:
                entity = self.registry.organisation(word, min(at for at, _ in positions))
                entity.check = "kind guessed from a capitalised name used more than once; could be a place or product"

    def _longer_names(self) -> list[tuple[int, int]]:
        """Where names of several words are written: "Harbor" in "Friends of the Harbor" is no name of its own."""
        return [
            (m.start(), m.end())
            for e in self.registry.items
            for n in e.names
            if " " in n
            for m in re.finditer(re.escape(n).replace("\\ ", r"\s+"), self.masked, re.IGNORECASE)
        ]

    def _common_opening(self, toks: Sequence[Tok], i: int) -> bool:
        """A sentence's capitalised first word joined to a name by a connector: "Parents on Elm Street"."""
        word = toks[i].text
        if i + 1 >= len(toks) or toks[i + 1].text not in CONNECTORS or word in ORG_WORDS or is_acronym(word):
            return False
        return word.lower() in self.lower_words or (word.endswith("s") and not word.endswith("ss"))

    def _read_run(self, toks: Sequence[Tok], i: int, last: int, sentence_start: bool, counts: Counts) -> None:
        """The name written in tokens `i` to `last` (and any organisation word after them, "Acme Union")."""
        while (
            not (sentence_start and last == i and not is_acronym(toks[i].text))  # "City council approves"
            and last + 1 < len(toks)
            and toks[last + 1].text in ORG_SUFFIX_LOWER
            and adjacent(toks[last], toks[last + 1], self.text)
        ):
            last += 1
        name = read_name(toks, i, last, self.text)
        if name is None:
            return
        if name.owner is not None:
            owned = self.registry.find(name.name)
            if owned is not None and owned.kind is Kind.PERSON:
                self._entity_for(name, speaker=owned.speaker)
            else:
                self._count(name.owner, name.start, sentence_start, counts)
                self._count(name.name, name.start, False, counts)
            return
        known = self.registry.find(name.name)
        if known is not None:
            if known.kind is Kind.PERSON and name.honorific in HONORIFIC_GENDER:
                self._gender(known, HONORIFIC_GENDER[name.honorific])  # "Mr. Park" later on
            return
        first = sentence_start and name.start == toks[i].start  # the name opens its sentence
        self._read_new_name(name, first, i > 0 and toks[i - 1].text.lower() == "the", counts)

    def _read_new_name(self, name: Name, first: bool, after_the: bool, counts: Counts) -> None:
        """A name not met before: an organisation, someone "of" somewhere, a word to count, or a person."""
        words = name.name.split()
        if len(words) > 1 and org_like(name.name):
            self.registry.organisation(name.name, name.start)
        elif " of " in name.name and 2 <= len(name.name.partition(" of ")[0].split()) <= 3:
            self._entity_for(name, speaker=False)  # "Maria Diaz of Ashford"
        elif len(words) == 1:
            self._count(name.name, name.start, first, counts)
        elif (
            2 <= len(words) <= 3
            and not first
            and not after_the  # "the Mill River" is no person
            and all(w[:1].isupper() and not w.isupper() for w in words)
        ):
            entity = self._entity_for(name, speaker=False)
            if not entity.speaker and not entity.person_signal:
                entity.check = entity.check or "named in the story, not quoted; kind guessed from the name"

    def _count(self, word: str, at: int, initial: bool, counts: Counts) -> None:
        if len(word.split()) != 1 or len(word) < 2 or word in NOT_NAMES or word in TITLES:
            return
        if is_acronym(word):
            if self.registry.find(word) is None:
                self.registry.organisation(word, at)
            return
        if word.isupper():
            return
        counts.setdefault(word, []).append((at, initial))

    # -- mentions and pronouns --

    def read_mentions(self) -> None:
        patterns: list[tuple[re.Pattern[str], Entity]] = []
        for entity in self.registry.items:
            for name in sorted({n for n in entity.names if n}, key=len, reverse=True):
                flags = re.IGNORECASE if " " in name else 0
                body = re.sub(r"['’]", "['’]", re.escape(name).replace("\\ ", r"\s+"))
                patterns.append((re.compile(rf"(?<![\w]){body}(?![\w])", flags), entity))
        for index, (start, end) in enumerate(self.sentences):
            sentence = self.masked[start:end]
            found: list[tuple[int, int, Entity]] = []
            for pattern, entity in patterns:
                found += [(m.start(), m.end(), entity) for m in pattern.finditer(sentence)]
            found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
            taken_until = -1
            for s, e, entity in found:
                if s >= taken_until:
                    self.mentions[index].append((start + s, entity))
                    taken_until = e
        self._read_genders()

    def _read_genders(self) -> None:
        for index, (_, end) in enumerate(self.sentences):
            persons = {id(e): e for _, e in self.mentions[index] if e.kind is Kind.PERSON}
            if len(persons) != 1:
                continue
            person = next(iter(persons.values()))
            first = min(at for at, e in self.mentions[index] if e is person)
            words = {w.lower() for w in re.findall(r"[A-Za-z]+", self.masked[first:end])}
            he, she = bool(words & HE_WORDS), bool(words & SHE_WORDS)
            if he != she:
                self._gender(person, "he" if he else "she")
                person.person_signal = True

    def settle_kinds(self) -> None:
        """A one-word speaker with nothing marking a person ("Globex said") is more likely an organisation."""
        for entity in self.registry.items:
            if entity.kind is not Kind.PERSON or entity.unnamed or len(entity.name.split()) > 1:
                continue
            if entity.person_signal:
                continue
            mentions = sum(1 for found in self.mentions for _, e in found if e is entity)
            if is_acronym(entity.name) or mentions >= 3:
                entity.kind = Kind.ORGANISATION
                entity.check = "kind guessed: named alone several times with nothing marking a person"
            else:
                entity.check = "kind guessed: named only as one word; is this a person or an organisation?"
