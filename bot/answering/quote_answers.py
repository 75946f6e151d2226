"""Answering a request for someone's words: "what did <surname> say?", "what did X and Y say?", "X's take on
the plan", by first name alone, by role. Their quotes, or the entry that carries their words on the topic
asked about, or a kind decline when the topic is one their entries never touch. The engine is one.

How a message is read as a request for words is `quote_requests`; who is named, `speakers` and `roles`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.answering.answer import MAX_SUGGESTIONS, Answer, Outcome, Suggestion, combined, offering, quote_view
from bot.answering.normalize import general_vocabulary
from bot.answering.quote_requests import ASKING_WORDS, PLAIN, POSSESSED_NOUNS, REPORTING, words_of_the_request
from bot.answering.ranking import QUESTION_TERMS
from bot.answering.speakers import SpeakerLookups
from bot.knowledge.model import Entry, Kind

if TYPE_CHECKING:
    from bot.answering.decision import Decision
    from bot.answering.matcher import Analysis, Scored

_ENGLISH = general_vocabulary()
# "What did X say about Y?": X's quotes answer it only if X's entries speak of at least this share of Y.
QUOTE_TOPIC_SHARE = 0.5
_ROLE_WORDS = frozenset(_ENGLISH.term(w) for w in _ENGLISH.english.role_words)
# "X and Y", "X & Y" name people side by side; "about", "to", "with" make the second what or whom it is about.
_JOINING = frozenset({"and", "or", "n", "plus"})
_ABOUT_SOMEONE = frozenset({"about", "abt", "regarding", "of", "to", "with", "against", "at", "on"})
_ROLE_FORMS = frozenset(_ENGLISH.term(w) for group in _ENGLISH.english.role_forms for w in group)


class QuoteAnswers(SpeakerLookups):
    """Requests for someone's words, answered; the engine is one."""

    _term_id: dict[str, int]
    confidence: Callable[[Sequence[Scored]], float]
    _entry_answer: Callable[[str, Entry, float, str], Answer]
    _decline: Callable[..., Answer]
    _weight: Callable[[Iterable[str]], float]

    @property
    def decision(self) -> Decision:
        raise NotImplementedError  # the engine's own (`Engine.decision`)

    def _quote_intent(self, analysis: Analysis) -> str | None:
        """The speaker whose words are asked for ("what did <surname> say?"), if that is the question."""
        if not analysis.speakers:
            return None
        # Several name-like words the story never uses ("<company> president <first name> <surname>") mean someone else.
        if sum(analysis.unknown_names) > 1.0:
            return None
        speaker_id, quotes = self._speaker_quotes(analysis.speakers[0])
        return speaker_id if quotes else None

    def _not_quoted(self, question: str, analysis: Analysis, ranked: list[Scored]) -> Answer | None:
        """ "Quotes from <someone the story names but never quotes>": a decline that says so, with the entries about
        them offered, rather than an entry that only mentions them. None when they are quoted (or their one quoted
        member is, for an organisation), or the request asks about something (an entry may answer that)."""
        if not analysis.speakers or sum(analysis.unknown_names) > 1.0:
            return None
        speaker_id = analysis.speakers[0]
        if self._speaker_quotes(speaker_id)[1] or self._topic(analysis, question=question):
            return None
        confidence = self.confidence(ranked)
        if ranked and confidence >= self.decision.answer_at and self._reports_words(ranked[0].entry_id):
            return None  # their words reported, not quoted ("the company said in a statement that..."): that entry
        declined = self._decline(question, ranked, confidence)
        theirs = [self.kb.entries[self._entry_ids[n]] for n in self._speaker_entries.get(speaker_id, ())]
        if theirs:  # what the story says of them, rather than whatever else the request's words find
            offers = tuple(Suggestion(e.id, e.questions[0]) for e in theirs[:MAX_SUGGESTIONS])
            declined = replace(declined, suggestions=offers)
        text = f"The story mentions {self._who(speaker_id)} but doesn't quote them."
        return replace(declined, text=offering(text, declined.suggestions))

    def _who(self, speaker_id: str) -> str:
        """A speaker as a reply names them: "Jane Doe (chief executive, Acme)", or their name alone."""
        role = self.kb.speaker_role(speaker_id)
        name = self.kb.speakers[speaker_id].name
        return f"{name} ({role})" if role else name

    def _reports_words(self, entry_id: str) -> bool:
        """Whether an entry's answer reports what someone said ("said", "told", "warned"...)."""
        said = {self._vocab.term(w) for w in self._vocab.words(self.kb.entries[entry_id].answer)}
        return not said.isdisjoint(PLAIN | REPORTING)

    def _several_quoted(self, text: str, analysis: Analysis, ranked: list[Scored], plainly: bool) -> Answer | None:
        """ "What did X and Y say?": each one's words, in the order asked; None unless it names two or more
        quoted people side by side (not "what did X say about Y?")."""
        people = [
            s for s in analysis.speakers if self.kb.speakers[s].kind == Kind.PERSON and self.kb.quotes_by_speaker.get(s)
        ]
        words = set(analysis.cleaned.split())
        if len(people) < 2 or not (words & _JOINING or "&" in text) or words & _ABOUT_SOMEONE:
            return None
        found = [self._quotes_answer(text, s, analysis, ranked, plainly=plainly) for s in people]
        answers = [a for a in found if a is not None]
        return combined(text, answers) if len(answers) == len(people) else None

    def _first_named(self, question: str, analysis: Analysis) -> tuple[str, ...]:
        """The people a question names by first name alone (see `first_named`); a word of the asking beside it
        ("jane's *take*", "jane *claimed*") is no surname of someone else."""
        asking = {self._vocab.term(w) for w in (*ASKING_WORDS, *POSSESSED_NOUNS)} | REPORTING
        return self.first_named(
            question, analysis.cleaned, [w for w in analysis.unknown if self._vocab.term(w) not in asking]
        )

    def _topic(self, analysis: Analysis, identified_by: frozenset[str] = frozenset(), question: str = "") -> set[str]:
        """What a request for someone's words asks about: its known terms but those saying who is meant."""
        topic = {t for t in analysis.terms if t in self._term_id} - PLAIN - QUESTION_TERMS - REPORTING
        topic -= {self._vocab.term(w) for w in ASKING_WORDS}
        topic -= {self._vocab.term(w) for w in words_of_the_request(question)}  # "X's take", "where does X stand"
        return topic - {f"@{s}" for s in analysis.speakers} - identified_by

    def _quotes_answer(
        self,
        question: str,
        speaker_id: str,
        analysis: Analysis,
        ranked: list[Scored],
        identified_by: frozenset[str] = frozenset(),
        plainly: bool = True,
        named_as: frozenset[str] | None = None,
    ) -> Answer | None:
        """Their quotes, or the entry a request for their words about something is answered by; None when the
        request is not plainly for their words and is about something (`plainly`). `named_as`: the words of
        `identified_by` that are what they are (role, organisation), not words of their description."""
        # "What did <someone> say about <a topic>?" may be an entry about them; prefer it when it is
        # a confident match that carries their words.
        topic = self._topic(analysis, identified_by, question)
        # "The <organisation> organizer": a role says who is meant, not what about, unless it is not the speaker's role.
        roles, role = topic & _ROLE_WORDS, self.kb.speakers[speaker_id].role
        if roles and (role is None or roles & {self._vocab.term(w) for w in self._vocab.words(role)}):
            topic -= roles
        # Asked with a reporting verb alone, only what names them is set aside, never a description's words
        # ("how did the board react to the merger?" is about the merger, whoever told the board of it).
        named_as = identified_by if named_as is None else named_as
        if not plainly and self._topic(analysis, named_as, question) - _ROLE_WORDS - _ROLE_FORMS:
            return None
        confidence = self.confidence(ranked)
        # Found by their role, they are meant: only an entry that carries their words answers for them.
        theirs = not identified_by or (bool(ranked) and self._carries_quotes(ranked[0].entry_id, speaker_id))
        if topic and ranked and confidence >= self.decision.answer_at and theirs:
            entry = self.kb.entries[ranked[0].entry_id]
            return self._entry_answer(question, entry, confidence, ranked[0].phrasing)
        # "What did <a company>'s spokesperson tell <an outlet>?" is not about its chief's words: asked about
        # something the speaker's entries never touch, their quotes would be a guess.
        if topic and self._weight(topic & self._speaker_bag(speaker_id)) < QUOTE_TOPIC_SHARE * self._weight(topic):
            return self._decline(question, ranked, confidence)
        _, quotes = self._speaker_quotes(speaker_id)
        views = tuple(quote_view(self.kb, q) for q in quotes)
        speaker = self.kb.speakers[speaker_id]
        count = "once" if len(views) == 1 else f"{len(views)} times"
        return Answer(
            question,
            Outcome.QUOTES,
            f"{self._who(speaker_id)} is quoted {count} in the story:",
            1.0,
            matched_question=f"What did {speaker.name} say?",
            quotes=views,
            speaker_id=speaker_id,
        )
