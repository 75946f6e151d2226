"""Follow-up questions: "what did he say?" asked right after an answer about someone.

A `Context` is what the previous answer was about: its entry (if an entry answered it) and the people
and organisations it concerns, the main one first. `resolve` rewrites a follow-up into a question that
stands on its own ("what did he say?" → "what did <the person> say?"), which the engine then answers
like any other. A question that is not a follow-up comes back unchanged, and so does one whose context
has nobody it could refer to: it is then a fresh question.

Pure: strings and the knowledge model in, a string out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.answering.answer import Answer, Outcome
from bot.knowledge.model import Kind, KnowledgeBase, Speaker

# Pronouns, by what they can stand for. "her" is also possessive ("her company"): see `_possessive`.
_PERSONAL = {"he", "she", "him", "his", "her", "hers"}
_NEUTER = {"it", "its"}
_PLURAL = {"they", "them", "their", "theirs"}
_POSSESSIVE = {"his", "hers", "its", "their", "theirs"}
# Words after "her" that show it is the object, not a possessive ("what did you ask her about").
_AFTER_OBJECT = {"about", "to", "for", "from", "with", "say", "said", "and", "or", "in", "on", "at", "of"}
_WORD = re.compile(r"[A-Za-z']+")
_TELL_MORE = re.compile(r"^\s*(?:please\s+)?(?:tell me|say|show me|give me)\s+more\W*$|^\s*(?:more|go on)\W*$", re.I)
_WHO_SAID = re.compile(r"^\s*who\s+(?:said|says|say)\s+(?:that|this|it)\W*$", re.I)
_WHAT_ABOUT = re.compile(r"^\s*(?:and|what about|how about|and what about)\s+(?P<subject>.+?)\W*$", re.I)
_ARTICLE = re.compile(r"^(?:an?|the)\s+", re.I)


@dataclass(frozen=True, slots=True)
class Context:
    """What the previous answer was about: the entry that answered (None for someone's quotes) and who."""

    entry_id: str | None
    people: tuple[str, ...]  # speaker ids, the main one first

    def known_to(self, kb: KnowledgeBase) -> Context | None:
        """This context with what `kb` still knows (a reload may have removed some); None if nothing is left."""
        entry = self.entry_id if self.entry_id in kb.entries else None
        people = tuple(p for p in self.people if p in kb.speakers)
        return Context(entry, people) if entry or people else None


def context_of(answer: Answer, kb: KnowledgeBase) -> Context | None:
    """The context an answer leaves for the next question; None when it answered nothing."""
    if answer.outcome is Outcome.QUOTES and answer.speaker_id:
        return Context(None, (answer.speaker_id,))
    if answer.outcome is not Outcome.ANSWERED or answer.entry is None:
        return None
    return Context(answer.entry.id, entry_people(kb, answer.entry.id))


def entry_people(kb: KnowledgeBase, entry_id: str) -> tuple[str, ...]:
    """Who an entry is about, then who it quotes; people before organisations, each once."""
    entry = kb.entries[entry_id]
    found = [*entry.about, *(kb.quotes[q].speaker for q in entry.quotes if q in kb.quotes)]
    known = list(dict.fromkeys(s for s in found if s is not None and s in kb.speakers))
    return tuple(sorted(known, key=lambda s: kb.speakers[s].kind is not Kind.PERSON))


def display_name(speaker: Speaker) -> str:
    """The name to write into a question, without a leading article ("An X spokesperson" → "X spokesperson")."""
    return _ARTICLE.sub("", speaker.name)


def _first(kb: KnowledgeBase, people: tuple[str, ...], kind: Kind | None) -> Speaker | None:
    for speaker_id in people:
        speaker = kb.speakers[speaker_id]
        if kind is None or speaker.kind is kind:
            return speaker
    return None


def _quoted(kb: KnowledgeBase, speaker_id: str) -> bool:
    return bool(kb.quotes_by_speaker.get(speaker_id) or kb.quoted_members(speaker_id))


def resolve(question: str, context: Context | None, kb: KnowledgeBase) -> str:
    """The follow-up `question` rewritten to stand on its own, or `question` itself."""
    if context is None:
        return question
    context = context.known_to(kb)
    if context is None:
        return question
    people = context.people
    main = _first(kb, people, None)
    if _TELL_MORE.match(question):
        return _tell_more(kb, context)
    if _WHO_SAID.match(question):
        return _who_said(kb, context) or question
    about = _WHAT_ABOUT.match(question)
    if about and not _pronouns(about["subject"]):
        return _what_about(kb, context, about["subject"])
    if main is None:
        return question
    return _replace_pronouns(question, kb, people)


def _pronouns(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)} & (_PERSONAL | _NEUTER | _PLURAL)


def is_follow_up(question: str) -> bool:
    """Does the question lean on what came before (a pronoun, "tell me more", "and X?")?"""
    return bool(
        _pronouns(question) or _TELL_MORE.match(question) or _WHO_SAID.match(question) or _WHAT_ABOUT.match(question)
    )


def leans_on_a_person(question: str) -> bool:
    """A follow-up that cannot be a question on its own: "he", "tell me more", "who said that?"."""
    words = {w.lower() for w in _WORD.findall(question)}
    return bool(words & _PERSONAL or _TELL_MORE.match(question) or _WHO_SAID.match(question))


def _tell_more(kb: KnowledgeBase, context: Context) -> str:
    main = _first(kb, context.people, None)
    if main is None:  # an entry about no one: ask its own question again, in its first wording
        return kb.entries[context.entry_id].questions[0] if context.entry_id else "tell me more"
    name = display_name(main)
    # After who someone is, their words; after their words, who they are.
    if context.entry_id is not None and _quoted(kb, main.id):
        return f"What did {name} say?"
    return f"Who is {name}?"


def _who_said(kb: KnowledgeBase, context: Context) -> str | None:
    if context.entry_id is None:  # their quotes were the answer: who is that?
        main = _first(kb, context.people, None)
        return f"Who is {display_name(main)}?" if main else None
    entry = kb.entries[context.entry_id]
    speakers = [kb.quotes[q].speaker for q in entry.quotes if q in kb.quotes]
    named = next((s for s in speakers if s is not None and s in kb.speakers), None)
    if named is None:
        named = next((p for p in context.people if _quoted(kb, p)), None)
    return f"What did {display_name(kb.speakers[named])} say?" if named else None


def _what_about(kb: KnowledgeBase, context: Context, subject: str) -> str:
    """ "and X?" after "who is Y?" → "Who is X?": the previous question, someone else in it."""
    subject = subject.strip()
    if context.entry_id is None:
        return f"What did {subject} say?"
    wording = kb.entries[context.entry_id].questions[0]
    for speaker_id in context.people:
        for name in sorted(kb.speakers[speaker_id].names, key=len, reverse=True):
            pattern = re.compile(rf"\b{re.escape(_ARTICLE.sub('', name))}\b", re.I)
            if pattern.search(wording):
                return pattern.sub(lambda _: subject, wording, count=1)  # the subject is text, not a template
    return f"What about {subject}?"


def _replace_pronouns(question: str, kb: KnowledgeBase, people: tuple[str, ...]) -> str:
    person = _first(kb, people, Kind.PERSON)
    thing = _first(kb, people, Kind.ORGANISATION)
    anyone = _first(kb, people, None)

    def replace(match: re.Match[str]) -> str:
        word = match.group(0)
        lower = word.lower()
        if lower in _PERSONAL:
            speaker = person
        elif lower in _NEUTER:
            speaker = thing
        elif lower in _PLURAL:
            speaker = thing or anyone
        else:
            return word
        if speaker is None:
            return word
        name = display_name(speaker)
        if lower in _POSSESSIVE or (lower == "her" and _possessive(question, match.end())):
            return f"{name}'s"
        return name

    return _WORD.sub(replace, question)


def _possessive(question: str, end: int) -> bool:
    """ "her company" (possessive) rather than "ask her about" or "quote her" (the object)."""
    following = _WORD.search(question, end)
    return following is not None and following.group(0).lower() not in _AFTER_OBJECT
