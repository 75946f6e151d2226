"""Reading a chat message as a question: what to match, and the questions in it.

People do not type questions the way curators write phrasings. A message in a channel pings the
bot (`<@123>`), greets it ("hey bot,"), wraps the question in chat ("quick q", "lol", "pls", "??"),
emoji and markdown, asks two things at once ("who is X and what did she say?"), or rambles for three
sentences before the one that asks something. `Reader.read` sets all of that aside and returns the
question parts to match, while the message itself stays what the reader sees as asked.

Pure text work on general English (`english/chat.yaml`); nothing here knows a story.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.answering.chat_text import plain_text, quoted_lines, sentences
from bot.answering.ellipsis import Ellipsis, completions
from bot.answering.normalize import ENGLISH, English
from bot.answering.rambling import unwrapped, whether_asked
from bot.knowledge.text import clean

MAX_PARTS = 3  # questions answered from one message; more would bury each answer in a long reply
MAX_EARLIER = 4  # statements before a question tried as what it is about: a rambling message rarely has more
MIN_PART_WORDS = 1  # a question with fewer words of its own ("and why?") belongs to the sentence before it
# A question after a comma is one of its own from three words ("who runs it?"); shorter, it narrows the one
# before it ("when did it start, what month").
MIN_COMMA_PART_WORDS = 3

_JOIN = re.compile(r",?\s+(?:and\s+also|and|also|plus|but|or|\+|&|/)\s*,?\s+|(,)\s*", re.I)
# What starts a question, besides the question words: auxiliaries and requests.
_STARTERS = frozenset(
    """
    is are was were am do does did has have had can could will would should shall may might must
    tell explain describe list name show give quote define summarize summarise
    """.split()  # noqa: SIM905 - a word list is easier to curate as text
)
# "over what period ...", "since when ...", "by how much ...": a question that opens with its preposition.
_PREPOSITIONS = frozenset(
    "in on at over for since by from to with about during after before under until of".split()  # noqa: SIM905
)
# "I'm wondering which company...", "what I want to know is how much...", "does anyone know who...":
# the question inside a sentence, from its question word on.
_EMBEDDED = re.compile(
    r"\b(?:wonder(?:ing|ed)?|curious|know|tell\s+(?:me|us)|explain|understand|ask(?:ing|ed)?|question\s+is|idea|sure"
    r"|check(?:ing)?|confirm|remember|recall|figure\s+out|find\s+out|clarify)"
    r"(?:\s+(?:is|was|about|of|as\s+to))*\s+((?:which|who|whom|whose|what|when|where|why|how|whether|if)\b.+)$",
    re.I,
)
# "would be great for my essay", "could be wrong": a modal with no subject after it states, it does not ask.
_NO_SUBJECT = frozenset(["be", "been", "have", "love", "like", "appreciate", "need", "help"])
# A clause that goes on from the one before it ("..., which seems like a big ask"), not a question.
_RELATIVE = re.compile(
    r"(?:which|who)\s+(?:seems?|seemed|sounds?|sounded|means?|meant|makes?|made|feels?|felt|looks?|looked|i|you)\b",
    re.I,
)
# "... and why?", "... and how?": the reason or the way of what the question before asks, asked with it.
_SAME_QUESTION = frozenset(["and", "but", "why", "how", "so", "then", "exactly"])
# Where a long sentence that does not start as a question falls into clauses.
_CLAUSE = re.compile(r"\s*(?:,|;|(?<!\d):(?!\d)|\s-+\s|\s–\s|\s—\s|\bbut\b|\banyway\b|\bbecause\b)\s*", re.I)
LONG_SENTENCE_WORDS = 14  # beyond this, a sentence that starts as a statement is read clause by clause
# "the article said something about when you can water", "there was a bit about a farmer who ...": what a
# rambling statement is about follows these words; what comes before them ("I skimmed it on the bus and")
# only tells how the writer came to ask.
_TOPIC = re.compile(
    r"\b(?:there\s+(?:is|was|were|s)|it|they|(?:the|this|that)\s+(?:article|story|piece|post|bit))\s+"
    r"(?:(?:said|says|mentioned|mentions|had|has|talks?|talked|went\s+on|goes\s+on|is|was)\s+)?"
    r"(?:(?:something|stuff|a\s+(?:bit|part|section|line|paragraph|mention))\s+)?(?:about|regarding)\s+(.+)$",
    re.I,
)
# "like times of day?", "as in how much": a clarification of the clause before it, not a question of its own.
_CLARIFIES = re.compile(r"^(?:like|as\s+in|i\s+mean|e\.?g\.?|for\s+example|specifically|namely)\b", re.I)
# "I think they said it was only the sales staff?": a guess said with a question mark. Beside a question that
# asks with a question word, it is what the writer half remembers, not what they ask.
_HEDGE = re.compile(
    r"^(?:i\s+(?:think|thought|guess|believe|assume|feel\s+like|remember|recall)|maybe|apparently|pretty\s+sure"
    r"|i'?m\s+(?:pretty\s+)?sure|im\s+(?:pretty\s+)?sure)\b",
    re.I,
)
_IN_PLACE = re.compile(r"\bhow (?:much|many|long|often|far|big|old)\b")


@dataclass(frozen=True, slots=True)
class Reading:
    """A message read as a question."""

    asked: str  # the message as typed, spacing tidied: what the reader sees as asked
    text: str  # the message with chat set aside, as one question
    parts: tuple[str, ...]  # the questions in it, in order (one for most messages), as typed
    contexts: tuple[str, ...] = ()  # for each part, the sentence before it ("" if none): what "it" may be
    # for each part, the sentences and clauses before it that ask nothing, nearest first: in a long message,
    # what the question is about is often said a few clauses before it ("the article talks about X, ... what
    # is the reason it gives?")
    earlier: tuple[tuple[str, ...], ...] = ()
    # for each part, whether the sentence before it is a line the message quotes ("> ..."): the question
    # is then about what it quotes ("> The council closed the branch." / "what was going on at the time?")
    replies: tuple[bool, ...] = ()
    # for each part, the part with the topic it leaves out taken from the question before it ("" when it stands
    # alone): "where" in "who's building the plant and where?" asks where the plant is being built
    completed: tuple[str, ...] = ()


def _phrases_pattern(phrases: Iterable[str]) -> str:
    ordered = sorted({p for p in phrases if p}, key=lambda p: (-len(p), p))
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in ordered)


class Reader:
    """Reads chat messages with one set of chat words (general English)."""

    def __init__(self, english: English = ENGLISH) -> None:
        self.english = english
        chat = english.chat
        self._openers = (*chat.greetings, *chat.openers)
        self._closers = chat.closers
        self._plain = frozenset(english.stopwords) | frozenset(english.question_words) | _STARTERS
        self._questions = frozenset(english.question_words) | _STARTERS
        chat_words = (*chat.greetings, *chat.openers, *chat.closers, *chat.asides)
        self._aside_words = frozenset(english.stopwords) | {w for phrase in chat_words for w in phrase.split()}
        self._patterns: dict[tuple[str, ...], tuple[re.Pattern[str], re.Pattern[str]]] = {}
        self.ellipsis = Ellipsis(self._plain, self._questions | _PREPOSITIONS, english.question_words)

    def _edges(self, names: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
        """Patterns for what opens and closes a question: greetings, chat, the bot's own names."""
        found = self._patterns.get(names)
        if found is None:
            start = _phrases_pattern([*self._openers, *names])
            end = _phrases_pattern([*self._closers, *names])
            found = (
                re.compile(rf"^(?:[\W_]*(?:{start})(?![\w']))+[\W_]*", re.I),
                re.compile(rf"(?:(?<![\w'])(?:{end})[\W_]*)+$", re.I),
            )
            if len(self._patterns) < 64:  # a bot has one or two names; bounded all the same
                self._patterns[names] = found
        return found

    def read(self, message: str, names: Sequence[str] = ()) -> Reading:
        """The question parts of a chat message. `names` are the bot's own (its user and display names)."""
        asked = " ".join(message.split())
        own = tuple(dict.fromkeys(clean(n) for n in (*names, *self.english.chat.default_names) if clean(n)))
        chunks = self._chunks(plain_text(message), own)
        if not chunks:
            return Reading(asked, asked, (asked,), ("",))
        whole = " ".join(chunk for chunk, _ in chunks)
        joined = self._joined(chunks)
        questions = self._questions_in(joined)
        if not questions:
            return Reading(asked, whole, (whole,), ("",))
        # A long message keeps only the sentences that ask something.
        contexts = tuple(joined[i - 1][0] if i else "" for i, _ in questions)
        earlier = tuple(
            tuple(chunk for chunk, asks in reversed(joined[:i]) if not asks)[:MAX_EARLIER] for i, _ in questions
        )
        quoted = quoted_lines(message)
        replies = tuple(bool(c) and any(c in q or q in c for q in quoted if q) for c in contexts)
        parts = tuple(chunk for _, chunk in questions)
        completed = completions(parts, self._asks, self.ellipsis)
        return Reading(asked, whole, parts, contexts, earlier, replies, completed)

    def _chunks(self, text: str, own: tuple[str, ...]) -> list[tuple[str, bool]]:
        """The message's clauses without the chat around them, each with whether it only clarifies the one
        before ("..., like times of day?"); asides dropped when something else is asked."""
        clauses = [clause for sentence in sentences(text) for clause in self._clauses(sentence)]
        pieces = [piece for clause in clauses for piece in self.split(clause)]
        stripped = [(self._strip(p, own), bool(_CLARIFIES.match(p.lstrip(" ,")))) for p in pieces]
        if len([c for c, _ in stripped if c]) > 1:  # "i'm so confused. acme ceo?": the aside says nothing
            stripped = [
                (c, clarifies)
                for i, (c, clarifies) in enumerate(stripped)
                if not self._aside(c) or self._leaves_out(c, i)
            ] or stripped
        return [(c, clarifies) for c, clarifies in stripped if c]

    def _joined(self, chunks: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
        """Chunks with whether each asks something; one with too few words of its own ("and why?") or one
        that only clarifies reads with what came before it."""
        joined: list[tuple[str, bool]] = []
        for chunk, clarifies in chunks:
            asks = self._asks(chunk)
            if joined and clarifies:
                before, before_asks = joined.pop()  # "..., like times of day?": one question with the clause before
                chunk, asks = f"{before.rstrip(' .,')}, {chunk}", asks or before_asks
            elif (
                joined
                and asks
                and self._own_words(chunk) < MIN_PART_WORDS
                and not self._leaves_out(chunk, 1, joined[-1][1])
            ):
                before, _ = joined.pop()
                chunk = f"{before} {chunk}"
            joined.append((chunk, asks))
        if any(asks and self._asks_at_start(chunk) for chunk, asks in joined):
            joined = [(chunk, asks and not _HEDGE.match(chunk)) for chunk, asks in joined]
        return joined

    def _questions_in(self, joined: list[tuple[str, bool]]) -> list[tuple[int, str]]:
        """(position, text) of the chunks that ask. With none: a question asked in place ("so the city got
        how much for it", "the vote was when") after sentences that ask nothing is the last of them; else
        nothing, and the whole message is one question ("library closing date")."""
        questions = [(i, chunk) for i, (chunk, asks) in enumerate(joined) if asks]
        if questions or len(joined) == 1:
            return questions
        in_place = [i for i, (chunk, _) in enumerate(joined) if self._asks_in_place(chunk)]
        return [(in_place[-1], joined[in_place[-1]][0])] if in_place else []

    def _strip(self, chunk: str, names: tuple[str, ...]) -> str:
        """A chunk without the greetings and chat around it; "" when nothing else is left."""
        start, end = self._edges(names)
        stripped = end.sub("", start.sub("", chunk)).strip(" ,:-–—")
        if all(w in self.english.stopwords for w in clean(stripped).split()):
            return ""  # only chat ("hey bot", "lol", "thanks") or only function words
        return stripped

    def _words(self, chunk: str) -> list[str]:
        return _cleaned_words(chunk)

    def _own_words(self, chunk: str) -> int:
        return sum(1 for w in self._words(chunk) if w not in self._plain)

    def _leaves_out(self, chunk: str, position: int, after_question: bool = True) -> bool:
        """Whether a chunk after a question is a question of its own that leaves its topic to the one before
        ("... and where?", "what's the new one?"): read as a part of its own and completed (`ellipsis`)."""
        return position > 0 and after_question and self.ellipsis.elliptical(chunk) and self._asks_elliptically(chunk)

    def _asks_elliptically(self, chunk: str) -> bool:
        words = self._words(chunk)
        if set(words) <= _SAME_QUESTION:
            return False  # "which firms quit and why?": one question, which the entry that answers it explains
        return bool(words) and (any(w in self._questions for w in words) or chunk.rstrip().endswith("?"))

    def _aside(self, clause: str) -> bool:
        return all(w in self._aside_words for w in self._words(clause))

    def _asks_at_start(self, chunk: str) -> bool:
        words = self._words(chunk)
        return bool(words) and words[0] in self._questions

    def _asks(self, chunk: str) -> bool:
        """Whether a chunk is a question: it ends with a question mark or starts like one ("over what period
        ..." too)."""
        words = self._words(chunk)
        if chunk.rstrip().endswith("?"):
            return True
        if len(words) > 1 and words[0] in _STARTERS and words[1] in _NO_SUBJECT:
            return False
        if len(words) > 1 and words[0] in _PREPOSITIONS and words[1] in self.english.question_words:
            return True
        return bool(words and words[0] in self._questions)

    def _asks_in_place(self, chunk: str) -> bool:
        """Whether a statement asks in place: "how much" or "how many" inside it, or a question word last in
        one of its clauses ("the vote was when, in may?")."""
        if _IN_PLACE.search(" ".join(self._words(chunk))):
            return True
        for clause in _CLAUSE.split(chunk):
            words = [w for w in self._words(clause) if w not in self._aside_words or w in self._questions]
            if words and words[-1] in self._questions:
                return True
        return False

    def _clauses(self, sentence: str) -> list[str]:
        """A rambling sentence as its clauses, and the question inside a clause from its question word on."""
        words = clean(sentence).split()
        clauses = [sentence]
        if words and words[0] not in self._questions:
            clauses = [c for c in _CLAUSE.split(sentence) if c.strip()]
            # A short sentence is read clause by clause only when a later clause is what it asks
            # ("kinda lost, what did the mayor do?"); "Doe, Smith and Roe: who voted no?" stays whole.
            if len(words) <= LONG_SENTENCE_WORDS:
                # (the first clause asks when what came before it was only a word that ends clauses: "anyway, who ...")
                asks = next((i for i, c in enumerate(clauses) if self._asks_at_start(c)), None)
                aside = asks is not None and all(self._aside(c) for c in clauses[:asks])
                clauses = [", ".join(clauses[asks:])] if aside and asks is not None else [sentence]
        out: list[str] = []
        for clause in clauses:
            if out and _RELATIVE.match(clause) and not clause.rstrip().endswith("?"):
                out[-1] = f"{out[-1]}, {clause}"  # "..., which seems like a lot": said of the clause before
                continue
            clause = unwrapped(self._topic(clause))
            embedded = _EMBEDDED.search(clause)
            # "does anyone know who ...": from "who" on; "ngl how did people find out how far ...": as typed
            if embedded and not self._wh_before(clause, embedded.start()):
                clause = whether_asked(embedded.group(1))
            out.append(clause)
        return out

    def _topic(self, clause: str) -> str:
        """A statement from what it says it is about ("there was something about a farmer who ..." -> "a farmer
        who ..."); a clause that asks, or that names someone before those words, stays whole."""
        found = _TOPIC.search(clause)
        if found is None or self._asks(clause) or self._wh_before(clause, found.start()):
            return clause  # "ngl what is this story about": a question
        before = clause[: found.start()].split()
        if any(word[:1].isupper() and word != "I" for word in before[1:]):
            return clause  # "so Doe said something about councils": Doe is what it is about
        return found.group(1)

    def _wh_before(self, clause: str, end: int) -> bool:
        """Whether a question word comes in the clause before `end`."""
        return any(w in self.english.question_words for w in self._words(clause[:end]))

    def split(self, sentence: str) -> list[str]:
        """A sentence that asks two things ("who is X and what did she say") as its questions; a sentence
        whose pieces would not each stand as a question ("did the mayor also vote") stays whole."""
        pieces = [p for p in self._cut(sentence) if p.strip()]
        if len(pieces) > 1 and all(
            self._own_words(p) >= MIN_PART_WORDS or (i and self._leaves_out(p, i)) for i, p in enumerate(pieces)
        ):
            return pieces
        return [sentence]

    def _cut(self, piece: str) -> list[str]:
        """Cut at each "and" (also, plus, but, or) that a question word follows ("... and what did she say"), and at
        a comma between two questions ("who is X, what does she do")."""
        cuts: list[str] = []
        last = 0
        for match in _JOIN.finditer(piece):
            following = clean(piece[match.end() :]).split()[:1]
            if match.group(1) and (
                not self._asks_at_start(piece[last : match.start()])
                or len(clean(piece[match.end() :]).split()) < MIN_COMMA_PART_WORDS
            ):
                continue  # "Doe, did she vote?", "when did it start, what month": one question
            if (
                match.group(0).strip(" ,").lower() == "or"
                and following[:1]
                and following[0] not in self.english.question_words
            ):
                continue  # "is it in danger or are they ...": one question with two sides; "..., or when ...": two
            if following and (following[0] in self._questions or self._opens_elliptically(piece[match.end() :])):
                cuts.append(piece[last : match.start()])
                last = match.end()
        cuts.append(piece[last:])
        return cuts

    def _opens_elliptically(self, rest: str) -> bool:
        """Whether what follows an "and" is a question that leaves its topic out: "for how long", "on how many
        acres", "the new one"."""
        words = clean(rest).split()
        if len(words) > 1 and words[0] in _PREPOSITIONS and words[1] in self.english.question_words:
            return True
        return self.ellipsis.elliptical(rest) and not any(w in self._questions for w in words)


@lru_cache(maxsize=4096)
def _cleaned(text: str) -> tuple[str, ...]:
    return tuple(clean(text).split())


def _cleaned_words(text: str) -> list[str]:
    """A chunk's cleaned words: reading looks at each chunk several times, so they are worked out once."""
    return list(_cleaned(text))
