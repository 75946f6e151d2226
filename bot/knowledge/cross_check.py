"""Checks across files, once every file is read: references resolve, quotes and excerpts are word for
word in their sources, and every answer is grounded in what its entry cites."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from bot.knowledge.fields import shown
from bot.knowledge.grounding import Grounding
from bot.knowledge.model import Entry, KnowledgeBase, Source
from bot.knowledge.naming import did_you_mean
from bot.knowledge.schema import SINGULAR
from bot.knowledge.verbatim import SourceText, first_difference

if TYPE_CHECKING:
    from bot.knowledge.problems import Place, _Claims
    from bot.knowledge.validation import _Validation


def check_ref(v: _Validation, value: Any, section: str, claims: _Claims, ordinal: int, *sub: str | int) -> bool:
    """Whether `value` (in the record `ordinal` of `claims`, at `sub`) names a record of `section`."""
    known = v.claims[section].ids
    if value is None or not isinstance(value, str) or value in known:
        return True
    if v.incomplete:
        return False  # it may be defined in what could not be read, which is reported already
    hint = "" if v.full else did_you_mean(value, known, as_code=False)
    v.report(
        claims.at(ordinal, *sub),
        f"no {SINGULAR[section]} has the id `{shown(value)}`.{hint} Add it to `{section}` or correct the id.",
    )
    return False


def _not_verbatim(v: _Validation, words: str, text: SourceText, what: str, at: Place) -> None:
    """Report words that are not in the source, showing the passage most like them."""
    found = text.align(words)
    passage = found.passage if found else ""
    difference = first_difference(words, passage) if passage else None
    detail = f" First difference: {difference}." if difference else ""
    closest = f" The closest passage, with what differs in [brackets], is: {found.marked()!r}." if found else ""
    v.report(
        at,
        f"{what} is not word for word in the source.{detail}{closest} Copy the words "
        f"exactly from the source (only spacing and curly/straight quotes may differ).",
    )


def cross_check(v: _Validation) -> None:
    """References between records, and quotes and excerpts against their sources' texts."""
    sources, people, quotes, entries = (v.claims[s] for s in ("sources", "people", "quotes", "entries"))
    texts: dict[str, SourceText | None] = {}  # prepared when first needed

    def text_of(source: str) -> SourceText | None:
        if source not in texts:
            built: Source | None = sources.built[sources.ids[source]]
            texts[source] = None if built is None else SourceText.of(built.text)
        return texts[source]

    for ordinal, speaker in enumerate(people.built):
        if speaker is None:
            continue
        affiliation = speaker.affiliation
        resolved = check_ref(v, affiliation, "people", people, ordinal, "affiliation")
        if resolved and isinstance(affiliation, str) and affiliation in v.person_ids:
            v.report(
                people.at(ordinal, "affiliation"),
                f"`affiliation` must name an organisation; `{affiliation}` is a person.",
            )

    checked = v.count
    flawed: set[str] = set()  # quotes with problems of their own: answers are not proven against them
    for ordinal, quote in enumerate(quotes.built):
        if quote is None:
            continue
        check_ref(v, quote.speaker, "people", quotes, ordinal, "speaker")
        if check_ref(v, quote.source, "sources", quotes, ordinal, "source"):
            text = text_of(quote.source)
            if text is not None and not text.contains(quote.text):
                _not_verbatim(v, quote.text, text, "this quote", quotes.at(ordinal, "text"))
        if v.count != checked:
            flawed.add(quote.id)
            checked = v.count

    source_ids = sources.ids
    # Answers name people: when one could not be built, its names are unknown, and so is what they back.
    grounding = None if v.incomplete or None in people.built else _grounding(v)
    proven, where = v.proven, entries.where
    for ordinal, entry in enumerate(entries.built):
        if entry is None:
            continue
        before = v.count
        # An entry as it was, in a knowledge base whose sources, people and quotes are as they were: what it
        # was proven against then is what it rests on now.
        again = where[2 * ordinal] not in proven
        for i, evidence in enumerate(entry.evidence):
            source = evidence.source
            # The usual case first: a known source, without the call that would report it unknown.
            known = source in source_ids or check_ref(v, source, "sources", entries, ordinal, "evidence", i, "source")
            if known and again:
                text = texts[source] if source in texts else text_of(source)
                if text is not None and not text.contains(evidence.excerpt):
                    at = entries.at(ordinal, "evidence", i, "excerpt")
                    _not_verbatim(v, evidence.excerpt, text, "this excerpt", at)
        for i, ref in enumerate(entry.quotes):
            check_ref(v, ref, "quotes", entries, ordinal, "quotes", i)
        for i, ref in enumerate(entry.about):
            check_ref(v, ref, "people", entries, ordinal, "about", i)
        # The answer is proven against what backs it only once that is sound: one problem, not a cascade.
        if again and grounding is not None and v.count == before and not flawed.intersection(entry.quotes):
            _check_grounding(v, grounding, ordinal, entry)


def proven_files(v: _Validation, previous: KnowledgeBase | None) -> set[int]:
    """The files (by index) whose entries were proven grounded in `previous`, a valid knowledge base of the same
    folder, against what they rest on now: files with the same bytes, when every source, person and quote is
    as it was (they back the answers, and the names and words an answer is checked against are all of theirs)."""
    if previous is None or not v.valid_before or v.count:
        return set()
    for section, before in (("sources", previous.sources), ("people", previous.speakers), ("quotes", previous.quotes)):
        claims = v.claims[section]
        if len(claims.ids) != len(before) or any(before.get(i) != claims.built[o] for i, o in claims.ids.items()):
            return set()
    return {index for index in range(len(v.files)) if v.as_before(index)}


def _grounding(v: _Validation) -> Grounding:
    people, sources = v.claims["people"], v.claims["sources"]
    texts = [s.text for s in sources.built if s is not None]  # read only if an answer needs them
    return Grounding((s for s in people.built if s is not None), texts)


def _check_grounding(v: _Validation, grounding: Grounding, ordinal: int, entry: Entry) -> None:
    """Every figure, name and quoted phrase of an answer is in its entry's evidence, quotes or people."""
    people, quotes, entries = v.claims["people"], v.claims["quotes"], v.claims["entries"]

    def built(claims: _Claims, refs: Iterable[str]) -> list[Any]:
        return [claims.built[claims.ids[ref]] for ref in refs]

    cited, about = built(quotes, entry.quotes), built(people, entry.about)
    if None in cited:
        return  # a quote it rests on has problems of its own, which are reported
    for unsupported in grounding.check(entry, cited, about):
        v.report(entries.at(ordinal, "answer"), unsupported.message)
