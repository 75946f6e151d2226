"""Answering across stories: one `Engine` per story, and a router that picks the story a question is about.

With one story, every question goes to its engine unchanged (only the answer is labelled with its
story). With several, and no story chosen:
1. A question that names a story — words of its title or id only it uses ("in the riverside story"),
   or one of its people nobody else in the library is ("what did Okafor say?") — is asked of that story.
2. Otherwise every story's engine is asked. One story answering while the others decline is answered
   from; several answering are told apart by confidence, and when none stands clear of the rest by
   `STORY_MARGIN`, the reply is a "which story?" decline with one suggestion from each story.
3. When every story declines, the decline offers suggestions from each story that came close.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import chain, zip_longest

from bot.answering.answer import MAX_SUGGESTIONS, Answer, Outcome, QuoteResult, StoryRef, Suggestion
from bot.answering.evaluation import Case, Report, judge
from bot.answering.followup import Context
from bot.answering.matcher import Engine
from bot.answering.normalize import is_filler
from bot.knowledge.library import Library, story_of
from bot.knowledge.model import Kind, KnowledgeBase
from bot.knowledge.text import clean

log = logging.getLogger(__name__)

# Two stories' answers closer than this in confidence are too close to call: the reader is asked which
# story they mean. Confidences are calibrated probabilities, and two stories that both answer above the
# engine's threshold usually both hold a fair reading of the question ("what is the contract worth?" in
# two stories with a contract): only a clear gap picks one without asking.
STORY_MARGIN = 0.3
MIN_MARK = 4  # shorter title words ("new", "says") say nothing about which story is meant
WHICH_STORY = "That could be about more than one story. Which one do you mean?"
_STORY_WORDS = frozenset({"story", "article", "piece", "report", "news"})


@dataclass(frozen=True, slots=True)
class StoryContext(Context):
    """A conversation's context that knows its story: only that story's engine follows it up (two stories'
    ids may be the same, so an entry id alone cannot say whose it is)."""

    story: str = ""


def with_story(context: Context | None, answer: Answer, stories: StoryEngines) -> Context | None:
    """The context an answer leaves, marked with the answer's story when there are several."""
    if context is None or answer.story is None or len(stories) == 1:
        return context
    return StoryContext(context.entry_id, context.people, answer.story.id)


@dataclass(frozen=True, slots=True)
class _Marks:
    """What in a question names one story: words only it uses, and its people's full names."""

    words: frozenset[str]
    names: tuple[str, ...]
    title: frozenset[str]  # the words of its title and id among `words`: "in the riverside story"


def _vocabulary(kb: KnowledgeBase) -> set[str]:
    texts = chain(
        (s.text for s in kb.sources.values()),
        (s.title for s in kb.sources.values()),
        (q for e in kb.entries.values() for q in e.questions),
        (e.answer for e in kb.entries.values()),
    )
    return {w for text in texts for w in clean(text).split()}


def _people_names(kb: KnowledgeBase) -> tuple[set[str], set[str]]:
    """(full names and aliases, surnames) of a story's people and organisations, cleaned."""
    full: set[str] = set()
    single: set[str] = set()
    for speaker in kb.speakers.values():
        for name in speaker.names:
            cleaned = clean(name)
            full.add(cleaned)
            parts = cleaned.split()
            if speaker.kind == Kind.PERSON and len(parts) > 1 and len(parts[-1]) >= MIN_MARK:
                single.add(parts[-1])
            elif len(parts) == 1 and len(cleaned) >= MIN_MARK:
                single.add(cleaned)
    return full, single


def _marks(refs: Mapping[str, StoryRef], kbs: Mapping[str, KnowledgeBase]) -> dict[str, _Marks]:
    vocab = {sid: _vocabulary(kb) for sid, kb in kbs.items()}
    people = {sid: _people_names(kb) for sid, kb in kbs.items()}
    marks = {}
    for sid, ref in refs.items():
        others = set().union(*(v for o, v in vocab.items() if o != sid))
        other_names = set().union(*(p[0] | p[1] for o, p in people.items() if o != sid))
        title = {w for w in clean(f"{ref.title} {ref.id.replace('-', ' ')}").split() if len(w) >= MIN_MARK}
        words = {w for w in title | people[sid][1] if not is_filler(w) and w not in _STORY_WORDS}
        words = {w for w in words if w not in others and w not in other_names}
        names = tuple(sorted(n for n in people[sid][0] if n not in other_names and " " in n))
        marks[sid] = _Marks(frozenset(words), names, frozenset(words & title))
    return marks


class StoryEngines:
    """The engines of a library's stories, and the router between them. Engines are used as they are."""

    def __init__(self, stories: Iterable[tuple[StoryRef, Engine]]) -> None:
        self.engines: dict[str, Engine] = {}
        self.refs: dict[str, StoryRef] = {}
        for ref, engine in stories:
            self.refs[ref.id] = ref
            self.engines[ref.id] = engine
        if not self.engines:
            raise ValueError("a library needs at least one story")

    @cached_property
    def _marks(self) -> dict[str, _Marks]:
        """What in a question names each story, worked out when first asked for: it reads every entry of every
        story, and a router over one story never needs it."""
        return _marks(self.refs, {sid: e.kb for sid, e in self.engines.items()})

    @classmethod
    def of_library(cls, library: Library) -> StoryEngines:
        return cls((StoryRef(s.id, s.title), Engine(s.kb)) for s in library)

    @property
    def default(self) -> str:
        """The first story's id: the one a plain knowledge folder, or a moderator's edits, are about."""
        return next(iter(self.refs))

    def __len__(self) -> int:
        return len(self.engines)

    def engine(self, story: str | None = None) -> Engine:
        return self.engines[story or self.default]

    def with_engine(self, story: str, engine: Engine) -> StoryEngines:
        """These stories with one story's engine replaced (after a reload of that story)."""
        if self.engines.get(story) is engine:
            return self
        return StoryEngines((ref, engine if sid == story else self.engines[sid]) for sid, ref in self.refs.items())

    def find(self, text: str) -> str | None:
        """The story an id or title (or a good part of it) means, or None."""
        wanted = clean(text)
        if not wanted:
            return None
        for sid, ref in self.refs.items():
            if text == sid or wanted in (clean(sid.replace("-", " ")), clean(ref.title)):
                return sid
        return None

    def named(self, question: str) -> list[str]:
        """The stories a question names by their own words or people, in library order."""
        cleaned = f" {clean(question)} "
        words = set(cleaned.split())
        return [
            sid
            for sid, marks in self._marks.items()
            if words & marks.words or any(f" {name} " in cleaned for name in marks.names)
        ]

    # ---------------------------------------------------------------- answers

    def _tag(self, story: str, answer: Answer) -> Answer:
        suggestions = answer.suggestions
        if len(self.engines) > 1:
            suggestions = tuple(replace(s, story=story) for s in suggestions)
        ref = self.refs[story]
        parts = tuple(replace(part, story=ref) for part in answer.parts)
        return replace(answer, story=ref, suggestions=suggestions, parts=parts)

    def _ask_one(self, story: str, question: str, context: Context | None, names: Sequence[str] = ()) -> Answer:
        engine = self.engines[story]
        if isinstance(context, StoryContext) and context.story != story:
            context = None  # another story's subject: its ids may mean something else here
        elif context is not None and len(self.engines) > 1:  # another story's subject means nothing here
            context = context.known_to(engine.kb)
        return self._tag(story, engine.ask(question, context, names=names))

    def ask(
        self, question: str, context: Context | None = None, story: str | None = None, names: Sequence[str] = ()
    ) -> Answer:
        """Answer from the story given, or from the story the question is about (see the module's notes);
        `names` are the bot's own names, set aside when the message is read."""
        if story is not None or len(self.engines) == 1:
            return self._ask_one(story or self.default, question, context, names)
        named = self.named(question) if isinstance(question, str) else []
        if len(named) == 1:
            answer = self._ask_one(named[0], question, context, names)
            if answer.outcome is not Outcome.DECLINED:
                return answer
            stripped = self._without_marks(named[0], question)
            if stripped and stripped != question:  # "in the riverside story, what ...": ask what is left
                retried = self._ask_one(named[0], stripped, context, names)
                if retried.answered:
                    return replace(retried, question=answer.question)
            return answer
        candidates = named or list(self.engines)
        answers = [(sid, self._ask_one(sid, question, context, names)) for sid in candidates]
        return self._choose(question, answers)

    def _without_marks(self, story: str, question: str) -> str:
        """The question without the words naming the story ("in the riverside story, ..."), or "" if it has none.

        People's names stay: "who is Globex's CEO?" is still about Globex, and the story does not say.
        """
        marks = self._marks[story]
        words = clean(question).split()
        if not _STORY_WORDS & set(words) or not marks.title & set(words):
            return ""
        return " ".join(w for w in words if w not in marks.title and w not in _STORY_WORDS)

    def _choose(self, question: str, answers: list[tuple[str, Answer]]) -> Answer:
        answered = sorted(((sid, a) for sid, a in answers if a.answered), key=lambda pair: -pair[1].confidence)
        if len(answered) == 1:
            return answered[0][1]
        if answered:
            best, runner_up = answered[0][1], answered[1][1]
            if best.confidence - runner_up.confidence >= STORY_MARGIN:
                return best
            return self._which_story(question, answered)
        first = answers[0][1]
        if first.outcome is Outcome.SMALL_TALK:  # a greeting: say which stories there are to ask about
            titles = "; ".join(ref.title for ref in self.refs.values())
            text = f"{first.text} I know {len(self.refs)} stories: {titles}."
            return replace(first, text=text, story=None, suggestions=_interleave(a.suggestions for _, a in answers))
        if first.outcome is not Outcome.DECLINED:  # other languages, invalid input: the same anywhere
            return replace(first, story=None, suggestions=_interleave(a.suggestions for _, a in answers))
        close = [(sid, a) for sid, a in answers if not a.off_topic]
        if not close:
            return replace(first, story=None, suggestions=_interleave(a.suggestions for _, a in answers))
        close.sort(key=lambda pair: -pair[1].confidence)
        top_story, top = close[0]
        story = self.refs[top_story] if len(close) == 1 else None
        return replace(top, story=story, suggestions=_interleave(a.suggestions for _, a in close))

    def _which_story(self, question: str, answered: list[tuple[str, Answer]]) -> Answer:
        suggestions = []
        for sid, answer in answered:
            if answer.entry is not None:
                suggestions.append(Suggestion(answer.entry.id, answer.entry.questions[0], story=sid))
        log.debug("question %r fits %s about equally", question, [sid for sid, _ in answered])
        return Answer(
            question,
            Outcome.DECLINED,
            WHICH_STORY,
            answered[0][1].confidence,
            suggestions=tuple(suggestions),
        )

    def answer_entry(self, story: str | None, entry_id: str, question: str | None = None) -> Answer:
        sid = story or self.default
        return self._tag(sid, self.engines[sid].answer_entry(entry_id, question))

    def quote(self, name: str, story: str | None = None) -> QuoteResult:
        """Someone's quotes: from the story given, else from the story that quotes someone by that name."""
        if story is not None or len(self.engines) == 1:
            sid = story or self.default
            return replace(self.engines[sid].quote(name), story=self.refs[sid])
        results = [(sid, self.engines[sid].quote(name)) for sid in self.engines]
        found = [(sid, r) for sid, r in results if r.quotes]
        if found:
            sid, result = found[0]
            return replace(result, story=self.refs[sid])
        named = [(sid, r) for sid, r in results if r.speaker_id]
        if named:
            sid, result = named[0]
            return replace(result, story=self.refs[sid])
        first = results[0][1]
        offers = tuple(dict.fromkeys(chain.from_iterable(r.suggestions for _, r in results)))
        return replace(first, suggestions=offers[:MAX_SUGGESTIONS])

    def complete(self, partial: str, limit: int) -> list[tuple[str, str]]:
        """(title, id) of the stories whose title or id contains what was typed, for autocomplete."""
        wanted = clean(partial)
        return [
            (ref.title, sid)
            for sid, ref in self.refs.items()
            if not wanted or wanted in clean(ref.title) or wanted in clean(sid.replace("-", " "))
        ][:limit]


def one_story(engine: Engine) -> StoryEngines:
    """A library of one story around an engine (its folder's story.yaml names it)."""
    story = story_of(engine.kb)
    return StoryEngines([(StoryRef(story.id, story.title), engine)])


def _interleave(groups: Iterable[Iterable[Suggestion]]) -> tuple[Suggestion, ...]:
    """Suggestions taken in turn from each story, best first, at most `MAX_SUGGESTIONS`."""
    picked: list[Suggestion] = []
    for row in zip_longest(*(tuple(g) for g in groups)):
        picked.extend(s for s in row if s is not None)
    return tuple(picked[:MAX_SUGGESTIONS])


def evaluate_story(stories: StoryEngines, story: str, cases: Iterable[Case], *, routed: bool = True) -> Report:
    """Score one story's question set. `routed`: asked of the whole library with no story given, where an
    answer is right only when it is right *and* from this story; otherwise asked of this story alone."""
    report = Report()
    engine = stories.engine(story)
    for case in cases:
        answer = stories.ask(case.question) if routed else stories.ask(case.question, story=story)
        right = judge(engine, case, answer)
        if case.expect != "decline":
            right = right and answer.story is not None and answer.story.id == story
        report.count(case, answer, right)
    return report
