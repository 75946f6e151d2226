"""Who said each quotation: the attribution bound to it, a resolved pronoun, or an honest null."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from bot.curation.extract.attributions import ArticleReader, Clause
from bot.curation.extract.draft import hint_key
from bot.curation.extract.entities import Entity
from bot.curation.extract.entries import content_words
from bot.curation.extract.sentences import Span, quote_words
from bot.curation.extract.vocabulary import PRONOUNS, ROLE_NOUNS, TERM_LEADS, squash, unique
from bot.knowledge.model import Kind, Quote
from bot.knowledge.naming import slugify

# "he said" looks this many sentences back for the person it means, skipping sentences that name no
# one ("She has worked there for 12 years."): news writing rarely keeps a pronoun going longer.
PRONOUN_LOOKBACK = 3
# Quoted words up to this many may be a term rather than a quotation ("digital redlining", "a
# vanity wall"); longer ones are quotations however they are introduced.
TERM_MAX_WORDS = 4


@dataclass(frozen=True, slots=True)
class _Attribution:
    speaker: Entity | None
    note: str | None
    check: str | None = None


def _persons(mentions: Iterable[tuple[int, Entity]], before: int | None = None) -> list[Entity]:
    seen: dict[int, Entity] = {}
    for at, entity in mentions:
        if entity.kind is Kind.PERSON and (before is None or at < before):
            seen.setdefault(id(entity), entity)
    return list(seen.values())


def _names(persons: Sequence[Entity]) -> str:
    labels = [p.name for p in persons]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


class Attributor:
    """Finds who the text says spoke each quotation, one quotation at a time in article order."""

    def __init__(self, reader: ArticleReader) -> None:
        self.r = reader
        self.speaker_in: dict[int, Entity] = {}  # the last credited speaker of each sentence

    def attribute(self, index: int, span: Span, words: str) -> _Attribution:
        clause = self.bind(index, span)
        found = self._from_clause(index, clause) if clause is not None else self._unattributed(index, span, words)
        if found.speaker is not None:
            self.speaker_in[index] = found.speaker
        return found

    def bind(self, index: int, span: Span) -> Clause | None:
        """The attribution of this sentence that the quotation belongs to, if any."""
        text = self.r.text
        clauses = self.r.clauses[index]
        # `"...," said X` / `"...," X said`: the attribution right after the closing mark.
        for clause in clauses:
            after = text[span.mark_end : clause.start] if clause.start >= span.mark_end else "x"
            if clause.verb != "saying" and re.fullmatch(r"[\s,;:—–\-]*", after):
                clause.bound = True
                return clause
        # `X said: "..."`, `X told Y the company has "..."`, `according to X, "..."`: the nearest before.
        before = [c for c in clauses if c.end <= span.mark_start]
        if not before:
            return None
        clause = before[-1]
        between = text[clause.end : span.mark_start]
        if re.fullmatch(r"[\s,:]*", between):
            return clause
        if clause.bound:
            # `"We looked," said X, the director, "and this ..."`: one utterance split around its speaker.
            words = text[span.content_start : span.content_end].lstrip()
            split = re.fullmatch(r"\s*,[^.!?;:\"“”]*,\s*", between) and words[:1].islower()
            return clause if split else None  # otherwise it belongs to the quotation before it
        return None if clause.inverted and not clause.colon else clause

    def _from_clause(self, index: int, clause: Clause) -> _Attribution:
        subject = clause.subject
        said = f'"{clause.words}"'
        if subject.entity is not None:
            entity = subject.entity
            note = None
            if entity.unnamed:
                told = f"; the story says they told {entity.told[0]}" if entity.told else ""
                note = f"The {entity.role.removeprefix('unnamed ') if entity.role else 'speaker'} is not named{told}."
            return _Attribution(entity, note, f"speaker from {said}")
        if subject.generic is not None:
            return self._generic(subject.generic, said)
        gender = PRONOUNS.get(subject.pronoun or "")
        if gender is None:
            return _Attribution(None, f"The story says only {said}, without naming who.")
        return self._pronoun(index, clause, gender, said)

    def _generic(self, phrase: str, said: str) -> _Attribution:
        """ "the district said": the one organisation whose name has that word, else nobody by name."""
        words = phrase.split()
        head = words[-1].casefold()
        if words[0].casefold() == "the" and len(words) <= 3 and head not in ROLE_NOUNS:
            orgs = [
                e
                for e in self.r.registry.items
                if e.kind is Kind.ORGANISATION and head in {w.casefold() for n in e.names for w in n.split()}
            ]
            if len(orgs) == 1:
                return _Attribution(
                    orgs[0],
                    f'The story says {said}; {orgs[0].name} is the only organisation it names with "{words[-1]}".',
                    f"speaker resolved from {said}",
                )
        return _Attribution(None, f'The story attributes these words only to "{phrase}", not by name.')

    def _pronoun(self, index: int, clause: Clause, gender: str, said: str) -> _Attribution:
        """ "she said": the one person it can be, in this sentence or the nearest before that names anyone."""
        candidates = _persons(self.r.mentions[index], before=clause.start)
        where = "earlier in the same sentence"
        for back in range(1, PRONOUN_LOOKBACK + 1):
            if candidates or index - back < 0:
                break
            candidates = _persons(self.r.mentions[index - back])
            where = "in the sentence before" if back == 1 else f"{back} sentences before (the nearest to name anyone)"
        if not candidates:
            nearest = self._nearest_person(index)
            hint = f"; the nearest person named before it is {nearest.name}" if nearest else ""
            return _Attribution(
                None, f"The story says only {said} and names no one in the {PRONOUN_LOOKBACK} sentences before{hint}."
            )
        fitting = [p for p in candidates if p.gender in (None, gender)]
        if len(candidates) > 1:
            # "Mr. Park and Ms. Lopez ... he said": one candidate fits the pronoun, the others are known not to.
            known = [p for p in fitting if p.gender == gender]
            if len(known) != 1 or len(fitting) != 1:
                return _Attribution(
                    None,
                    f"The story says only {said}; {_names(candidates)} are "
                    f"{'both' if len(candidates) == 2 else 'all'} named just before, "
                    "so it does not make clear who spoke.",
                )
            person = known[0]
            return _Attribution(
                person,
                f'The story says {said}; {person.name} is the only person named {where} it calls "{gender}".',
                f"speaker resolved from {said}",
            )
        person = candidates[0]
        if not fitting:
            other = "both" if person.gender == "both" else f'"{person.gender}"'
            return _Attribution(
                None,
                f"The story says only {said}. The person named just before, {person.name}, is referred to as "
                f"{other} in the story, so it does not make clear who said this.",
            )
        return _Attribution(
            person,
            f"The story says {said}; {person.name} is the only person named {where}.",
            f"speaker resolved from {said}",
        )

    def _nearest_person(self, index: int) -> Entity | None:
        for k in range(index - 1, -1, -1):
            found = _persons(self.r.mentions[k])
            if found:
                return found[-1]
        return None

    def _unattributed(self, index: int, span: Span, words: str) -> _Attribution:
        sentence_start, _ = self.r.sentences[index]
        only_quote = not re.sub(r"[\W_]", "", self.r.masked[sentence_start : span.mark_start])
        same_paragraph = index > 0 and self.r.paragraph[index - 1] == self.r.paragraph[index]
        if only_quote and same_paragraph:
            carried = self._carried_speaker(index - 1)
            if carried is not None:
                return carried
        near = _persons(self.r.mentions[index], before=span.mark_start) or (
            _persons(self.r.mentions[index - 1]) if index > 0 else []
        )
        if len(near) == 1:
            return _Attribution(
                None,
                f"The story gives these words no attribution; {near[0].name} is named just before, "
                "but the story does not say who said them.",
            )
        return _Attribution(None, "The story gives these words no attribution.")

    def _carried_speaker(self, previous: int) -> _Attribution | None:
        """`"...," she said. "..."`: a quotation standing alone goes on from the speaker just before."""
        speaker = self.speaker_in.get(previous)
        if speaker is not None:
            return _Attribution(
                speaker,
                f"Goes on from the quotation before it, which the story attributes to {speaker.name}.",
                "speaker carried over from the quotation in the sentence before",
            )
        # `Ruiz said the plan was late. "..."`: the sentence before reports one named speaker.
        named = {id(c.subject.entity): c.subject.entity for c in self.r.clauses[previous] if c.subject.entity}
        if len(named) == 1:
            entity = next(iter(named.values()))
            return _Attribution(
                entity,
                f"Follows a sentence reporting what {entity.name} said; the story gives it no attribution of its own.",
                "speaker carried over from the attribution in the sentence before",
            )
        return None


def is_term(words: str, before: str, bound: bool) -> bool:
    """A quoted term (`the "phone-free" policy`, `a "giveaway"`) rather than a quotation of someone.

    `before` is the text just before the opening mark; `bound` whether an attribution claims the words.
    """
    count = len(words.split())
    if count > TERM_MAX_WORDS or words.rstrip(" ,")[-1:] in "!?":
        return False  # an exclamation or a question is speech, however short
    sentence_like = words[:1].isupper() and words.rstrip()[-1:] in ".…"
    previous = re.findall(r"[\w'’-]+", before[-40:])
    if previous and (count == 1 or previous[-1].casefold() in TERM_LEADS):
        return True  # inside a sentence: `voted for the "phone-free" rule`, `called it "historic"`
    return not bound and not sentence_like


@dataclass(slots=True)
class DraftedQuotes:
    """The quotes, their hints, and for each sentence the quote ids and speakers it holds."""

    quotes: list[Quote] = field(default_factory=list)
    checks: dict[str, str] = field(default_factory=dict)
    by_sentence: dict[int, list[str]] = field(default_factory=dict)
    speakers: dict[int, list[Entity]] = field(default_factory=dict)
    terms: list[str] = field(default_factory=list)  # quoted terms, not quotations


def draft_quotes(reader: ArticleReader, source_id: str) -> DraftedQuotes:
    """Every quotation in the article, verbatim, with the speaker the text gives (or a note saying why not)."""
    text = reader.text
    attributor = Attributor(reader)
    drafted = DraftedQuotes()
    quote_ids: set[str] = set()
    owner_of = _sentence_index(reader.sentences)
    for span in reader.spans:
        start, end = quote_words(text, span)
        if start >= end:
            continue
        words = text[start:end]
        index = owner_of(span.content_start)
        bound = attributor.bind(index, span) is not None
        before = reader.masked[reader.sentences[index][0] : span.mark_start]
        if is_term(text[span.content_start : span.content_end].strip(), before, bound):
            drafted.terms.append(squash(words))
            continue
        found = attributor.attribute(index, span, words)
        quote = Quote(
            id=unique(_quote_slug(found.speaker, words), quote_ids),
            text=squash(words),
            source=source_id,
            speaker=found.speaker.id if found.speaker else None,
            attribution_note=found.note,
        )
        drafted.quotes.append(quote)
        if found.check:
            drafted.checks[hint_key(quote)] = found.check
        drafted.by_sentence.setdefault(index, []).append(quote.id)
        if found.speaker is not None:
            drafted.speakers.setdefault(index, []).append(found.speaker)
    return drafted


def _quote_slug(speaker: Entity | None, words: str) -> str:
    """ "reyes-think-broadly-tech": the speaker's surname, then the quotation's first content words."""
    who = speaker.name.split()[-1] if speaker and not speaker.unnamed else ""
    if speaker is not None and speaker.unnamed and speaker.affiliation is not None:
        who = f"{speaker.affiliation.name} spokesperson"
    return slugify(f"{who} {' '.join(content_words(words)[:3])}")


def _sentence_index(sentences: Sequence[tuple[int, int]]) -> Callable[[int], int]:
    starts = [s for s, _ in sentences]
    return lambda pos: max(0, bisect.bisect_right(starts, pos) - 1)
