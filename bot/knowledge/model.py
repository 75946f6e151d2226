"""The knowledge model: what StoryBot knows, as frozen values.

Everything here is built by the loader from the YAML files in a knowledge directory, after
validation, and is never mutated: a reload builds a new `KnowledgeBase` and swaps it in whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


@dataclass(frozen=True, slots=True)
class Source:
    """A document the knowledge base is built from; its text is kept verbatim."""

    id: str
    title: str
    text: str
    outlet: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Speaker:
    """A person or organisation the story names (a speaker of quotes, or a subject of entries)."""

    id: str
    name: str
    kind: Kind
    aliases: tuple[str, ...] = ()
    role: str | None = None
    affiliation: str | None = None  # id of an organisation
    description: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class Quote:
    """Words the source puts in quotation marks (or in someone's mouth), verbatim.

    `speaker` is None when the source does not say who spoke; `attribution_note` then says
    what the source does say, so that nobody is silently guessed.
    """

    id: str
    text: str
    source: str
    speaker: str | None
    attribution_note: str | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """A verbatim excerpt of a source that supports an entry's answer."""

    source: str
    excerpt: str


@dataclass(frozen=True, slots=True)
class Entry:
    """One thing the story says, as a question (in several phrasings) and its answer."""

    id: str
    questions: tuple[str, ...]
    answer: str
    evidence: tuple[Evidence, ...]
    keywords: tuple[str, ...] = ()
    quotes: tuple[str, ...] = ()  # quote ids
    about: tuple[str, ...] = ()  # speaker ids the entry is about


@dataclass(frozen=True, slots=True)
class Synonyms:
    """Words and phrases that mean the same as `means` in this story ("cop shops" → "police departments").

    The engine knows general English on its own; what a word means in one story's context lives with
    that story, in the knowledge base's `vocabulary`.
    """

    means: str
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    """A validated knowledge base: every reference in it resolves."""

    sources: dict[str, Source]
    speakers: dict[str, Speaker]
    quotes: dict[str, Quote]
    entries: dict[str, Entry]
    directory: str = ""
    fingerprint: str = ""
    quotes_by_speaker: dict[str | None, tuple[Quote, ...]] = field(default_factory=dict)
    # Each organisation's people, in the story's order: asked for once per question, so found once here.
    members: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)
    vocabulary: tuple[Synonyms, ...] = ()  # the story's own synonyms and phrases
    examples: tuple[str, ...] = ()  # questions /help offers as examples
    # Each file's SHA-256 (hex) by its path in the folder: what the fingerprint is made of, file by file. A
    # reload tells by it which files are as they were (`loader.validate_knowledge`'s `previous`).
    file_digests: dict[str, str] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if not self.quotes_by_speaker:
            grouped: dict[str | None, list[Quote]] = {}
            for quote in self.quotes.values():
                grouped.setdefault(quote.speaker, []).append(quote)
            object.__setattr__(self, "quotes_by_speaker", {k: tuple(v) for k, v in grouped.items()})
        if not self.members:
            members: dict[str, list[str]] = {}
            for speaker in self.speakers.values():
                if speaker.affiliation:
                    members.setdefault(speaker.affiliation, []).append(speaker.id)
            object.__setattr__(self, "members", {k: tuple(v) for k, v in members.items()})

    def quoted_members(self, speaker_id: str) -> tuple[str, ...]:
        """The people of an organisation whom the story quotes (a company's spokesperson), in the story's order."""
        return tuple(m for m in self.members.get(speaker_id, ()) if self.quotes_by_speaker.get(m))

    def speaker_label(self, speaker_id: str | None) -> str:
        """The name a reader sees for a speaker id, or the honest 'unattributed' wording."""
        if speaker_id is None:
            return UNATTRIBUTED
        return self.speakers[speaker_id].name

    def speaker_role(self, speaker_id: str | None) -> str | None:
        """'deputy director, Friends of the River' — role and affiliation, as far as the story says."""
        if speaker_id is None:
            return None
        speaker = self.speakers[speaker_id]
        parts = [speaker.role] if speaker.role else []
        if speaker.affiliation and speaker.affiliation in self.speakers:
            parts.append(self.speakers[speaker.affiliation].name)
        return ", ".join(parts) or None


UNATTRIBUTED = "Unattributed (the story does not say who said this)"
