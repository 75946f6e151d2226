"""Role look-ups: "who runs the transit authority?", "who's the lawyer for the tenants?".

A question that asks for someone by the role they hold names the role (or a verb for heading something:
runs, heads, leads, chairs) and often the organisation. The people of a knowledge base carry a role and an
affiliation; the people who fit are those whose role the question names, or who head something when the
question asks who heads it, and who belong to the organisation it names (if it names one). An entry that
names one of them answers the question the way "who is <that person>?" is answered.

General English only: the verbs and role words for heading something are listed here; the roles and
organisations come from the knowledge base the engine serves.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.answering import answer_kinds
from bot.answering.normalize import is_filler
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


@dataclass(frozen=True, slots=True)
class _Holder:
    speaker_id: str
    role_terms: frozenset[str]  # the role's meaningful words, as matching terms
    heads: bool  # the role heads what the person belongs to
    affiliation: str | None


class Roles:
    """The people of one knowledge base who hold a role, for role look-ups."""

    def __init__(self, kb: KnowledgeBase, term: Callable[[str], str]) -> None:
        # Looked up by the organisation they belong to and by each word of their role, so that a question
        # reads the few people it may mean, not every person of an archive.
        self._by_affiliation: dict[str, list[_Holder]] = defaultdict(list)
        self._by_role_term: dict[str, list[_Holder]] = defaultdict(list)
        for speaker in kb.speakers.values():
            if speaker.kind != Kind.PERSON or not speaker.role:
                continue
            holder = _Holder(
                speaker.id,
                frozenset(term(w) for w in clean(speaker.role).split() if not is_filler(w)),
                bool(_HEAD_ROLES.search(speaker.role)),
                speaker.affiliation,
            )
            if holder.affiliation:
                self._by_affiliation[holder.affiliation].append(holder)
            for role_term in holder.role_terms:
                self._by_role_term[role_term].append(holder)
        self._by_affiliation, self._by_role_term = dict(self._by_affiliation), dict(self._by_role_term)
        self._organisations = frozenset(s.id for s in kb.speakers.values() if s.kind == Kind.ORGANISATION)

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
        if organisations:
            candidates = [h for o in organisations for h in self._by_affiliation.get(o, ())]
        else:
            candidates = [h for t in asked for h in self._by_role_term.get(t, ())]
        return frozenset(
            holder.speaker_id
            for holder in candidates
            if (holder.role_terms and holder.role_terms <= asked) or (heads and holder.heads and organisations)
        )
