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
from bot.curation.extract.vocabulary import PRONOUNS, slugify, squash, unique
from bot.knowledge.model import Kind, Quote


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
    def __init__(self, reader: ArticleReader) -> None:
        self.r = reader
        self.previous_speaker: dict[int, Entity | None] = {}

    def attribute(self, index: int, span: Span, words: str) -> _Attribution:
        clause = self._bind(index, span)
        if clause is not None:
            return self._from_clause(index, clause)
        return self._unattributed(index, span, words)

    def _bind(self, index: int, span: Span) -> Clause | None:
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
            return _Attribution(None, f'The story attributes these words only to "{subject.generic}", not by name.')
        pronoun = subject.pronoun or ""
        gender = PRONOUNS.get(pronoun)
        if gender is None:
            return _Attribution(None, f"The story says only {said}, without naming who.")
        same = _persons(self.r.mentions[index], before=clause.start)
        where = "earlier in the same sentence"
        candidates = same
        if not same and index > 0:
            candidates, where = _persons(self.r.mentions[index - 1]), "in the sentence before"
        if not candidates:
            nearest = self._nearest_person(index)
            hint = f"; the nearest person named before it is {nearest.name}" if nearest else ""
            return _Attribution(
                None, f"The story says only {said} and names no one in this or the previous sentence{hint}."
            )
        if len(candidates) > 1:
            return _Attribution(
                None,
                f"The story says only {said}; {_names(candidates)} are "
                f"{'both' if len(candidates) == 2 else 'all'} named just before, "
                "so it does not make clear who spoke.",
            )
        person = candidates[0]
        if person.gender is not None and person.gender != gender:
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
        persons = _persons(self.r.mentions[index])
        if len(words.split()) <= 3:
            about = f" in a sentence about {_names(persons)}" if persons else ""
            return _Attribution(None, f"A term in quotation marks{about}; the story does not say who used these words.")
        previous = self.previous_speaker.get(index - 1)
        sentence_start, _ = self.r.sentences[index]
        only_quote = not re.sub(r"[\W_]", "", self.r.masked[sentence_start : span.mark_start])
        if previous is not None and only_quote:
            return _Attribution(
                None,
                f"No attribution of its own; the quotation in the sentence before is attributed to {previous.name}.",
            )
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


@dataclass(slots=True)
class DraftedQuotes:
    """The quotes, their hints, and for each sentence the quote ids and speakers it holds."""

    quotes: list[Quote] = field(default_factory=list)
    checks: dict[str, str] = field(default_factory=dict)
    by_sentence: dict[int, list[str]] = field(default_factory=dict)
    speakers: dict[int, list[Entity]] = field(default_factory=dict)


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
        found = attributor.attribute(index, span, words)
        attributor.previous_speaker[index] = found.speaker
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
    """ "greer-think-broadly-tech": the speaker's surname, then the quotation's first content words."""
    who = speaker.name.split()[-1] if speaker and not speaker.unnamed else ""
    if speaker is not None and speaker.unnamed and speaker.affiliation is not None:
        who = f"{speaker.affiliation.name} spokesperson"
    return slugify(f"{who} {' '.join(content_words(words)[:3])}")


def _sentence_index(sentences: Sequence[tuple[int, int]]) -> Callable[[int], int]:
    starts = [s for s, _ in sentences]
    return lambda pos: max(0, bisect.bisect_right(starts, pos) - 1)
