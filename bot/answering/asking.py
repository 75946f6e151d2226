"""A chat message answered part by part: each question in it asked in turn, a later part read with what the
part before it named ("who is X and what did she say?"), a part that leaves its topic out completed from the one
before ("... and where?"), and a follow-up read with what the conversation was about (`followup`). Which entry
answers each question is the engine's (`matcher`); the engine is an `Asking`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.answering.answer import Answer, Outcome, combined
from bot.answering.corrections import name_like
from bot.answering.followup import Context, leans_on_a_person, resolve
from bot.answering.normalize import is_filler
from bot.answering.pronouns import carry_subject, has_own_subject, has_pronoun
from bot.answering.reading import MAX_PARTS, Reader
from bot.knowledge.model import Kind, KnowledgeBase
from bot.knowledge.text import clean

if TYPE_CHECKING:
    from collections import Counter

    from bot.answering.matcher import Analysis

log = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 4000  # Discord's longest message: the questions in one are read out of it

# A follow-up whose pronoun is only "it" or "they" may be a question of its own ("do tech companies want
# it both ways?"): asked as it stands, an answer this sure wins over the one about the previous subject.
STANDS_ALONE = 0.9


def in_context(context: str, question: str) -> str:
    """A question read after the sentence before it, unless it already holds that sentence (in any case or
    punctuation): a retry never matches one sentence twice, which would count its words double."""
    said = clean(context)
    if not said or f" {said} " in f" {clean(question)} ":
        return question
    return f"{context} {question}"


class Asking:
    """Messages asked part by part; the engine is one."""

    kb: KnowledgeBase
    _reader: Reader
    _vocabulary: Counter[str]
    analyse: Callable[[str], Analysis]
    _ask_one: Callable[[str], Answer]
    _first_named: Callable[[str, Analysis], tuple[str, ...]]

    def ask(self, question: str, context: Context | None = None, names: Sequence[str] = ()) -> Answer:
        """Answer a chat message: a question (or up to three), a request for quotes, or decline honestly.

        The message is read first (`reading`): pings, greetings, emoji and markdown are set aside, and a
        message that asks several things is answered part by part. `names` are the bot's own names, which
        front ends pass. The answer's `question` stays the message as typed. Never raises on any string.

        `context` is what the previous answer in the conversation was about: a follow-up such as "what did
        he say?" is answered about that (see `followup`); without it, every question is a fresh one.
        """
        if context is not None and isinstance(question, str):
            return self._follow_up(question, context, names)
        reading = self._reader.read(question if isinstance(question, str) else "", names)
        if len(reading.asked) > MAX_MESSAGE_CHARS:
            return self._ask_one(reading.asked)
        answers: list[Answer] = []
        before = ""  # the part before, as asked
        for i, (part, before_part) in enumerate(zip(reading.parts[:MAX_PARTS], reading.contexts, strict=False)):
            tries = [part]
            # Only a part with no subject of its own leans on the one before ("... and what did she say?"), not
            # "... what did the council say about its plan?"
            leans = has_pronoun(part) and not has_own_subject(part) and not self.analyse(part).speakers
            completed = reading.completed[i] if i < len(reading.completed) else ""
            if completed:  # "... and where?": with the topic it leaves out
                tries = [completed]
            elif answers and leans:
                subject = self._subject(before, answers[-1])
                tries = [carry_subject(part, self.kb.speakers[subject].name) if subject else part]
            elif before_part and self._names_unknown(before_part):
                tries = [in_context(before_part, part)]  # "According to Zed, ... what ...": never without Zed
            elif before_part and not answers and (leans or reading.replies[i : i + 1] == (True,)):
                # "Jane Doe, what did she say?" or a reply to a quoted line; or the part says it all itself
                tries = list(dict.fromkeys((in_context(before_part, part), part)))
            answer = self._best(tries)
            if not answer.answered:  # "The council closed it. For how long?"; the topic a few clauses back
                earlier = reading.earlier[i] if i < len(reading.earlier) else ()
                around = dict.fromkeys(in_context(c, tries[0]) for c in (before_part, *earlier) if c)
                answer = self._best([t for t in around if t not in tries], answer)
            before = tries[0]
            answers.append(replace(answer, question=part) if answer.outcome is not Outcome.INVALID else answer)
        if len(answers) == 1 and not answers[0].answered and reading.text != reading.parts[0]:
            whole = self._ask_one(reading.text)  # the question may need the sentences around it
            answers = [whole] if whole.answered else answers
        return combined(reading.asked, answers)

    def _best(self, questions: Sequence[str], otherwise: Answer | None = None) -> Answer:
        """The surest answer among readings of one question (the first on a tie); `otherwise` (else the
        first reading's reply) when none is answered."""
        best = otherwise
        for question in questions:
            answer = self._ask_one(question)
            if best is None or (answer.answered and (not best.answered or answer.confidence > best.confidence)):
                best = answer
        return best if best is not None else self._ask_one("")

    def _names_unknown(self, text: str) -> bool:
        """Whether text names someone or something the story never does (a capitalised word it never uses):
        a question read without that sentence would be answered about the story's own people instead."""
        return any(
            name_like(word) and word != "I" and (w := clean(word)) not in self._vocabulary and not is_filler(w)
            for word in text.split()
        )

    def _subject(self, question: str, answer: Answer) -> str | None:
        """Who a question was about: the speaker it names, else the person (or organisation) its answer is about."""
        analysis = self.analyse(question)
        named = list(analysis.speakers)
        if not named:  # "Jane?? what did she say": the one person of that first name
            by_first = self._first_named(question, analysis)
            named += by_first if len(by_first) == 1 else ()
        if answer.speaker_id:
            named.append(answer.speaker_id)
        if answer.entry is not None:
            named += answer.entry.about
        people = [s for s in named if self.kb.speakers[s].kind == Kind.PERSON]
        return next(iter(people or named), None)

    def _follow_up(self, question: str, context: Context, names: Sequence[str]) -> Answer:
        resolved = resolve(question, context, self.kb)
        if resolved == question:
            return self.ask(question, names=names)
        log.debug("follow-up %r read as %r", question, resolved)
        answer = self.ask(resolved, names=names)
        if not leans_on_a_person(question):
            alone = self.ask(question, names=names)
            if alone.answered and alone.confidence >= max(STANDS_ALONE, answer.confidence):
                return alone
        return answer
