"""The draft: the knowledge model's own values, plus a side table of hints for the curator."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.knowledge.model import Entry, Quote, Source, Speaker

DraftItem = Speaker | Quote | Entry
SOURCE_HINT = "source"  # the key of the hint for the source (its title)


def hint_key(item: DraftItem) -> str:
    """Where a hint is filed: ids are unique per kind of item, not across them."""
    return f"{type(item).__name__.lower()}:{item.id}"


@dataclass(frozen=True, slots=True)
class Draft:
    """What `extract` drafts: a source, its people and organisations, quotes and candidate entries.

    `checks` holds the `# check:` hint written above an item (see `check`). `places` lists the places
    the article names, which the knowledge model has no kind for, and `terms` the words it puts in
    quotation marks as terms rather than as anyone's words: both are written as comments.
    """

    source: Source
    people: tuple[Speaker, ...]
    quotes: tuple[Quote, ...]
    entries: tuple[Entry, ...]
    checks: Mapping[str, str] = field(default_factory=dict)
    places: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()  # quoted terms (`the "phone-free" policy`), not quotations of anyone

    def person(self, person_id: str | None) -> Speaker | None:
        return next((p for p in self.people if p.id == person_id), None)

    def check(self, item: DraftItem) -> str | None:
        """The curator's hint for one item, or None when there is nothing in particular to check."""
        return self.checks.get(hint_key(item))
