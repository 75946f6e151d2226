"""Resolving what a Discord control carries (a speaker id from autocomplete or a button) into engine results,
and finding what a moderator means while they type an entry or a phrasing."""

from __future__ import annotations

from rapidfuzz import fuzz

from bot.answering import Engine, QuoteResult
from bot.knowledge import Entry
from bot.knowledge.naming import closest

MIN_ENTRY_SCORE = 60  # partial_ratio below this is a coincidence of letters, not a match


def quotes_for(engine: Engine, person: str) -> QuoteResult:
    """The quotes for what someone typed or picked in /quote.

    Autocomplete hands over a speaker id; a typed name goes to the engine's fuzzy look-up, which says so
    when nobody matches rather than offering someone else's words.
    """
    exact = quotes_of_speaker(engine, person)
    return exact if exact is not None else engine.quote(person)


def quotes_of_speaker(engine: Engine, speaker_id: str) -> QuoteResult | None:
    """The quotes of exactly this speaker id, or None if the knowledge base no longer has them."""
    speaker = engine.kb.speakers.get(speaker_id)
    if speaker is None:
        return None
    result = engine.quote(speaker.name)
    # The look-up goes by name; accept it only when it lands on the same person (or, for an
    # organisation, on the one person quoted for it), so a button never shows somebody else's words.
    if result.speaker_id == speaker_id or (result.speaker_id and _speaks_for(engine, result.speaker_id, speaker_id)):
        return result
    return None


def _speaks_for(engine: Engine, person_id: str, organisation_id: str) -> bool:
    person = engine.kb.speakers.get(person_id)
    return person is not None and person.affiliation == organisation_id


def find_entries(engine: Engine, typed: str, limit: int) -> list[Entry]:
    """Entries for what a moderator typed into an `entry` option: by id, answer or phrasing, best first.

    Nothing typed lists entries in id order, so the picker is never empty.
    """
    entries = engine.kb.entries
    typed = typed.strip()
    if not typed:
        return [entries[entry_id] for entry_id in sorted(entries)[:limit]]
    if typed in entries:
        return [entries[typed]]
    scored: list[tuple[float, str]] = []
    for entry in entries.values():
        texts = (entry.id.replace("-", " "), entry.answer, *entry.questions)
        best = max(fuzz.partial_ratio(typed.lower(), text.lower()) for text in texts)
        scored.append((best, entry.id))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [entries[entry_id] for score, entry_id in scored[:limit] if score >= MIN_ENTRY_SCORE]


def find_phrasings(engine: Engine, entry_id: str, typed: str, limit: int) -> list[str]:
    """The phrasings of one entry that contain (or resemble) what was typed."""
    entry = engine.kb.entries.get(entry_id)
    if entry is None:
        return []
    typed = typed.strip().lower()
    if not typed:
        return list(entry.questions[:limit])
    ranked = sorted(entry.questions, key=lambda q: -fuzz.partial_ratio(typed, q.lower()))
    return [q for q in ranked if fuzz.partial_ratio(typed, q.lower()) >= MIN_ENTRY_SCORE][:limit]


def closest_entry_ids(engine: Engine, entry_id: str, limit: int = 3) -> list[str]:
    """Ids that look like a mistyped `entry_id`, for a "did you mean"."""
    return closest(entry_id, engine.kb.entries, limit=limit)
