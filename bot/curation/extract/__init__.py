"""Drafting a knowledge directory from a news article (`storybot extract`).

A moderator brings an article as plain text; `extract` reads it with hand-written rules of general
English (offline, nothing trained, the same draft every time) and drafts what a curator would
otherwise type, as the knowledge model's own values (`Source`, `Speaker`, `Quote`, `Entry`) with a
side table of `# check:` hints:

- the people and organisations the article names, with roles and affiliations where the text states
  them ("X, a professor at Y", "Council member X", "Harbor's Lopez", "an Acme spokesperson");
- places, listed apart (the model has no kind for them), and one entity per real-world name;
- every direct quotation, verbatim, with its speaker only when the text says who spoke; a bare
  "he said" is resolved only when one person is named in its sentence or the nearest sentence before
  that names anyone, or when only one of those named is known to be "he". A quotation standing alone
  after a quoted speaker goes on from them (`"...," she said. "..."`). Otherwise the speaker stays
  null and the `attribution_note` says what the text does say, because a wrong speaker is worse than
  none. Quoted terms (`the "phone-free" policy`) are listed apart, not drafted as quotations;
- candidate entries for the obvious questions: figures, dates, money, who each person is.

The parts, in the order a draft is made: `vocabulary` (the general English words it knows),
`sentences` (quotation marks and sentence bounds), `names` (reading a name off the tokens),
`entities` (the registry of people and organisations), `attributions` ("X said"), `appositions`
(roles and affiliations beside a name), `kinds` (one entity per name; person, organisation or place),
`quotes` (who said each quotation; quoted terms), `entries` (candidate entries), `titles`, `draft`
(the result), `render` (the YAML files), `quality` and `truth` (scoring against curated or
hand-made truth).
"""

from __future__ import annotations

import logging

from bot.curation.extract.appositions import read_appositions
from bot.curation.extract.attributions import ArticleReader
from bot.curation.extract.draft import SOURCE_HINT, Draft, hint_key
from bot.curation.extract.entities import Entity
from bot.curation.extract.entries import EntryWriter
from bot.curation.extract.kinds import merge_abbreviations, merge_short_forms, settle_organisations, settle_places
from bot.curation.extract.quality import QuoteQuality, quote_quality, quotes_match
from bot.curation.extract.quotes import draft_quotes
from bot.curation.extract.render import DRAFT_HEADER, draft_paths, render_draft, write_draft
from bot.curation.extract.sentences import quote_spans, sentence_bounds
from bot.curation.extract.titles import title_of
from bot.curation.extract.vocabulary import source_id_for, unique
from bot.knowledge.model import Kind, Source, Speaker
from bot.knowledge.naming import slugify

__all__ = [
    "DRAFT_HEADER",
    "Draft",
    "QuoteQuality",
    "draft_paths",
    "extract",
    "quote_quality",
    "quote_spans",
    "quotes_match",
    "render_draft",
    "sentence_bounds",
    "slugify",
    "source_id_for",
    "write_draft",
]

log = logging.getLogger(__name__)


def extract(
    text: str,
    *,
    source_id: str,
    title: str | None = None,
    outlet: str | None = None,
    author: str | None = None,
    date: str | None = None,
    url: str | None = None,
) -> Draft:
    """Draft a knowledge directory's contents from an article's plain text."""
    source_id = slugify(source_id, max_words=12)
    reader = ArticleReader(text)
    reader.read_attributions()
    reader.read_names()
    merge_abbreviations(reader)
    places = settle_places(reader)
    read_appositions(reader)
    places += settle_places(reader)  # "a resident of Elm Street" names a place, not an employer
    merge_short_forms(reader)
    places += [town for town in sorted(reader.hometowns) if town not in places and not reader.registry.find(town)]
    reader.read_mentions()
    settle_organisations(reader)
    reader.settle_kinds()

    # Ids: speakers first, then other people, then organisations, each in order of appearance.
    order = sorted(reader.registry.items, key=lambda e: (e.kind is Kind.ORGANISATION, not e.speaker, e.first))
    taken: set[str] = set()
    for entity in order:
        entity.id = unique(slugify(entity.name), taken)

    drafted = draft_quotes(reader, source_id)
    writer = EntryWriter(reader, drafted.by_sentence, drafted.speakers, source_id)
    entries = writer.entries()
    people = [_speaker(e) for e in order]
    checks = dict(drafted.checks)
    checks.update({hint_key(p): e.check for p, e in zip(people, order, strict=True) if e.check})
    checks.update(writer.checks)
    headline, title_check = title_of(text)
    source = Source(id=source_id, title=title or headline, text=text, outlet=outlet, author=author, date=date, url=url)
    if title_check and not title:
        checks[SOURCE_HINT] = title_check
    log.info(
        "drafted %s: %d people and organisations, %d quotes, %d entries",
        source_id,
        len(people),
        len(drafted.quotes),
        len(entries),
    )
    return Draft(
        source, tuple(people), tuple(drafted.quotes), tuple(entries), checks, tuple(places), tuple(drafted.terms)
    )


def _speaker(entity: Entity) -> Speaker:
    affiliation = entity.affiliation
    return Speaker(
        id=entity.id,
        name=entity.name,
        kind=entity.kind,
        aliases=tuple(entity.aliases),
        role=entity.role,
        affiliation=affiliation.id if affiliation is not None and affiliation.kind is Kind.ORGANISATION else None,
        description=entity.description,
    )
