"""Attributions: "X said", "said X, a professor at Y", "according to X", "an Acme spokesperson told"."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.curation.extract.appositions import apply, parse
from bot.curation.extract.entities import Entity, Reader
from bot.curation.extract.names import Tok, adjacent, name_token, org_like, read_name, walk_backward, walk_forward
from bot.curation.extract.vocabulary import (
    BEFORE_VERB,
    DETERMINERS,
    FUNCTION_WORDS,
    GENERIC_SPEAKERS,
    INVERTIBLE,
    ORG_SUFFIX_LOWER,
    PASSIVE,
    PRONOUNS,
    QUOTE_MASK,
    ROLE_NOUNS,
    SPEECH_VERBS,
    SPOKES,
    squash,
    strip_possessive,
)
from bot.knowledge.model import Kind


@dataclass(slots=True)
class Subject:
    """Who an attribution says spoke: a named entity, a pronoun, or a generic phrase ("officials")."""

    entity: Entity | None = None
    pronoun: str | None = None
    generic: str | None = None


@dataclass(slots=True)
class Clause:
    """An attribution: who (subject) said it (verb), and where in the source it is written."""

    start: int
    end: int
    verb: str
    subject: Subject
    words: str
    inverted: bool = False
    colon: bool = False
    bound: bool = False


# How far back "X, ..., said" looks for the name before the appositive, in tokens.
APPOSITIVE_TOKENS = 20
# "McConnell, however, said": an aside this short between the commas needs no role in it.
ASIDE_MAX_WORDS = 3
PARTICIPLES = frozenset({"saying", "adding"})


class ArticleReader(Reader):
    """One pass over an article: the names (see `Reader`) and the attributions ("X said")."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.clauses: list[list[Clause]] = [[] for _ in self.sentences]

    def forget(self, entity: Entity, replacement: Entity | None = None) -> None:
        super().forget(entity, replacement)
        for clauses in self.clauses:
            for clause in clauses:
                if clause.subject.entity is entity:
                    clause.subject.entity = replacement
                    if replacement is None:
                        clause.subject.generic = clause.words

    def read_attributions(self) -> None:
        for index, toks in enumerate(self.toks):
            for v, tok in enumerate(toks):
                low = tok.text.lower()
                if low == "according" and v + 1 < len(toks) and toks[v + 1].text.lower() == "to":
                    clause = self._according(toks, v)
                elif low in SPEECH_VERBS and not (v > 0 and toks[v - 1].text.lower() in PASSIVE):
                    clause = self._speech(toks, v)
                else:
                    continue
                if clause is not None:
                    self.clauses[index].append(clause)

    def _generic_before(self, toks: Sequence[Tok], b: int) -> tuple[Subject, int] | None:
        """ "An Acme spokesperson told", "a police spokesman said", "officials said"."""
        noun = toks[b].text.lower()
        if not re.fullmatch(r"[a-z][\w'’-]*", toks[b].text) or noun in FUNCTION_WORDS:
            return None
        start, determiner = b, False
        for k in range(b - 1, max(-1, b - 5), -1):
            word = toks[k].text
            if word.lower() in DETERMINERS:
                start, determiner = k, True
                break
            if not re.fullmatch(r"[\w'’&.-]+", word) or word.lower() in FUNCTION_WORDS:
                break
            start = k
        if not determiner and noun not in GENERIC_SPEAKERS:
            return None  # "... the cameras said to ..." is not a speaker
        phrase = squash(self.text[toks[start].start : toks[b].end])
        caps = [t for t in toks[start:b] if name_token(t.text) and t.text.lower() not in DETERMINERS]
        if noun in SPOKES and caps:
            org_name = squash(self.text[caps[0].start : caps[-1].end])
            org = self.registry.organisation(strip_possessive(org_name), caps[0].start)
            label = f"{org.name} {noun}"
            entity = self.registry.find(label)
            if entity is None:
                article = "An" if re.match(r"[AEIOU]", label) else "A"
                entity = Entity(f"{article} {label}", Kind.PERSON, toks[start].start, unnamed=True)
                entity.add_alias(label)
                entity.role = f"unnamed {noun}"
                entity.affiliation = org
                entity.person_signal = True
                self.registry.items.append(entity)
            entity.speaker = True
            return Subject(entity=entity), start
        return Subject(generic=phrase), start

    def _speech(self, toks: Sequence[Tok], v: int) -> Clause | None:
        """ "X said", "said X", "X, a professor at Y, said", "he said", "officials said"."""
        verb = toks[v].text.lower()
        b = v - 1
        while b >= 0 and toks[b].text.lower() in BEFORE_VERB:
            b -= 1
        start, end, inverted = toks[v].start, toks[v].end, False
        found = self._subject_before(toks, b, verb) if b >= 0 else None
        if found is not None:
            subject, at, appositive = found
            start = toks[at].start
        elif verb in INVERTIBLE and v + 1 < len(toks):
            found = self._subject_after(toks, v)
            if found is None:
                return None
            subject, last, appositive = found
            end, inverted = toks[last].end, True
        else:
            return None
        if subject.entity is not None and appositive is not None:
            self._read_appositive(subject.entity, toks, *appositive)
        if verb in ("told", "tells"):
            end = max(end, self._told(toks, v, subject))
        after = next((t for t in toks if t.start >= end), None)
        colon = after is not None and after.text == ":"
        return Clause(start, end, verb, subject, squash(self.text[start:end]), inverted, colon)

    def _subject_before(
        self, toks: Sequence[Tok], b: int, verb: str
    ) -> tuple[Subject, int, tuple[int, int] | None] | None:
        """The subject ending at token `b`, the token it starts at, and the span of its appositive."""
        word = toks[b].text
        if word.lower() in PRONOUNS:
            return Subject(pronoun=word.lower()), b, None
        if self._common_noun(toks, b):  # "Officials said", "Police say"
            return Subject(generic=word), b, None
        if name_token(word):
            first = walk_backward(toks, b, self.text)
            entity = None if first is None else self._named(toks, first, b, speaker=True)
            if entity is None or first is None:
                return None
            return Subject(entity=entity), self._role_before(toks, first, entity), None
        if word == ",":
            return self._subject_with_appositive(toks, b, verb)
        generic = self._generic_before(toks, b)
        return None if generic is None else (generic[0], generic[1], None)

    def _subject_with_appositive(
        self, toks: Sequence[Tok], b: int, verb: str
    ) -> tuple[Subject, int, tuple[int, int] | None] | None:
        """ "Ana Reyes, deputy director of ..., said", "McConnell, however, said"."""
        if verb in PARTICIPLES:  # "Families sued X, saying ...": the sentence's subject says it
            return None
        for k in range(b - 1, max(-1, b - APPOSITIVE_TOKENS), -1):
            if toks[k].text == QUOTE_MASK:
                return None
            if toks[k].text == "," and k > 0 and name_token(toks[k - 1].text):
                segment = self.text[toks[k + 1].start : toks[b - 1].end] if k + 1 < b else ""
                if parse(segment) is None and len(segment.split()) > ASIDE_MAX_WORDS:
                    return None  # not an appositive: "DATELINE, State — Families sued ..., saying"
                first = walk_backward(toks, k - 1, self.text)
                entity = None if first is None else self._named(toks, first, k - 1, speaker=True)
                if entity is None or first is None:
                    return None
                return Subject(entity=entity), first, (k + 1, b)
        return None

    def _subject_after(self, toks: Sequence[Tok], v: int) -> tuple[Subject, int, tuple[int, int] | None] | None:
        """`"...," said X`: the subject after the verb, its last token, and the span of its appositive."""
        nxt = toks[v + 1].text
        if nxt.lower() in PRONOUNS:
            return Subject(pronoun=nxt.lower()), v + 1, None
        if nxt.lower() in DETERMINERS or nxt in GENERIC_SPEAKERS:
            # `"...," said one witness` / `said an Acme spokesperson`
            e = v + 1
            while e + 1 < len(toks) and e - v < 5 and re.fullmatch(r"[\w'’&-]+", toks[e + 1].text):
                if toks[e + 1].text.lower() in FUNCTION_WORDS:
                    break
                e += 1
            found = self._generic_before(toks, e)
            return (found[0], e, None) if found is not None and found[1] == v + 1 else None
        if not name_token(nxt):
            return None
        last = walk_forward(toks, v + 1, self.text)
        entity = None if last is None else self._named(toks, v + 1, last, speaker=True)
        if entity is None or last is None:
            return None
        appositive = None
        if last + 1 < len(toks) and toks[last + 1].text == ",":
            appositive = (last + 2, self._segment_end(toks, last + 2))
        return Subject(entity=entity), last, appositive

    def _common_noun(self, toks: Sequence[Tok], i: int) -> bool:
        """A capitalised word only because it begins the sentence: "Critics said"."""
        word = toks[i].text
        initial = i == 0 or toks[i - 1].text == QUOTE_MASK
        return initial and word[:1].isupper() and (word.lower() in GENERIC_SPEAKERS or word.lower() in self.lower_words)

    def _role_before(self, toks: Sequence[Tok], first: int, entity: Entity) -> int:
        """ "Acme spokesman John Doe said": a lowercase role (and its organisation) just before a name.

        Returns the first token of the whole attribution.
        """
        k = first - 1
        if entity.kind is not Kind.PERSON or k < 0 or toks[k].text not in ROLE_NOUNS:
            return first
        if not adjacent(toks[k], toks[first], self.text):
            return first
        entity.role = entity.role or toks[k].text
        entity.person_signal = True
        org_first = walk_backward(toks, k - 1, self.text) if k > 0 else None
        if org_first is not None and adjacent(toks[k - 1], toks[k], self.text):
            org = read_name(toks, org_first, k - 1, self.text)
            if org is not None and org.owner is None:
                entity.affiliation = entity.affiliation or self.registry.organisation(org.name, org.start)
                return org_first
        return k

    def _segment_end(self, toks: Sequence[Tok], i: int) -> int:
        j = i
        while j < len(toks) and toks[j].text not in {",", ";", QUOTE_MASK, "(", ")", "—", "–"}:
            j += 1
        return j

    def _read_appositive(self, entity: Entity, toks: Sequence[Tok], i: int, j: int) -> None:
        """ "deputy director of the digital advocacy nonprofit Friends of the River", "a professor at X"."""
        if entity.kind is not Kind.PERSON or i >= j or j > len(toks):
            return
        apposition = parse(self.text[toks[i].start : toks[j - 1].end])
        if apposition is not None:
            apply(self, entity, apposition, toks[i].start)
        # ", who serves as ..." after the appositive describes the person.
        k = j + 1
        if k < len(toks) and toks[k].text.lower() == "who" and toks[j].text == ",":
            sentence_end = next(e for s, e in self.sentences if s <= toks[k].start < e)
            if k + 1 < len(toks):
                self._describe(entity, self.text[toks[k + 1].start : sentence_end], toks[k].start)

    def _describe(self, entity: Entity, clause: str, at: int) -> None:
        clause = squash(clause)
        if clause and not entity.description:
            entity.description = clause[0].upper() + clause[1:]
            entity.described_at.append(at)

    def _told(self, toks: Sequence[Tok], v: int, subject: Subject) -> int:
        """ "told Protocol", "told the Associated Press": who was told (an outlet, usually)."""
        i = v + 1
        the = i < len(toks) and toks[i].text.lower() == "the"
        if the:
            i += 1
        last = walk_forward(toks, i, self.text)
        if last is None:
            return toks[v].end
        name = read_name(toks, i, last, self.text)
        if name is None:
            return toks[v].end
        if the or org_like(name.name) or len(name.name.split()) == 1:
            target = self.registry.organisation(name.name, name.start)
        else:
            target = self.registry.person(name.name, name.start)
        if subject.entity is not None:
            subject.entity.told.append(target.name)
        return toks[last].end

    def _according(self, toks: Sequence[Tok], v: int) -> Clause | None:
        i = v + 2
        while i < len(toks) and toks[i].text.lower() in DETERMINERS:
            i += 1
        last = walk_forward(toks, i, self.text)
        subject: Subject | None = None
        end = toks[min(i, len(toks) - 1)].end
        if last is not None:
            while last + 1 < len(toks) and toks[last + 1].text in ORG_SUFFIX_LOWER:
                last += 1
            entity = self._named(toks, i, last, speaker=True)
            if entity is not None:
                subject, end = Subject(entity=entity), toks[last].end
                if last + 1 < len(toks) and toks[last + 1].text == ",":
                    self._read_appositive(entity, toks, last + 2, self._segment_end(toks, last + 2))
        else:
            j = i
            while j < len(toks) and re.fullmatch(r"[a-z][\w-]*", toks[j].text) and j - i < 4:
                j += 1
            if j > i and toks[j - 1].text.lower() in GENERIC_SPEAKERS:
                subject, end = (
                    Subject(generic=squash(self.text[toks[v + 2].start : toks[j - 1].end])),
                    toks[j - 1].end,
                )
        if subject is None:
            return None
        start = toks[v].start
        return Clause(start, end, "according to", subject, squash(self.text[start:end]))

    # -- other names --
