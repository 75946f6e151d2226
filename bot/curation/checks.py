"""The checks a moderator's edit passes before anything is written, each refusing in a moderator's words.

Every function takes plain values (and the knowledge base as it is now) and returns the cleaned
value, or raises `EditRejected` saying what to do instead.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from bot.answering.matcher import MAX_QUESTION_CHARS
from bot.answering.normalize import is_filler
from bot.knowledge.loader import Problem
from bot.knowledge.model import Entry, KnowledgeBase
from bot.knowledge.naming import QUESTION_WORDS, closest, did_you_mean, slugify, unique_id
from bot.knowledge.schema import ID_PATTERN
from bot.knowledge.text import clean
from bot.knowledge.verbatim import SourceText, first_difference

MAX_ANSWER_CHARS = 2000  # an answer is short; Discord shows it in one embed
MAX_ID_CHARS = 48  # a made-up id stays short enough to type in a /kb command
_ID = re.compile(ID_PATTERN)  # what the validator accepts


class EditRejected(Exception):
    """An edit was refused and nothing was written; `message` says why in a moderator's words."""

    def __init__(self, message: str, problems: Iterable[Problem] = (), closest: str | None = None) -> None:
        self.message = message
        self.problems = tuple(problems)
        self.closest = closest  # the source's closest passage, when evidence or a quote is not verbatim
        super().__init__("\n".join([message, *(str(p) for p in self.problems)]))


def one_line(text: str) -> str:
    return " ".join(text.split())


def short(text: str, room: int = 80) -> str:
    return repr(text if len(text) <= room else text[: room - 1] + "…")


def _slug(text: str, taken: Collection[str], words: int = 5) -> str:
    """A new id from some text: its telling words (not filler, not question words), made unique."""
    telling = [w for w in clean(text).split() if not is_filler(w) and w not in QUESTION_WORDS]
    return unique_id(slugify(" ".join(telling) or text, max_words=words, max_chars=MAX_ID_CHARS), taken)


def check_phrasing(question: str) -> str:
    """A phrasing on one line, refused when it has no words or is longer than a question."""
    phrasing = one_line(question)
    if not clean(phrasing):
        raise EditRejected("A phrasing needs words: write the question out as readers ask it.")
    if len(phrasing) > MAX_QUESTION_CHARS:
        raise EditRejected(f"A phrasing is a question: keep it under {MAX_QUESTION_CHARS} characters.")
    return phrasing


def check_answer(answer: str) -> str:
    """An answer on one line, refused when empty or too long to show."""
    text = one_line(answer)
    if not text:
        raise EditRejected("The answer is empty; write the short answer readers will see.")
    if len(text) > MAX_ANSWER_CHARS:
        raise EditRejected(f"Keep the answer short: under {MAX_ANSWER_CHARS} characters.")
    return text


def known_entry(kb: KnowledgeBase, entry_id: str) -> Entry:
    """The entry with this id, or a refusal suggesting the closest id."""
    if entry_id not in kb.entries:
        raise EditRejected(f"No entry has the id `{entry_id}`.{did_you_mean(entry_id, kb.entries)}")
    return kb.entries[entry_id]


def known_source(kb: KnowledgeBase, source: str | None) -> str:
    """A source id: the one given, or the only source there is."""
    if source is None:
        if len(kb.sources) == 1:
            return next(iter(kb.sources))
        raise EditRejected(f"Say which source this comes from: one of {', '.join(sorted(kb.sources))}.")
    if source not in kb.sources:
        raise EditRejected(f"No source has the id `{source}`.{did_you_mean(source, kb.sources)}")
    return source


def check_verbatim(kb: KnowledgeBase, source_id: str, words: str, what: str) -> None:
    """Refuse words that are not in the source, showing the passage most like them."""
    text = SourceText.of(kb.sources[source_id].text)
    if text.contains(words):
        return
    passage = text.closest_passage(words) or None
    difference = first_difference(words, passage) if passage else None
    detail = f" First difference: {difference}." if difference else ""
    closest = f" The closest passage is: {passage!r}." if passage else ""
    raise EditRejected(
        f"{what} is not word for word in the source.{detail}{closest} Copy the words exactly from the "
        "source (only spacing and curly/straight quotes may differ).",
        closest=passage,
    )


def known_speaker(kb: KnowledgeBase, name: str) -> str:
    """A person or organisation by id, or by a name or alias that only they have."""
    name = name.strip()
    if name in kb.speakers:
        return name
    key = clean(name)
    found = {s.id for s in kb.speakers.values() if any(clean(n) == key for n in s.names)}
    if len(found) == 1:
        return found.pop()
    choices = {n: s.id for s in kb.speakers.values() for n in (s.id, *s.names)}
    best = closest(name, choices)
    hint = f" Did you mean `{choices[best[0]]}` ({best[0]})?" if best else ""
    raise EditRejected(f"No person or organisation is called {name!r}.{hint} Add them to `people` first.")


def new_id(taken: Collection[str], wanted: str | None, text: str, what: str, words: int = 5) -> str:
    """The id asked for (if it is free and well formed), or one made from the text's telling words."""
    if wanted is None or not wanted.strip():
        return _slug(text, taken, words)
    ident = wanted.strip()
    if not _ID.match(ident):
        raise EditRejected(f"The {what} id {ident!r} must use only a-z, 0-9 and '-', e.g. `ring-police-deals`.")
    if ident in taken:
        raise EditRejected(f"The {what} id `{ident}` is already used; choose another.")
    return ident
