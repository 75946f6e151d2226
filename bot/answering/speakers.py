"""Looking people up by name: `storybot quote <surname>`, `/quote`, its autocomplete, and whose words a
question asks for.

A name may be a full name, an alias, a surname, a typo, an organisation (whose quoted spokesperson
answers for it) or a role ("the deputy director", "the <organisation> organizer").
"""

from __future__ import annotations

import logging
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from bot.answering import answer_kinds
from bot.answering.answer import Answer, Outcome, QuoteResult, QuoteView, Suggestion, quote_view
from bot.answering.general_english import rarity
from bot.answering.index import Index
from bot.answering.normalize import Vocabulary, is_filler
from bot.answering.quote_requests import ASKING_WORDS
from bot.answering.roles import RoleMatch, Roles
from bot.knowledge.model import Kind, KnowledgeBase, Quote, Speaker
from bot.knowledge.text import clean

if TYPE_CHECKING:
    from bot.answering.matcher import Analysis

log = logging.getLogger(__name__)

MAX_NAME_CHARS = 500  # a name, not an essay
QUOTE_LOOKUP_THRESHOLD = 80.0  # a name must be this alike (rapidfuzz, 0-100) to a speaker's to mean them
PEOPLE_OFFERED = 3  # people offered when a role names nobody clearly: as many as a decline's suggestions
# A first name this common in general English ("will", "mark") is read as the word, not as someone's name.
FIRST_NAME_RARITY = 0.3


def _in_a_sentence(name: str) -> str:
    """A name as written mid-sentence: "An Acme spokesperson" -> "an Acme spokesperson"."""
    first, _, rest = name.partition(" ")
    return f"{first.lower()} {rest}" if rest and first in ("A", "An", "The") else name


class SpeakerLookups:
    """Finding speakers and their quotes; the engine is one."""

    kb: KnowledgeBase
    _vocab: Vocabulary
    _vocabulary: Counter[str]
    _roles: Roles
    _term_text: list[str]
    _bag_offsets: array[int]
    _bag_terms: array[int]
    _speaker_entries: dict[str, array[int]]
    _entry_ids: Sequence[str]
    _first_names: dict[str, tuple[str, ...]]
    ask: Callable[..., Answer]  # the engine's own: a role's one person is asked after as "who is <them>?"

    def _speaker_quotes(self, speaker_id: str) -> tuple[str, tuple[Quote, ...]]:
        """A speaker's quotes; for an organisation with none, those of its people (a company → its spokesperson)."""
        own = self.kb.quotes_by_speaker.get(speaker_id, ())
        if own:
            return speaker_id, own
        quoted = self.kb.quoted_members(speaker_id)
        if len(quoted) == 1:
            return quoted[0], self.kb.quotes_by_speaker[quoted[0]]
        return speaker_id, ()

    def _speaker_bag(self, speaker_id: str) -> frozenset[str]:
        """Every term of the entries about a speaker or carrying their quotes."""
        bag: set[int] = set()
        offsets, terms = self._bag_offsets, self._bag_terms
        for entry in self._speaker_entries.get(speaker_id, ()):
            bag.update(terms[offsets[entry] : offsets[entry + 1]])
        return frozenset(self._term_text[t] for t in bag)

    def _speaker_keys(self) -> list[tuple[str, str]]:
        """(cleaned name, speaker id) for every name, alias, first/last name, role and affiliation."""
        keys: list[tuple[str, str]] = []
        roles = Index._role_names(self.kb, self._vocab)
        for speaker in self.kb.speakers.values():
            for name in (*speaker.names, *roles.get(speaker.id, ())):
                cleaned = clean(name)
                keys.append((cleaned, speaker.id))
                parts = [p for p in cleaned.split() if p not in ("a", "an", "the")]
                if speaker.kind == Kind.PERSON and len(parts) > 1:
                    keys.extend((p, speaker.id) for p in parts if len(p) > 2)
        return keys

    def find_speaker(self, name: str) -> tuple[Speaker | None, list[str]]:
        """The speaker a name most likely means, or None and the names closest to it."""
        words = [w for w in clean(name).split() if not is_filler(w)]
        query = " ".join(w for w in words if w not in ("said", "say", "says", "quote", "quotes", "the", "what"))
        if not query:
            return None, []
        keys = self._speaker_keys()
        # A word like no name of the story's and no word of it ("jane <another surname>") makes the name someone
        # else's: one word of it alike a name of theirs then does not name them.
        name_words = {w for key, _ in keys for w in key.split()}
        stranger = any(
            len(w) > 2
            and w not in self._vocabulary
            and w not in ASKING_WORDS
            and max((fuzz.ratio(w, n) for n in name_words), default=0.0) < QUOTE_LOOKUP_THRESHOLD
            for w in query.split()
        )
        # An affiliation named with a role ("the <organisation> organizer") means that organisation's quoted person.
        scored: dict[str, float] = {}
        for key, speaker_id in keys:
            score = fuzz.ratio(query, key)
            if not stranger:
                score = max(score, fuzz.token_set_ratio(query, key) if len(key) > 3 else 0.0)
                score = max([score, *(fuzz.ratio(word, key) - 5 for word in query.split() if len(word) > 3)])
            scored[speaker_id] = max(scored.get(speaker_id, 0.0), score)
        ranked = sorted(scored.items(), key=lambda kv: -kv[1])
        best_id, best = ranked[0]
        tied = len(ranked) > 1 and ranked[1][1] >= best
        if best < QUOTE_LOOKUP_THRESHOLD or tied:
            # Not a name, or one two people share: perhaps what they are, in the reader's words ("the transit
            # chief", "the council member"), which names one person or the close ones, never a guess.
            by_role = self._roles.described(clean(name))
            if by_role is not None and by_role.speaker_id is not None:
                return self.kb.speakers[by_role.speaker_id], []
            if by_role is not None and (by_role.close[1:] or (by_role.close and not tied)):
                return None, [self.kb.speakers[s].name for s in by_role.close[:3]]
            if best < QUOTE_LOOKUP_THRESHOLD:
                return None, [self.kb.speakers[s].name for s, sc in ranked[:3] if sc >= 50]
        return self.kb.speakers[best_id], []

    def first_named(self, question: str, cleaned: str, unknown: Sequence[str] = ()) -> tuple[str, ...]:
        """The people a question names by first name only ("what did jane say?"): everyone of the story with
        that first name, so that two who share it are offered, never guessed between. A first name next to a
        word the story never uses ("jane <another surname>") is someone else's."""
        capitalised = {clean(w) for w in question.split() if w[:1].isupper()}
        words = cleaned.split()
        found: list[str] = []
        for number, word in enumerate(words):
            if len(word) < 3 or (number and words[number - 1] in ("a", "an", "the")):
                continue
            if {*words[max(number - 1, 0) : number], *words[number + 1 : number + 2]} & set(unknown):
                continue
            if word not in capitalised and rarity(word) < FIRST_NAME_RARITY:
                continue
            found += self._first_names.get(word, ())
        return tuple(dict.fromkeys(found))

    def _only_organisations(self, speakers: Sequence[str]) -> bool:
        """Whether the speakers a question names are all organisations (or none): a role may still say who."""
        return all(self.kb.speakers[s].kind == Kind.ORGANISATION for s in speakers)

    def _by_role(self, cleaned: str, speakers: Sequence[str]) -> RoleMatch | None:
        """Whose words a request for quotes asks for by what they are ("what did the transit chief say?"), when
        it names no one: the one quoted person who fits, or the close ones."""
        # An organisation named with a role ("the council member") is where to look, not who is meant.
        if not self._only_organisations(speakers):
            return None
        found = self._roles.described(cleaned)
        if found is None or found.speaker_id is None:
            return found
        speaker_id, quotes = self._speaker_quotes(found.speaker_id)
        return replace(found, speaker_id=speaker_id) if quotes else None

    def _who_is_the(self, question: str, analysis: Analysis) -> Answer | None:
        """ "Who's the lawyer for the business owners?" asked of the one person it describes, answered as
        "who is <them>?" is, when that is answered; None otherwise."""
        if not self._only_organisations(analysis.speakers):
            return None
        if not answer_kinds.asked(analysis.cleaned) & (answer_kinds.PERSON | answer_kinds.SOMEONE):
            return None
        holders = self._roles.holders(analysis.cleaned, analysis.terms, analysis.speakers)
        if len(holders) != 1:
            return None
        (speaker_id,) = holders
        # A word the story never uses may name someone else ("the <other company> ceo"), unless it is how
        # the reader described this person ("the bakery *owner*" of someone who "has run a bakery").
        described = self._roles.described(analysis.cleaned)
        fitted = described.role_terms if described is not None and described.speaker_id == speaker_id else set()
        if any(self._vocab.term(word) not in fitted for word in analysis.unknown):
            return None
        plain = self.ask(f"who is {self.kb.speakers[speaker_id].name}?")
        return replace(plain, question=question) if plain.outcome == Outcome.ANSWERED else None

    def _carries_quotes(self, entry_id: str, speaker_id: str) -> bool:
        own = {q.id for q in self._speaker_quotes(speaker_id)[1]}
        return not own.isdisjoint(self.kb.entries[entry_id].quotes)

    def _people_offered(self, declined: Answer, people: Sequence[str]) -> Answer:
        """A decline of a request for someone's words that names nobody clearly offers the close people."""
        offers = [
            Suggestion(self._entry_ids[entries[0]], f"What did {_in_a_sentence(self.kb.speakers[s].name)} say?")
            for s in people
            if (entries := self._speaker_entries.get(self._speaker_quotes(s)[0]))
        ][:PEOPLE_OFFERED]
        if not offers:
            return declined
        if len(offers) > 1:
            text = "I'm not sure who you mean: more than one person in the story fits. Did you mean one of these?"
        else:
            text = "Nobody in the story fits that exactly, as far as I can tell. Did you mean this person?"
        return replace(declined, text=text, suggestions=tuple(offers), off_topic=False)

    def quote(self, name: str) -> QuoteResult:
        """Every quote of the person a name (or alias, surname, typo, affiliation) means."""
        query = " ".join(name.split()) if isinstance(name, str) else ""
        if not clean(query) or len(query) > MAX_NAME_CHARS:
            names = self.quoted_names()[:1]
            hint = f"Please give a name, e.g. {names[0]}." if names else "Please give a name."
            return QuoteResult(query[:MAX_NAME_CHARS], None, None, None, (), (), hint)
        speaker, suggestions = self.find_speaker(query)
        if speaker is None:
            names = self.quoted_names()
            offer = suggestions or names[:3]
            message = "The story quotes nobody by that name."
            by_role = self._roles.described(clean(query))
            if by_role is not None and len(by_role.close) > 1:  # "the council member": two of them, never a guess
                message = "More than one person in the story fits that; please give a name."
            return QuoteResult(query, None, None, None, (), tuple(offer), message)
        speaker_id, quotes = self._speaker_quotes(speaker.id)
        found = self.kb.speakers[speaker_id]
        views: tuple[QuoteView, ...] = tuple(quote_view(self.kb, q) for q in quotes)
        role = self.kb.speaker_role(speaker_id)
        if not views:
            message = f"The story names {found.name} but does not quote them."
        else:
            count = "one quote" if len(views) == 1 else f"{len(views)} quotes"
            message = f"{found.name}: {count} in the story."
        log.debug("quote lookup %r -> %s (%d quotes)", query, speaker_id, len(views))
        return QuoteResult(query, speaker_id, found.name, role, views, (), message)

    def quoted_names(self) -> list[str]:
        return [self.kb.speakers[s].name for s in self.kb.quotes_by_speaker if s is not None]

    def complete_speakers(self, partial: str, limit: int = 25) -> list[tuple[str, str]]:
        """(label, speaker id) choices for autocomplete; speakers with quotes, best match first."""
        quoted = [s for s in self.kb.speakers.values() if self.kb.quotes_by_speaker.get(s.id)]
        query = clean(partial)
        choices: list[tuple[float, str, str]] = []
        for speaker in quoted:
            label = speaker.name
            role = self.kb.speaker_role(speaker.id)
            if role:
                label = f"{speaker.name} — {role}"
            if not query:
                score = 100.0
            else:
                score = max(
                    max(fuzz.partial_ratio(query, clean(n)), fuzz.WRatio(query, clean(n))) for n in speaker.names
                )
                if role:
                    score = max(score, fuzz.partial_ratio(query, clean(role)) - 10)
            if score >= 60:
                choices.append((score, label[:100], speaker.id))
        choices.sort(key=lambda c: (-c[0], c[1]))
        return [(label, sid) for _, label, sid in choices[:limit]]
