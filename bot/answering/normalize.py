"""Turning what people type into comparable tokens.

`clean` folds case, Unicode look-alikes, accents, quotes and punctuation. A `Vocabulary` does the
rest, for one knowledge base: `rewrite_phrases` joins multi-word expressions and writes out chat
shorthand ("chief executive" → "chief-executive", "abt" → "about"); `is_filler` marks words to drop;
`term` evens out British and American spelling, stems ("paused" → "paus") and maps synonyms onto one
term ("halted" and "suspended" meet "paused"), so that a question and a phrasing that say the same
thing in other words share terms.

The engine itself knows only general English (the files of `english/`, next to this module). What words mean
in one story ("the van" for the mobile library, in a story about a library closing) is that knowledge
base's `vocabulary`, merged in when its `Vocabulary` is built.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import snowballstemmer
import yaml

from bot.answering.amounts import write_out_amounts
from bot.answering.phrasal import phrasal_phrases
from bot.answering.question_forms import plain_question
from bot.answering.terse import asked_in_full
from bot.knowledge.naming import QUESTION_WORDS
from bot.knowledge.text import clean

if TYPE_CHECKING:
    from bot.knowledge.model import Synonyms

log = logging.getLogger(__name__)

_stemmer = snowballstemmer.stemmer("english")
# The safe loader written in C when PyYAML was built with libyaml, else the same one in Python.
_YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


# "What does X do?" asks who X is (their job) when it ends there: "what did X do" asks what X did, "what does X want
# them to do" what X wants, and "what do X do if ..." what X would do.
_WHAT_DOES_DO = re.compile(r"\bwhat (does|do) ((?:(?!\bto\b).)+?) do$")
# "What is X's job?" (title, role, occupation) asks who X is, as "what does X do" does.
_WHAT_JOB = re.compile(r"\bwhat (?:is |was |s )?((?:\S+ ){1,4}?)(?:job|role|title|occupation|profession)$")
# ... unless nobody is named: "what is the job", "what was her title" (whose is for the conversation to say).
_NOBODY = frozenset(["the", "a", "an", "this", "that", "his", "her", "their", "its", "my", "your", "our"])
# "What's X's deal?" asks about X, not about a deal of X's.
_WHATS_ITS_DEAL = re.compile(
    r"\bwhat (?:is )?((?:the |this |that )?(?!(?:the|this|that|a|his|her|their|big)\b)\S+) deal$"
)

# "look at the rules again", "take another look at the deal": to review it.
_LOOK_AGAIN = re.compile(r"\b(?:look|looks|looked|looking) at ((?:\S+ ){0,5}?\S+) again\b")
_ANOTHER_LOOK = re.compile(r"\b(?:take|takes|took|taking|have|has|had) (?:another|a second|a fresh|a new) look at\b")

_JOB_WORDS = frozenset(["job", "role", "title", "occupation", "profession"])
REMEMBERED_REWRITES = 64  # texts rewritten, kept (then started afresh): those of the last few questions

T = TypeVar("T")


def _what_one_does(match: re.Match[str]) -> str:
    """ "What does X do?" asks who X is; "what do the police do?", what their role is."""
    return f"who is {match.group(2)}" if match.group(1) == "does" else f"what is {match.group(2)} role"


def _who_is(match: re.Match[str]) -> str:
    named = match.group(1).split()
    if all(word in _NOBODY for word in named) or any(word in _JOB_WORDS for word in named):  # "the job title"
        return match.group(0)
    return "who is " + " ".join(named)


class PhraseTable(Generic[T]):
    """Multi-word phrases found in a list of words, longest first, by dictionary look-ups.

    One pass over the words with a look-up of each word and of each pair of words, so the cost does not grow
    with the number of phrases (a regular expression alternation of thousands of names would), nor with how
    many phrases share a first word (every form of a phrasal verb starts several).
    """

    def __init__(self, phrases: Mapping[str, T]) -> None:
        single: dict[str, T] = {}
        by_pair: dict[tuple[str, str], list[tuple[tuple[str, ...], T]]] = {}
        for phrase, value in phrases.items():
            key = tuple(phrase.split())
            if len(key) == 1:
                single[key[0]] = value
            elif key:
                by_pair.setdefault((key[0], key[1]), []).append((key, value))
        self._single = single
        # The phrases of two words or more, by their first two, longest first.
        self._by_pair = {pair: sorted(found, key=lambda kv: -len(kv[0])) for pair, found in by_pair.items()}
        self._firsts = frozenset(single) | {first for first, _ in by_pair}

    def find(self, words: Sequence[str]) -> list[tuple[int, int, T]]:
        """(start, end, value) of each phrase in `words`, left to right, never overlapping."""
        found: list[tuple[int, int, T]] = []
        firsts = self._firsts
        if firsts.isdisjoint(words):  # most texts: no word starts a phrase, and C says so at once
            return found
        single, by_pair = self._single, self._by_pair
        i, n = 0, len(words)
        while i < n:
            word = words[i]
            if word in firsts:
                end = self._longer(words, i, by_pair.get((word, words[i + 1]))) if i + 1 < n else None
                if end is not None:
                    found.append((i, end[0], end[1]))
                    i = end[0]
                    continue
                if word in single:
                    found.append((i, i + 1, single[word]))
            i += 1
        return found

    @staticmethod
    def _longer(
        words: Sequence[str], i: int, candidates: list[tuple[tuple[str, ...], T]] | None
    ) -> tuple[int, T] | None:
        """The end and value of the longest phrase of two words or more that starts at `i`."""
        for key, value in candidates or ():
            end = i + len(key)
            if end <= len(words) and (len(key) == 2 or tuple(words[i + 2 : end]) == key[2:]):
                return end, value
        return None

    def replace(self, words: Sequence[str], with_: Callable[[T, Sequence[str]], Sequence[str]]) -> list[str]:
        out: list[str] = []
        last = 0
        for start, end, value in self.find(words):
            out.extend(words[last:start])
            out.extend(with_(value, words[start:end]))
            last = end
        out.extend(words[last:])
        return out


@dataclass(frozen=True, slots=True)
class ChatWords:
    """What reading a chat message sets aside around its question (see `reading`)."""

    greetings: tuple[str, ...]
    openers: tuple[str, ...]
    closers: tuple[str, ...]
    asides: tuple[str, ...]
    default_names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class English:
    """The general English the engine knows for every story, as read from `english/`."""

    stopwords: frozenset[str]
    question_words: tuple[str, ...]
    role_words: tuple[str, ...]  # what people are ("organizer", "spokesperson"): they say who is meant
    how_many: tuple[str, ...]
    synonyms: tuple[tuple[str, ...], ...]
    phrases: dict[str, str]  # cleaned phrase -> its rewrite (abbreviations included)
    spelling: dict[str, str]  # British word -> American word
    endings: tuple[tuple[str, str, int], ...]  # (British ending, American ending, letters before it), longest first
    keep: frozenset[str]  # words no ending rule touches
    chat: ChatWords
    forms: dict[str, str]  # irregular verb form -> the verb ("grew" -> "grow")
    role_forms: tuple[tuple[str, ...], ...] = ()  # everyday words for one kind of role (see `roles`)
    abbreviations: dict[str, str] = field(default_factory=dict)  # chat shorthand, written out before phrases
    sound_alikes: dict[str, str] = field(default_factory=dict)  # "dose" -> "does", when the story never says "dose"
    generic_things: frozenset[str] = frozenset()  # nouns that name no detail of their own ("thing", "money")
    asking_words: frozenset[str] = frozenset()  # words that make a text a question already (`terse`)
    asked_by_last_word: dict[str, str] = field(default_factory=dict)  # a terse question's last word -> "how much"


def _words(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(value.split())
    return tuple(" ".join(str(v).split()) for v in value or ())


def _rewrites(value: Any) -> dict[str, str]:
    """A YAML mapping of phrase -> rewrite, the phrase cleaned and the rewrite on one line."""
    return {clean(k): " ".join(str(v or "").split()) for k, v in (value or {}).items()}


def _string_map(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in (value or {}).items()}


def _endings(value: Any) -> tuple[tuple[str, str, int], ...]:
    """The British -> American ending rules, longest first: the first rule that fits is the most specific."""
    return tuple(sorted(((str(b), str(a), int(n)) for b, a, n in value or ()), key=lambda e: -len(e[0])))


def _chat_words(value: Any) -> ChatWords:
    chat = value or {}
    return ChatWords(*(tuple(clean(w) or w for w in chat.get(key) or ()) for key in ChatWords.__slots__))


def _english(data: dict[str, Any]) -> English:
    spelling = data.get("spelling") or {}
    forms = _string_map(data.get("forms"))
    # A phrase written out wins over a form of a phrasal verb that reads the same.
    phrasal = phrasal_phrases(_rewrites(data.get("phrasal_verbs")), forms)
    return English(
        stopwords=frozenset(_words(data.get("stopwords"))),
        question_words=tuple(sorted(QUESTION_WORDS)),  # one list, the knowledge model's
        role_words=_words(data.get("role_words")),
        how_many=tuple(clean(str(p)) for p in data.get("how_many") or ()),
        synonyms=tuple(tuple(group.split()) for group in data.get("synonyms") or ()),
        phrases=phrasal
        | _rewrites(data.get("question_forms"))
        | _rewrites(data.get("phrases"))
        | _rewrites(data.get("abbreviations")),
        spelling=_string_map(spelling.get("words")),
        endings=_endings(spelling.get("endings")),
        keep=frozenset(_words(spelling.get("keep"))),
        chat=_chat_words(data.get("chat")),
        forms=forms,
        role_forms=tuple(tuple(group.split()) for group in data.get("role_forms") or ()),
        abbreviations=_rewrites(data.get("abbreviations")),
        sound_alikes=_string_map(spelling.get("sound_alikes")),
        generic_things=frozenset(_words(data.get("generic_things"))),
        asking_words=frozenset(_words(data.get("asking_words"))),
        asked_by_last_word=_rewrites(data.get("asked_by_last_word")),
    )


def read_english_sections(folder: Traversable | None = None) -> dict[str, Any]:
    """Every section of the engine's general English, from the files of `english/` next to this module (or
    `folder`); each file holds whole sections: a section in two files is an error, not a merge."""
    sections: dict[str, Any] = {}
    folder = folder or resources.files("bot.answering") / "english"
    for part in sorted((p for p in folder.iterdir() if p.name.endswith(".yaml")), key=lambda p: p.name):
        # Every process reads these at import: libyaml's parser takes a tenth of the pure-Python one's time.
        data = yaml.load(part.read_text(encoding="utf-8"), Loader=_YAML_LOADER) or {}  # noqa: S506 - a safe loader
        if not isinstance(data, dict):
            raise ValueError(f"english/{part.name}: expected sections, found {type(data).__name__}")
        if twice := sections.keys() & data.keys():
            raise ValueError(f"english/{part.name}: {', '.join(sorted(twice))} already read from another file")
        sections.update(data)
    return sections


@lru_cache(maxsize=1)
def load_english() -> English:
    """The engine's general English, read once from the files of `english/`."""
    return _english(read_english_sections())


ENGLISH = load_english()
STOPWORDS = ENGLISH.stopwords
SYNONYM_GROUPS = ENGLISH.synonyms  # general ones only: a story's own are in its knowledge base


def is_filler(word: str) -> bool:
    """Whether a cleaned word carries no meaning for matching (the same for every knowledge base)."""
    return word in STOPWORDS


class Vocabulary:
    """General English plus one knowledge base's own vocabulary: how the engine reads words for that story."""

    def __init__(self, story: Iterable[Synonyms] = (), english: English = ENGLISH) -> None:
        self.english = english
        self.stopwords = english.stopwords
        phrases = dict(english.phrases)
        phrases.update({p: "how-many" for p in english.how_many})
        pairs: list[tuple[str, str]] = []
        for item in story:
            means = clean(item.means)
            for word in map(clean, item.words):
                if not word or not means or word == means:
                    continue
                if " " in word or " " in means or word in english.phrases:
                    phrases[word] = means  # "library van" -> "bookmobile", "24/7" -> "always"
                elif word in english.stopwords or word in english.question_words:
                    log.warning("vocabulary: %r is general English the engine reads itself; left out", word)
                else:
                    pairs.append((means, word))
        self.phrases = phrases
        # Shorthand is written out first, so phrases read the words meant ("wats up w" -> "what is up with");
        # shorthand a phrase spells itself ("u s", "petrol station") and a story's own reading wait for phrases.
        abbreviations = english.abbreviations
        in_phrases = {w for p in phrases if " " in p and p not in abbreviations for w in p.split()}
        waits = {k.split()[0] for k, v in abbreviations.items() if phrases.get(k) != v or in_phrases & set(k.split())}
        # ("wdym by" waits for "by", so "wdym" does too, or the first pass would leave the "by")
        self._abbreviation_table = PhraseTable({k: v for k, v in abbreviations.items() if k.split()[0] not in waits})
        self._phrase_table = PhraseTable(phrases)
        self.synonyms = self._synonyms(english.synonyms, pairs)
        self._terms: dict[str, str] = {}  # word -> term; a plain dict is the cheapest cache for the hottest function
        self._rewritten: dict[str, str] = {}  # a question is rewritten as it is read, then again as it is analysed

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_terms"], state["_rewritten"] = {}, {}  # caches: not worth storing
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def _synonyms(self, groups: Sequence[Sequence[str]], pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
        """Stem -> the stem of its group's first word. A story's pairs join groups: a word the story says
        means "pause" meets everything general English says means it too (its head stays the general one)."""
        table: dict[str, str] = {}
        heads: set[str] = set()
        for group in groups:
            head = self.root(group[0])
            heads.add(head)
            for word in group:
                table.setdefault(self.root(word), head)
        for means, word in pairs:
            a, b = self.root(means), self.root(word)
            a, b = table.get(a, a), table.get(b, b)
            if a == b:
                continue
            keep, gone = (b, a) if b in heads and a not in heads else (a, b)
            for key, value in table.items():
                if value == gone:
                    table[key] = keep
            table[gone] = keep
            table.setdefault(keep, keep)
        return table

    def spell(self, word: str) -> str:
        """The American spelling of a British one ("organisation" -> "organization"); other words as they are."""
        english = self.english
        found = english.spelling.get(word)
        if found is not None:
            return found
        if word in english.keep or len(word) < 5:
            return word
        for british, american, before in english.endings:
            if word.endswith(british) and len(word) - len(british) >= before:
                return word[: -len(british)] + american
        return word

    def root(self, word: str) -> str:
        """A word's spelling evened out, an irregular verb form read as its verb, and stemmed, before synonyms."""
        forms = self.english.forms
        spelt = self.spell(word)
        return stem(forms.get(word) or forms.get(spelt) or spelt)  # "criticised" is read as "criticized" is

    def term(self, word: str) -> str:
        """The matching term for one cleaned word: spelt one way, stemmed, then mapped to its synonym group."""
        found = self._terms.get(word)
        if found is None:
            rooted = self.root(word)
            found = self._terms[word] = self.synonyms.get(rooted, rooted)
            if len(self._terms) > 500_000:  # bounded: questions bring endless new words
                self._terms.clear()
        return found

    def is_filler(self, word: str) -> bool:
        return word in self.stopwords

    def rewrite_phrases(self, cleaned: str) -> str:
        found = self._rewritten.get(cleaned)
        if found is None:
            if len(self._rewritten) >= REMEMBERED_REWRITES:
                self._rewritten.clear()
            found = self._rewritten[cleaned] = self._rewrite(cleaned)
        return found

    def _rewrite(self, cleaned: str) -> str:
        cleaned = asked_in_full(write_out_amounts(cleaned), self.english)
        written_out = self._abbreviation_table.replace(cleaned.split(), lambda rewrite, _: rewrite.split())
        words = self._phrase_table.replace(written_out, lambda rewrite, _: rewrite.split())
        text = plain_question(" ".join(words))
        if "what" in words and "do" in words:
            text = _WHAT_DOES_DO.sub(_what_one_does, text)
        if words and words[-1] in _JOB_WORDS:
            text = _WHAT_JOB.sub(_who_is, text)
        if words and words[-1] == "deal":
            text = _WHATS_ITS_DEAL.sub(r"about \1", text)
        if "look" in text:
            text = _ANOTHER_LOOK.sub("review", _LOOK_AGAIN.sub(r"review \1", text))
        return text

    def words(self, text: str) -> list[str]:
        """The words of a text as the engine reads them: cleaned, phrases joined, shorthand written out."""
        return self.rewrite_phrases(clean(text)).split()


@cache
def general_vocabulary() -> Vocabulary:
    """General English with no story's words, one for the whole process: each copy holds about 1 MB of tables."""
    return Vocabulary()
