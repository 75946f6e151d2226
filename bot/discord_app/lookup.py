"""Resolving what a Discord control carries (a speaker id from autocomplete or a button) into engine results."""

from __future__ import annotations

from bot.engine import Engine, QuoteResult


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
