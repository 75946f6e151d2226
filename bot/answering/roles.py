"""Role look-ups: "who runs the transit authority?", "who's the lawyer for the tenants?", "what did the
hardware store owner say?".

A question that asks for someone by the role they hold names the role (or a verb for heading something:
runs, heads, leads, chairs) and often the organisation. The people of a knowledge base carry a role and an
affiliation; the people who fit are those whose role the question names, or who head something when the
question asks who heads it, and who belong to the organisation it names (if it names one). An entry that
names one of them answers the question the way "who is <that person>?" is answered.

A reader also names a person by what they are, in their own words ("the transit chief" for the authority's
chief executive, "the activist" for a coalition's co-founder): `by_role` weighs the reader's words against
each person's role, organisation and description, stems and everyday role words (`role_forms` in
english/words.yaml) included, and names the one person who fits clearly better than anyone else, or the close
ones when two fit alike or none fits well.

General English only: the verbs and role words for heading something are listed here and in english/words.yaml;
the roles and organisations come from the knowledge base the engine serves.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.answering import answer_kinds
from bot.answering.normalize import ENGLISH, Vocabulary, general_vocabulary, is_filler
from bot.answering.quote_requests import AUDIENCE_WORDS, REPORTING_VERBS
from bot.knowledge.model import Kind, KnowledgeBase
from bot.knowledge.text import clean

# "Who runs X", "who is in charge of X", "who's the boss of X": asking who heads something.
_HEADS_ASKED = re.compile(
    r"\b(?:runs?|running|ran|heads?|headed|heading|leads?|leading|led|chairs?|chaired|chairing|directs?|directed|"
    r"manages?|managed|oversees?|oversaw|in charge|boss|leader|chief|head of|top)\b"
)
# Roles that head what a person belongs to.
_HEAD_ROLES = re.compile(
    r"\b(?:chief|head|president|director|chair|chairman|chairwoman|chairperson|leader|ceo|boss|manager|mayor|"
    r"governor|superintendent|commissioner|principal|dean|executive director|secretary general)\b",
    re.I,
)


# A reader's word found through another word of its role group ("chief" for "director") counts for less than
# the word itself, so that "the director" means the budget director before the chief executive.
FORM_MATCH = 0.8
# A word found in a description ("has run a hardware store") says less than the role and organisation do.
DESCRIBED_MATCH = 0.8
# The share of the reader's words a person must account for (in any form) to be the one meant: "the google
# ceo" (half of it) does not name the story's only chief executive.
ROLE_MATCH_MIN = 0.75
# How much better the best fit must be than the next: two people who fit about alike are never guessed between.
ROLE_MARGIN = 0.15
# A person this close is offered when a role names nobody clearly.
ROLE_SUGGEST_MIN = 0.5
# What comes after these is what is asked about, not who ("what did the chief say *about the budget*").
_TOPIC_STARTS = frozenset({"about", "abt", "regarding", "concerning", "re"})
# These may start the topic ("say *on the budget*") or still describe the person ("the researcher *on the
# council*"): the person is looked for with them first, then without.
_MAYBE_TOPIC_STARTS = frozenset({"on", "over", "when", "after", "before", "at", "in"})
# Words of a request for quotes, not of a role.
_ASKING = frozenset({"what", "how", "who", "whom", "whose", "which", "quote", "from", "per", "according"})
_ASKING_VERBS = ("say", "think")  # and their synonyms ("tell", "reckon"), as terms; and the other ways of asking


@dataclass(frozen=True, slots=True)
class RoleMatch:
    """Who a role names: `speaker_id` when one person fits clearly; otherwise the close people, best first."""

    speaker_id: str | None
    close: tuple[str, ...]
    role_terms: frozenset[str]  # the reader's words that named the person (not a topic of the question)
    named_as: frozenset[str] = frozenset()  # those of them found in the person's role or organisation


@dataclass(frozen=True, slots=True)
class _Person:
    speaker_id: str
    terms: frozenset[str]  # the terms of their role and their organisation's names
    described: frozenset[str]  # the terms of their description and their organisation's
    mentioned: frozenset[str]  # the names of other organisations their description names
    role_terms: frozenset[str]  # every meaningful word of the role alone, as matching terms ("who is the gm")
    heads: bool  # the role heads what the person belongs to
    affiliation: str | None


class Roles:
    """The people of one knowledge base who hold a role, for role look-ups."""

    def __init__(self, kb: KnowledgeBase, term: Callable[[str], str], vocab: Vocabulary | None = None) -> None:
        vocab = vocab or general_vocabulary()
        self._term = term
        self._organisations = frozenset(s.id for s in kb.speakers.values() if s.kind == Kind.ORGANISATION)

        def terms(text: str | None) -> set[str]:
            # One- and two-letter pieces ("co" of "co-founder") are no words of a role.
            return {term(w) for w in vocab.words(text or "") if len(w) > 2 and not is_filler(w)}

        self._forms: dict[str, frozenset[str]] = {}  # term -> the other terms of its role groups
        for group in ENGLISH.role_forms:
            group_terms = frozenset(term(w) for w in group)
            for t in group_terms:
                self._forms[t] = self._forms.get(t, frozenset()) | (group_terms - {t})
        self._people: list[_Person] = []
        # Each organisation's name as descriptions are read (cleaned), worked out once for every person; a name
        # of no words would be found in every description.
        organisations = [
            (name, s) for s in kb.speakers.values() if s.kind == Kind.ORGANISATION and (name := clean(s.name))
        ]
        role_terms: set[str] = set(self._forms)
        for speaker in kb.speakers.values():
            if speaker.kind != Kind.PERSON or not (speaker.role or speaker.affiliation or speaker.description):
                continue
            own = terms(speaker.role)
            role_terms |= own
            # An organisation the description names ("a member of <an association>'s council") is named by its
            # short names too, but its name says what it is, not what this person is ("chiefs of police").
            description, mentioned = clean(speaker.description or ""), set()
            for name, other in organisations:
                if name in description:
                    description = description.replace(name, " ")
                    mentioned |= {t for n in other.names for t in terms(n)}
            words, described = set(own), terms(description)
            affiliation = kb.speakers.get(speaker.affiliation or "")
            if affiliation is not None:
                for name in affiliation.names:
                    words |= terms(name)
                described |= terms(affiliation.description)
            self._people.append(
                _Person(
                    speaker.id,
                    frozenset(words),
                    frozenset(described - words),
                    frozenset(mentioned - words),
                    frozenset(term(w) for w in clean(speaker.role or "").split() if not is_filler(w)),
                    bool(speaker.role and _HEAD_ROLES.search(speaker.role)),
                    speaker.affiliation,
                )
            )
        self._role_terms = frozenset(role_terms | {term(w) for w in ENGLISH.role_words})
        # Who holds each term as what they are (role, organisation, description), and, of those with a role, who
        # belongs to each organisation and holds each word of a role: a question's words are looked up here
        # rather than in every person of an archive of thousands.
        self._holding: dict[str, list[int]] = {}
        self._by_affiliation: dict[str, list[int]] = {}
        self._by_role_term: dict[str, list[int]] = {}
        for number, person in enumerate(self._people):
            for t in person.terms | person.described:
                self._holding.setdefault(t, []).append(number)
            if not person.role_terms:
                continue
            if person.affiliation:
                self._by_affiliation.setdefault(person.affiliation, []).append(number)
            for t in person.role_terms:
                self._by_role_term.setdefault(t, []).append(number)
        self._numbers = {person.speaker_id: number for number, person in enumerate(self._people)}

    def reading_with(self, term: Callable[[str], str]) -> Roles:
        """These people's roles, read with `term`: an engine of the same people and vocabulary shares them."""
        shared = copy.copy(self)
        shared._term = term
        return shared

    def described(self, cleaned: str) -> RoleMatch | None:
        """The person a cleaned question or name describes by what they are, or the close ones (see `by_role`)."""
        words: list[str] = []
        soft = -1  # where the topic may start
        for word in cleaned.split():
            if words and word in _TOPIC_STARTS:
                break
            if words and soft < 0 and word in _MAYBE_TOPIC_STARTS:
                soft = len(words)
            if not is_filler(word) and word not in _ASKING:
                words.append(word)
        found = self.by_role(words, self._term)
        if soft < 0 or (found is not None and found.speaker_id is not None):
            return found
        return self.by_role(words[:soft], self._term) or found

    def by_role(self, words: Iterable[str], term: Callable[[str], str]) -> RoleMatch | None:
        """The person a reader names by what they are ("the transit chief"), or the close ones; None when the
        words name no role of the story's people (a name, a topic, a role nobody holds)."""
        asking = {term(w) for w in (*_ASKING_VERBS, *REPORTING_VERBS, *AUDIENCE_WORDS)}
        # Short words say nothing of a role, but for a role's own short form ("the gm").
        asked = list(
            dict.fromkeys(t for w in words if (t := term(w)) not in asking and (len(w) > 2 or t in self._forms))
        )
        if not asked or self._role_terms.isdisjoint(asked):
            return None
        scored: list[tuple[float, float, str]] = []
        for person in self._fitting(t for t in asked if t in self._role_terms):
            found = [self._found(t, person) for t in asked]
            # Someone is named by a role only if a role word of the question fits what they are (their role,
            # organisation or description: "has run a bakery"), not a topic word or another organisation's name.
            if not any(self._found(t, person, role=True) for t in asked if t in self._role_terms):
                continue
            covered = sum(f > 0.0 for f in found) / len(asked)
            scored.append((sum(found) / len(asked), covered, person.speaker_id))
        if not scored:
            return None
        scored.sort(key=lambda s: (-s[0], s[2]))
        best, covered, best_id = scored[0]
        second = scored[1][0] if len(scored) > 1 else 0.0
        person = self._person(best_id)
        named = frozenset(w for w in asked if self._found(w, person) > 0.0)
        if covered >= ROLE_MATCH_MIN and best - second >= ROLE_MARGIN:
            named_as = frozenset(w for w in named if not person.terms.isdisjoint({w, *self._forms.get(w, ())}))
            return RoleMatch(best_id, (), named, named_as)
        close = tuple(s for score, _, s in scored if score >= ROLE_SUGGEST_MIN and score >= best - ROLE_MARGIN)
        return RoleMatch(None, close, named)

    def _found(self, asked: str, person: _Person, role: bool = False) -> float:
        """How well one of the reader's words fits a person: itself or another form, in their role or description
        (`role`: as what they are, so not in the names of other organisations their description names)."""
        forms = self._forms.get(asked, frozenset())
        places = [(person.terms, 1.0), (person.described, DESCRIBED_MATCH)]
        if not role:
            places.append((person.mentioned, DESCRIBED_MATCH))
        for terms, weight in places:
            if asked in terms:
                return weight
            if not forms.isdisjoint(terms):
                return weight * FORM_MATCH
        return 0.0

    def _person(self, speaker_id: str) -> _Person:
        return self._people[self._numbers[speaker_id]]

    def _fitting(self, role_terms: Iterable[str]) -> list[_Person]:
        """The people one of these role terms, or another form of it, fits as what they are, in their order."""
        numbers: set[int] = set()
        for t in role_terms:
            for form in (t, *self._forms.get(t, ())):
                numbers.update(self._holding.get(form, ()))
        return [self._people[n] for n in sorted(numbers)]

    def holders(self, cleaned: str, terms: Iterable[str], named: Iterable[str]) -> frozenset[str]:
        """The people a question asks for by their role (none when it asks for no one, or names a person)."""
        if not answer_kinds.asked(cleaned) & (answer_kinds.PERSON | answer_kinds.SOMEONE):
            return frozenset()
        named = set(named)
        if named - self._organisations:  # "who is <name>": the person is named, not looked up
            return frozenset()
        organisations = named & self._organisations
        asked = set(terms)
        heads = bool(_HEADS_ASKED.search(cleaned))
        if not organisations and not heads:  # "who is the transit chief?": the one person the words describe
            found = self.described(cleaned)
            if found is not None and found.speaker_id is not None:
                return frozenset({found.speaker_id})
        if organisations:
            numbers = [n for o in organisations for n in self._by_affiliation.get(o, ())]
        else:
            numbers = [n for t in asked for n in self._by_role_term.get(t, ())]
        return frozenset(
            person.speaker_id
            for person in map(self._people.__getitem__, numbers)
            if person.role_terms <= asked or (heads and person.heads and organisations)
        )
