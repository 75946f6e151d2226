"""What a set of initials stands for: "what does HCWA stand for?", "what's the PUC short for", "DOT stands
for what?".

The spelled-out form is the story's own: the full name of a person or organisation one of whose aliases
the initials are ("Hill County Water Authority", alias "HCWA"), else the one run of the knowledge
base's words whose initials they are (`acronyms`). The answer is an entry whose answer writes the
spelled-out form (one that also gives the initials first, as a story introduces them), said plainly:
"HCWA stands for Hill County Water Authority." Initials the story never spells out are left to the
engine's ordinary matching (which declines "what does <initials> stand for?" when nothing fits).

General by construction: nothing here knows any story, only how people ask what initials mean.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.answering.acronyms import Acronyms, could_be_acronym, initials
from bot.answering.answer import Answer
from bot.answering.decision import Decision
from bot.answering.normalize import is_filler
from bot.knowledge.model import Entry, KnowledgeBase
from bot.knowledge.text import clean

if TYPE_CHECKING:
    from bot.answering.matcher import Scored

# The ways people ask what initials mean, on a cleaned question whose phrases are written out ("what's"
# is "what is"); the initials are the group `x`.
_LETTERS = r"(?:(?:the )?(?:letters?|initials|acronym|abbreviation|abbrev) )?(?:the )?(?P<x>[a-z]{2,6})"
_ASKS = tuple(
    re.compile(rf"\b{form}(?: again| exactly| anyway)?$")
    for form in (
        rf"what (?:does|do|did|would|is|s) {_LETTERS} (?:stand|stands|short) for",
        rf"what (?:does|do|did) {_LETTERS} mean",
        rf"what is {_LETTERS} (?:short|an acronym|an abbreviation|acronym|abbreviation|abbreviated) for",
        rf"{_LETTERS} (?:stands|stand|is short) for what",
        rf"what is the (?:full|long) (?:name|form|version) (?:of|for) {_LETTERS}",
        rf"{_LETTERS} (?:full|long) (?:name|form)",
    )
)


def initials_asked(cleaned: str) -> str | None:
    """The initials a cleaned question asks the meaning of ("what does hcwa stand for" -> "hcwa"), if it asks."""
    found = next((f for form in _ASKS if (f := form.search(cleaned))), None)
    if found is None:
        return None
    letters = found.group("x")
    return letters if could_be_acronym(letters) and not is_filler(letters) else None


def spelled_out(letters: str, kb: KnowledgeBase, acronyms: Acronyms) -> str | None:
    """The words `letters` stand for in this story: a speaker's full name whose alias they are and whose
    initials they are, else the one phrase of the knowledge base with those initials."""
    for speaker in kb.speakers.values():
        if letters not in (clean(alias) for alias in speaker.aliases):
            continue
        for name in speaker.names:
            words = clean(name).split()
            # "HCWA" for "Hill County Water Authority"; "the PUC" for "Public Utilities Commission of X"
            if len(words) > 1 and any(key.startswith(letters) for key in initials(words)):
                return name
    phrase = acronyms.phrase(letters)
    return " ".join(phrase) if phrase else None


def _holds(text: str, words: str) -> bool:
    return f" {words} " in f" {clean(text)} "


def defining_entry(letters: str, expansion: str, entries: Iterable[Entry], ranked: Sequence[str]) -> Entry | None:
    """The entry that says what `letters` stand for: its answer writes out `expansion`; one that gives the
    letters too is preferred, then the one the question ranks highest, then the curators' order."""
    spelt = " ".join(clean(expansion).split())
    order = {entry_id: i for i, entry_id in enumerate(ranked)}
    found = [
        (not _holds(entry.answer, letters), order.get(entry.id, len(order)), i, entry)
        for i, entry in enumerate(entries)
        if _holds(entry.answer, spelt)
    ]
    return min(found, key=lambda f: f[:3])[3] if found else None


def reply(letters: str, expansion: str, answer: str) -> str:
    """The answer, with what the letters stand for said first."""
    return f"{letters.upper()} stands for {expansion}. {answer}"


class SpelledOut:
    """Questions that ask what initials stand for, answered; the engine is one."""

    kb: KnowledgeBase
    _acronyms: Acronyms
    confidence: Callable[[Sequence[Scored]], float]
    _entry_answer: Callable[[str, Entry, float, str], Answer]

    @property
    def decision(self) -> Decision:
        raise NotImplementedError  # the engine's own (`Engine.decision`)

    def _spelled_out(self, question: str, written: str, ranked: Sequence[Scored]) -> Answer | None:
        """The answer to "what does <initials> stand for?" when the story spells them out, else None. `written`:
        the question cleaned with its phrases written out, its initials as typed (`Analysis.written`)."""
        letters = initials_asked(written)
        expansion = spelled_out(letters, self.kb, self._acronyms) if letters else None
        if letters is None or expansion is None:
            return None
        entry = defining_entry(letters, expansion, self.kb.entries.values(), [s.entry_id for s in ranked])
        if entry is None:
            return None
        # As sure as an answer the decision gives: the story itself writes the letters out.
        confidence = max(self.confidence(ranked), self.decision.answer_at)
        found = self._entry_answer(question, entry, confidence, entry.questions[0])
        return replace(found, text=reply(letters, expansion, found.text))
