"""What teaching a question will do, shown before it is done: the answer it will get, and false premises.

Teaching adds a reader's question as a phrasing of an entry, so from then on the bot answers it with that
entry's answer, confidently. That is right for a new wording of something the story says, and wrong for a
question built on something the story does not say: "did Globex close its factory", taught to the entry
about Acme's factory closing, would have the bot answer as if the story said Globex did. Such a question names
someone the story never mentions; `preview` flags it, so a moderator confirms it twice, knowingly.

Pure: no Discord, no files. The moderators' views show the preview and ask for the confirmations.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.answering import Engine
from bot.answering.normalize import STOPWORDS
from bot.knowledge.grounding import is_english_word
from bot.knowledge.model import Entry, KnowledgeBase

__all__ = ["PremiseWarning", "TeachPreview", "preview", "unknown_names"]

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"['’]s?$")
# A word this close to one the story uses is a typo of it ("reconition"), not a name of its own.
TYPO_SIMILARITY = 85.0
SHORTEST_NAME = 3  # "US", "EU" are names too, but two letters are too often a typo or a stray token
_vocabularies: dict[str, frozenset[str]] = {}  # knowledge fingerprint → the words it uses, in lower case


@dataclass(frozen=True, slots=True)
class PremiseWarning:
    """A taught question names someone the story does not know, and the entry is about others."""

    names: tuple[str, ...]  # as the reader typed them
    about: tuple[str, ...]  # whom the entry is about, by name


@dataclass(frozen=True, slots=True)
class TeachPreview:
    """What teaching `question` to `entry` will do."""

    question: str
    entry: Entry
    answer: str  # what readers asking it will get
    now: str  # what they get now: "declined", or "answered by `entry-id`"
    warning: PremiseWarning | None


def _vocabulary(kb: KnowledgeBase) -> frozenset[str]:
    """Every word the knowledge base uses anywhere, in lower case: what the story knows of."""
    known = _vocabularies.get(kb.fingerprint) if kb.fingerprint else None
    if known is not None:
        return known
    texts: list[str] = [s.text for s in kb.sources.values()]
    texts += [q.text for q in kb.quotes.values()]
    for speaker in kb.speakers.values():
        texts += [*speaker.names, speaker.role or "", speaker.description or ""]
    for entry in kb.entries.values():
        texts += [*entry.questions, entry.answer, *entry.keywords]
    words = frozenset(_plain(word) for text in texts for word in _WORD.findall(text))
    if kb.fingerprint:
        _vocabularies.clear()  # one knowledge base is live at a time
        _vocabularies[kb.fingerprint] = words
    return words


def _plain(word: str) -> str:
    return _POSSESSIVE.sub("", word.lower().replace("’", "'"))


def unknown_names(question: str, kb: KnowledgeBase) -> list[str]:
    """Words of `question` that look like names (not English words) and that the knowledge base never uses.

    A word counts as a name when it is not an ordinary English word in lower case ("globex", "Initech"), or
    when it is capitalised after the question's first word and not English ("Did Palantir…"). Known words,
    and near misses of them (typos), are never names.
    """
    known = _vocabulary(kb)
    found: list[str] = []
    for match in _WORD.finditer(question):
        word = _POSSESSIVE.sub("", match.group())
        plain = _plain(word)
        if len(plain) < SHORTEST_NAME or plain in STOPWORDS or plain in known:
            continue
        if is_english_word(plain):
            continue  # an ordinary word, even if the story happens not to use it
        if process.extractOne(plain, known, scorer=fuzz.ratio, score_cutoff=TYPO_SIMILARITY) is not None:
            continue
        if word not in found:
            found.append(word)
    return found


def _about(kb: KnowledgeBase, entry: Entry) -> tuple[str, ...]:
    """Whom an entry is about: its `about` list and the speakers of its quotes, by name."""
    ids = [*entry.about, *(kb.quotes[q].speaker for q in entry.quotes if q in kb.quotes)]
    names: list[str] = []
    for ident in ids:
        if ident and ident in kb.speakers and kb.speakers[ident].name not in names:
            names.append(kb.speakers[ident].name)
    return tuple(names)


def _names_in_answer(kb: KnowledgeBase, entry: Entry) -> Iterable[str]:
    for speaker in kb.speakers.values():
        if any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", entry.answer) for name in speaker.names):
            yield speaker.name


def preview(engine: Engine, entry_id: str, question: str) -> TeachPreview:
    """What teaching `question` to the entry `entry_id` (which must exist) will do."""
    kb = engine.kb
    entry = kb.entries[entry_id]
    will = engine.answer_entry(entry_id, question)
    current = engine.ask(question)
    now = f"answered by `{current.entry.id}`" if current.answered and current.entry is not None else "declined"
    warning = None
    names = unknown_names(question, kb)
    about = _about(kb, entry) or tuple(dict.fromkeys(_names_in_answer(kb, entry)))
    if names and about:
        warning = PremiseWarning(tuple(names), about)
    return TeachPreview(question=question, entry=entry, answer=will.text, now=now, warning=warning)
