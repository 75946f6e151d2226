"""Proving a curated answer grounded: every figure, name and quoted phrase in it is in its support.

An entry's support is what the entry rests on: its evidence excerpts, the quotes it cites, and the
people and organisations it is about or quotes (their names, aliases, roles, affiliations and
descriptions). The answer may paraphrase, but three kinds of word must be found there:

- figures: numbers (`300`, `1.5 million`), money (`£120million`, `$3.5m`), percentages, months
  and counts in words (`two`, `one-year`, `dozens`), compared by value, so `two` is supported by `2`;
- names of people and organisations: a name the knowledge base knows counts through any of its
  aliases and possessives (`Acme's`); any other capitalised word that is not ordinary English at
  the start of a sentence must itself occur in the support;
- quoted phrases: words in quotation marks must be word for word in the support.

`Grounding` is built once per knowledge base (the names it knows and the words of its sources) and
then checks each entry in a few microseconds: it runs on every load.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from english_words import get_english_words_set

from bot.answering.normalize import STOPWORDS
from bot.knowledge.model import Entry, Quote, Speaker
from bot.knowledge.verbatim import squeeze
from bot.knowledge.word_hashes import WordHashes

__all__ = ["Grounding", "Unsupported", "is_english_word"]

ENGLISH_CACHE = 16_384  # words looked up again and again ("The", "It"): far fewer distinct ones than that
# Webster's Second (1934): ordinary words in lower case, proper nouns capitalised, and no company of today.
_WORD_LIST = "web2"


@cache
def _english() -> WordHashes:
    # Only the words written in lower case can meet a looked-up form (`is_english_word` lowers it); held as
    # hashes, the list takes about 2 MB where a set of its 235,000 strings took about 23 MB.
    words = get_english_words_set([_WORD_LIST], lower=False, alpha=True)
    return WordHashes(w for w in words if w.islower())


# The word list has each word once, in American spelling: endings to take off to find it ("signs", "paused").
_ENDINGS = (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("ly", ""))


@lru_cache(maxsize=ENGLISH_CACHE)
def is_english_word(word: str) -> bool:
    """Whether `word`, in lower case, is an ordinary English word (not only a name), inflected or British."""
    english = _english()
    lower = word.lower()
    forms = {lower, lower.replace("our", "or"), lower.replace("ise", "ize")}
    for form in list(forms):
        forms.update(
            form[: -len(end)] + new for end, new in _ENDINGS if form.endswith(end) and len(form) > len(end) + 2
        )
    return any(form in english for form in forms)


_SCALES = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}
_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
_UNITS += "seventeen eighteen nineteen"
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety"
_WORD_VALUES: dict[str, float] = {w: float(i) for i, w in enumerate(_UNITS.split())}
_WORD_VALUES.update({w: float(20 + 10 * i) for i, w in enumerate(_TENS.split())})
_WORD_VALUES.update({"hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "dozen": 12.0})
# Plural counts ("dozens of", "hundreds of") say how many only roughly: each is a figure of its own.
_VAGUE_COUNTS = frozenset({"dozens", "hundreds", "thousands", "millions", "billions", "scores"})
_MONTHS = frozenset(
    {"January", "February", "March", "April", "May", "June"}
    | {"July", "August", "September", "October", "November", "December"}
)

_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_SCALE = r"(?:thousand|million|billion|trillion|bn|mn|tn|m|k|b)"
_FIGURE = re.compile(
    rf"(?P<cur>[£$€¥])\s?(?P<money>{_NUMBER})(?:\s?(?P<mscale>{_SCALE}))?\b"
    rf"|(?P<num>{_NUMBER})(?:(?P<pct>\s?(?:%|per\s?cent\b|percent\b))"
    r"|\s?(?P<scale>thousand|million|billion|trillion|bn)\b)?",
    re.IGNORECASE,
)
_FIGURE_WORDS = frozenset(_WORD_VALUES) | _VAGUE_COUNTS
_LETTERS = re.compile(r"[^\W\d_]+")  # words, looked up one by one: far faster than an alternation of them
_QUOTED = re.compile(r"\"([^\"]+)\"|“([^”]+)”")
_CAPITALISED = re.compile(r"\b[A-Z][\w]*(?:[.&'’-][A-Z0-9][\w]*)*")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_OPENERS = "\"“(‘'[—–-"  # a sentence, a quotation or an aside starts after one of these
_STOPS = ".!?:;"  # and after one of these and a space
_WORDS = re.compile(r"[a-z]+(?:['’][a-z]+)?")
_WORD_CHARS = r"\w"
_FIRST_WORD = re.compile(r"\w+")
_WORD_START = re.compile(r"(?<!\w)\w+")
_CAPITALISED_START = re.compile(r"(?<!\w)[A-Z]\w*")


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


@dataclass(frozen=True, slots=True)
class Unsupported:
    """A word of an answer that its entry's support does not back, where it is and what to do."""

    word: str
    start: int  # offset in the answer
    kind: str  # "figure", "name" or "quote"

    @property
    def message(self) -> str:
        if self.kind == "figure":
            return (
                f"the answer says {self.word!r}, a figure that is not in this entry's evidence, quotes or people. "
                "Give the figure the evidence gives, or add the excerpt that says it to `evidence`."
            )
        if self.kind == "name":
            return (
                f"the answer names {self.word!r}, who is not in this entry's evidence, quotes or people. Name only "
                "whom the evidence names, or add the excerpt (or the person to `about`) that backs it."
            )
        return (
            f"the answer quotes {self.word!r}, which is not word for word in this entry's evidence or quotes. "
            "Quote the words exactly, or take the quotation marks away and paraphrase."
        )


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _figures(text: str) -> Iterable[tuple[tuple[str, str], str, int, bool]]:
    """(key, the words, offset, is it a figure on its own) for each figure in `text`.

    A figure found inside a larger one is given too, marked as not on its own: "£120million" in the
    support backs an answer's "120" as well.
    """
    spans = []
    for match in _FIGURE.finditer(text):
        start = match.start()
        spans.append(match.span())
        if match["cur"]:
            scale = _SCALES.get((match["mscale"] or "").lower(), 1.0)
            value = _number(match["money"])
            yield ("money", f"{match['cur']}{value * scale:g}"), match.group(), start, True
            yield ("number", f"{value * scale:g}"), match.group(), start, False
            yield ("number", f"{value:g}"), match.group(), start, False
        else:
            value = _number(match["num"])
            if match["pct"]:
                yield ("percent", f"{value:g}"), match.group(), start, True
                yield ("number", f"{value:g}"), match.group(), start, False
            elif match["scale"]:
                yield ("number", f"{value * _SCALES[match['scale'].lower()]:g}"), match.group(), start, True
                yield ("number", f"{value:g}"), match.group(), start, False
            else:
                yield ("number", f"{value:g}"), match.group(), start, True
    lower = text.lower()
    if _FIGURE_WORDS.isdisjoint(_LETTERS.findall(lower)) and _MONTHS.isdisjoint(_LETTERS.findall(text)):
        return  # the usual case, found without a look at each word
    for match in _LETTERS.finditer(text):
        word = match.group()
        lower = word.lower()
        if lower in _WORD_VALUES:
            key = ("number", f"{_WORD_VALUES[lower]:g}")
        elif lower in _VAGUE_COUNTS:
            key = ("count", lower)
        elif word in _MONTHS:  # "May" a month, "may" a verb
            key = ("month", word)
        else:
            continue  # other plurals ("tens", "ones") are ordinary words
        start = match.start()
        if not _inside(start, spans):  # "million" in "4.2 million" is part of that figure
            yield key, word, start, True


def _strip_possessive(word: str) -> str:
    return _POSSESSIVE.sub("", word)


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [match.span() for match in pattern.finditer(text)]


def _inside(start: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(low <= start < high for low, high in spans)


class Grounding:
    """Checks answers against their entries' support, for one knowledge base."""

    def __init__(self, speakers: Iterable[Speaker], source_texts: Iterable[str]) -> None:
        self._speakers: dict[str, Speaker] = {s.id: s for s in speakers}
        by_name: dict[str, set[str]] = {}
        for speaker in self._speakers.values():
            for name in speaker.names:
                if name.strip():
                    by_name.setdefault(name.strip(), set()).add(speaker.id)
        self._by_name = by_name
        names = sorted(by_name, key=len, reverse=True)
        # A known name as a whole word, possessive or not ("Acme's", "Bloggs’s").
        # Known names by their first word, longest first: each word of an answer is looked up, which stays
        # fast with thousands of people (one pattern of them all would try every name at every letter).
        self._names: dict[str, list[str]] = {}
        for name in names:
            first = _FIRST_WORD.match(name)
            self._names.setdefault(first.group() if first else name, []).append(name)
        # Names are capitalised as a rule: then only capitalised words need looking up.
        capitalised = all(key[:1].isupper() for key in self._names)
        self._starts = _CAPITALISED_START if capitalised else _WORD_START
        # Ordinary English: the words the sources use in lower case, and the common function words.
        # (made when first needed: most answers' capitalised words are names, or English)
        self._source_texts = tuple(source_texts)
        self._vocabulary: frozenset[str] | None = None

    def check(self, entry: Entry, quotes: Sequence[Quote], people: Sequence[Speaker] = ()) -> list[Unsupported]:
        """The words of `entry.answer` that its support does not back, in order.

        `quotes` are the entry's quotes, `people` the people and organisations it is about; the
        speakers of its quotes and the organisations of its people count as well.
        """
        answer = entry.answer
        backing = [e.excerpt for e in entry.evidence] + [q.text for q in quotes]
        involved = self._involved(quotes, people)
        support = " ".join([*backing, *(self._describe(s) for s in involved)])
        quoted = _spans(_QUOTED, answer)
        figures = list(_figures(answer))
        found: list[Unsupported] = []
        found += self._unsupported_quotes(answer, backing)
        found += self._unsupported_figures(figures, support, quoted)
        found += self._unsupported_names(answer, support, involved, quoted, {start for _, _, start, _ in figures})
        return sorted(found, key=lambda u: u.start)

    # ------------------------------------------------------------------ the three checks

    def _unsupported_quotes(self, answer: str, backing: Sequence[str]) -> list[Unsupported]:
        # Compared without regard to case: a quotation may start mid-sentence ("the firm said").
        squeezed = [squeeze(text).casefold() for text in backing]
        found = []
        for match in _QUOTED.finditer(answer):
            words = match.group(1) or match.group(2)
            needle = squeeze(words).rstrip(".,;:!?").casefold()
            if needle and not any(needle in text for text in squeezed):
                found.append(Unsupported(words, match.start(), "quote"))
        return found

    @staticmethod
    def _unsupported_figures(
        figures: Sequence[tuple[tuple[str, str], str, int, bool]], support: str, quoted: Sequence[tuple[int, int]]
    ) -> list[Unsupported]:
        if not figures:
            return []
        backed = {key for key, _, _, _ in _figures(support)}
        return [
            Unsupported(words, start, "figure")
            for key, words, start, whole in figures
            if whole and key not in backed and not _inside(start, quoted)
        ]

    def _unsupported_names(
        self,
        answer: str,
        support: str,
        involved: Sequence[Speaker],
        quoted: Sequence[tuple[int, int]],
        figures: set[int],  # where figures start ("June", "Two"): checked as figures
    ) -> list[Unsupported]:
        found: list[Unsupported] = []
        named: list[tuple[int, int]] = []  # spans of known names, checked as names
        involved_ids = {s.id for s in involved}
        for span in self._known_names(answer):
            named.append(span)
            start, end = span
            if _inside(start, quoted):
                continue
            ids = self._by_name[answer[start:end]]
            if ids & involved_ids:
                continue
            names = (name for ident in ids for name in self._speakers[ident].names)
            if any(self._occurs(name, support, ignore_case=True) for name in names):
                continue
            found.append(Unsupported(answer[start:end], start, "name"))
        for match in _CAPITALISED.finditer(answer):
            start = match.start()
            if start in figures or _inside(start, named) or _inside(start, quoted):
                continue
            word = _strip_possessive(match.group())
            if self._occurs(word, support) or self._ordinary(word, answer[:start]):
                continue
            found.append(Unsupported(word, start, "name"))
        return found

    # ------------------------------------------------------------------ helpers

    def _known_names(self, answer: str) -> list[tuple[int, int]]:
        """Where the answer names someone the knowledge base knows: (start, end), longest name first."""
        spans: list[tuple[int, int]] = []
        end = 0
        for word in self._starts.finditer(answer):
            start = word.start()
            if start < end:
                continue  # inside a name already found
            for name in self._names.get(word.group(), ()):
                stop = start + len(name)
                if answer.startswith(name, start) and (stop == len(answer) or not _is_word_char(answer[stop])):
                    spans.append((start, stop))
                    end = stop
                    break
        return spans

    def _involved(self, quotes: Sequence[Quote], people: Sequence[Speaker]) -> list[Speaker]:
        """The entry's people, the speakers of its quotes, and the organisations of all of them."""
        involved = {s.id: s for s in people}
        for quote in quotes:
            if quote.speaker and quote.speaker in self._speakers:
                involved.setdefault(quote.speaker, self._speakers[quote.speaker])
        for speaker in list(involved.values()):
            if speaker.affiliation and speaker.affiliation in self._speakers:
                involved.setdefault(speaker.affiliation, self._speakers[speaker.affiliation])
        return list(involved.values())

    @staticmethod
    def _describe(speaker: Speaker) -> str:
        return " ".join(part for part in (*speaker.names, speaker.role, speaker.description) if part)

    @staticmethod
    def _occurs(word: str, text: str, *, ignore_case: bool = False) -> bool:
        """Whether `word` is a whole word of `text` (a known name in any case: "Friends of the earth")."""
        if (word.lower() not in text.lower()) if ignore_case else (word not in text):
            return False  # the usual answer, without a pattern
        pattern = rf"(?<![{_WORD_CHARS}]){re.escape(word)}(?![{_WORD_CHARS}])"
        return re.search(pattern, text, re.IGNORECASE if ignore_case else 0) is not None

    def _ordinary(self, word: str, before: str) -> bool:
        """A capitalised word that is only capitalised because it starts a sentence (or a heading)."""
        if word.isupper() and len(word) > 1:
            return False  # an acronym is a name wherever it is
        tail = before.rstrip()
        if tail and tail[-1] not in _OPENERS and not (tail[-1] in _STOPS and len(before) > len(tail)):
            return False
        if is_english_word(word):
            return True
        if self._vocabulary is None:
            vocabulary = set(STOPWORDS)
            for text in self._source_texts:
                vocabulary.update(_WORDS.findall(text))
            self._vocabulary = frozenset(vocabulary)
        return word.lower() in self._vocabulary
