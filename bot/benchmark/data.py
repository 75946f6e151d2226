"""Synthetic knowledge bases made of real English, and questions asked as people ask them.

A base holds several stories. Each story has its own vocabulary (a few hundred English words drawn
by frequency), its own people and organisations, its sources and its entries; some words are shared
between stories, as in a real archive. Questions come in three kinds:

- answerable: an entry's phrasing perturbed as people perturb it (typos, dropped and reordered words,
  synonyms, another frame for the same words, chat noise);
- near-miss: a phrasing that names someone, with the name swapped for one the base does not hold;
- off-topic: everyday English questions on other subjects, in words no base uses.

Each question is what its label says, by rules a reader would agree with:

- A near-miss's stranger is someone else, not a misspelling. People misspell a name by ear, a letter or
  two ("Greeer", "Okfoor"), so a made-up stranger whose name word is `TYPO_EDITS` edits or fewer (OSA:
  a letter added, dropped, changed, or two swapped) from a name word the base holds reads as that name,
  and another stranger is drawn. A stranger that close is fair only when English knows both words as
  words of their own (wordfreq records each: "Hanson" and "Hansen" are two surnames): the generator's
  made-up names never are, so its strangers are all at least `TYPO_EDITS + 1` edits from every name.
- An off-topic question shares no stem with the base (see `vocabulary`): a question that asks to
  "recommend" something in a base whose phrasings say "recommended" is about the base's words.

Generation is deterministic: the same size and seed write the same files and questions.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import process
from rapidfuzz.distance import OSA
from wordfreq import zipf_frequency

from bot.benchmark.vocabulary import (
    CHAT_CLOSERS,
    CHAT_OPENERS,
    NAMED_TEMPLATES,
    OFF_TOPIC_TEMPLATES,
    ORGANISATION_KINDS,
    PLAIN_TEMPLATES,
    REPHRASE_NAMED,
    REPHRASE_PLAIN,
    SYNONYMS,
    Names,
    Vocabulary,
    english,
)
from bot.knowledge.loader import phrasing_key

SEED = 20200610
ANSWERABLE, NEAR_MISSES, OFF_TOPIC = 160, 40, 40  # questions per size
ENTRIES_PER_STORY = 1000
MIN_STORIES = 3
STORY_WORDS = 500  # words one story's entries are made of
SHARED_WORD_SHARE = 0.2  # entries with one word from all of English rather than their story
NAMED_SHARE = 0.6  # entries about a person or organisation
ENTRIES_PER_SPEAKER = 20
SYNONYM_SHARE = 0.3  # entries with a word readers may say another way
PHRASINGS = 4  # tried per entry; one equal to an earlier entry's is left out
ENTRIES_PER_FILE = 2000
ENTRIES_PER_SOURCE = 50
ANSWERABLE_KINDS = ("typo", "drop", "reorder", "synonym", "rephrase", "noise", "noise+typo", "noise+drop")
TYPO_MIN_LENGTH = 5
# A name word this many edits or fewer from another reads as a misspelling of it: names are spelt by ear,
# a letter or two off ("Hallorann" for "Halloran", "Okfoor" for "Okafor"); three edits make another name.
TYPO_EDITS = 2
STRANGER_TRIES = 1000  # made-up names drawn for one near-miss before giving up on its phrasing
_KINDS = frozenset(k.lower() for k in ORGANISATION_KINDS)


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    entry_id: str | None  # None: the base does not answer it, and it should be declined
    kind: str  # an ANSWERABLE_KINDS value, "near-miss" or "off-topic"


@dataclass(slots=True)
class _Entry:
    id: str
    words: list[str]
    phrasings: list[str]
    speaker: dict[str, Any] | None  # the person or organisation it is about
    named: list[str] = field(default_factory=list)  # the name as written in each phrasing ("" if none)


@dataclass(slots=True)
class Generated:
    questions: list[Question]
    phrasings: list[tuple[str, str]]  # (entry id, phrasing), every phrasing of the base


def _dump(path: Path, data: Any) -> None:
    with path.open("w", encoding="utf-8") as handle:
        yaml.dump(data, handle, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False, width=1000)


class _Writer:
    """Writes one base, story by story, and remembers what questions need."""

    def __init__(self, directory: Path, rng: random.Random, vocabulary: Vocabulary) -> None:
        self.directory, self.rng, self.vocabulary = directory, rng, vocabulary
        self.names = Names(rng)
        self.sources: list[dict[str, Any]] = []
        self.people: list[dict[str, Any]] = []
        self.quotes: list[dict[str, Any]] = []
        self.entries: list[_Entry] = []
        self.items: list[dict[str, Any]] = []  # entries not yet written to a file
        self.files = 0
        self.seen: set[str] = set()
        for folder in ("sources", "entries"):
            (directory / folder).mkdir(parents=True, exist_ok=True)

    def story(self, number: int, size: int) -> None:
        rng = self.rng
        words = self.vocabulary.sub(rng, STORY_WORDS)
        speakers = []
        for k in range(max(2, size // ENTRIES_PER_SPEAKER)):
            person = k % 3 != 2
            name = self.names.person() if person else self.names.organisation()
            alias = name.split()[1] if person else name.split()[0]
            speaker: dict[str, Any] = {
                "id": f"s{number}-p{k}",
                "name": name,
                "kind": "person" if person else "organisation",
            }
            speaker |= {"aliases": [alias], "role": "spokesperson" if person else None}
            speakers.append(speaker)
        self.people += speakers
        sentences: list[list[str]] = [[] for _ in range((size + ENTRIES_PER_SOURCE - 1) // ENTRIES_PER_SOURCE)]
        for i in range(size):
            entry = self._entry(f"s{number}-e{i}", words, rng.choice(speakers) if rng.random() < NAMED_SHARE else None)
            if entry is None:
                continue
            a, b, c, d = entry.words
            who = entry.speaker["name"] if entry.speaker else "Reports"
            sentence = f"{who} linked the {a} {b} to {c} and {d}."
            sentences[i // ENTRIES_PER_SOURCE].append(sentence)
            source = f"s{number}-source{i // ENTRIES_PER_SOURCE}"
            item: dict[str, Any] = {
                "id": entry.id,
                "questions": entry.phrasings,
                "answer": f"The {a} {b} was tied to {c} and {d}.",
                "evidence": [{"source": source, "excerpt": sentence}],
            }
            if entry.speaker:
                item["about"] = [entry.speaker["id"]]
            self.items.append(item)
            self.entries.append(entry)
            if len(self.items) == ENTRIES_PER_FILE:
                self.flush()
        for k, speaker in enumerate(s for s in speakers if s["kind"] == "person"):
            a, b = words.draw(rng, 2)
            text = f"We never expected the {a} to {b} like that"
            sentences[0].append(f'"{text}," said {speaker["name"]}.')
            quote = {"id": f"s{number}-q{k}", "speaker": speaker["id"], "text": text, "source": f"s{number}-source0"}
            self.quotes.append(quote)
        for k, body in enumerate(sentences):
            name = f"s{number}-source{k}"
            (self.directory / "sources" / f"{name}.txt").write_text(" ".join(body) + "\n", encoding="utf-8")
            self.sources.append(
                {"id": name, "title": f"Story {number}, report {k}", "text_file": f"sources/{name}.txt"}
            )

    def _entry(self, entry_id: str, words: Vocabulary, speaker: dict[str, Any] | None) -> _Entry | None:
        rng = self.rng
        topic = words.draw(rng, 4)
        if rng.random() < SHARED_WORD_SHARE:
            other = self.vocabulary.draw(rng, 1)[0]
            if other not in topic:
                topic[3] = other
        if rng.random() < SYNONYM_SHARE:
            topic[rng.randrange(4)] = rng.choice(rng.choice(SYNONYMS))
        templates = rng.sample(PLAIN_TEMPLATES, PHRASINGS)
        if speaker:
            templates[:2] = rng.sample(NAMED_TEMPLATES, 2)
            rng.shuffle(templates)
        entry = _Entry(entry_id, topic, [], speaker)
        a, b, c, d = topic
        for template in templates:
            name = ""
            if "{name}" in template and speaker:
                name = rng.choice((speaker["name"], speaker["aliases"][0]))
            text = template.format(a=a, b=b, c=rng.choice((c, d)), name=name)
            key = phrasing_key(text)
            if key not in self.seen:
                self.seen.add(key)
                entry.phrasings.append(text)
                entry.named.append(name)
        return entry if entry.phrasings else None

    def flush(self) -> None:
        if self.items:
            _dump(self.directory / "entries" / f"entries-{self.files:03d}.yaml", {"entries": self.items})
            self.files += 1
            self.items = []

    def finish(self) -> None:
        self.flush()
        _dump(self.directory / "sources.yaml", {"sources": self.sources})
        _dump(self.directory / "people.yaml", {"people": self.people, "quotes": self.quotes})


def generate(directory: Path, entries: int, seed: int = SEED, stopwords: frozenset[str] = frozenset()) -> Generated:
    """Write a knowledge directory of about `entries` entries; return its questions and phrasings."""
    rng = random.Random(seed + entries)
    vocabulary = english(stopwords)
    writer = _Writer(directory, rng, vocabulary)
    stories = max(MIN_STORIES, round(entries / ENTRIES_PER_STORY))
    for number in range(stories):
        writer.story(number, entries // stories + (number < entries % stories))
    writer.finish()
    questions = _answerable(rng, writer.entries) + _near_misses(rng, writer) + _off_topic(rng, vocabulary)
    phrasings = [(e.id, p) for e in writer.entries for p in e.phrasings]
    return Generated(questions, phrasings)


# ------------------------------------------------------------------------------------ perturbing


def _typo(rng: random.Random, words: list[str]) -> list[str]:
    long_words = [i for i, w in enumerate(words) if len(w) >= TYPO_MIN_LENGTH and w.isalpha()]
    if not long_words:
        return words
    i = rng.choice(long_words)
    w, j = words[i], rng.randrange(1, len(words[i]) - 1)
    how = rng.randrange(4)
    if how == 0:  # two letters swapped
        w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    elif how == 1:  # one left out
        w = w[:j] + w[j + 1 :]
    elif how == 2:  # one doubled
        w = w[:j] + w[j] + w[j:]
    else:  # one replaced by its neighbour in the alphabet
        w = w[:j] + chr((ord(w[j].lower()) - ord("a") + 1) % 26 + ord("a")) + w[j + 1 :]
    return [*words[:i], w, *words[i + 1 :]]


def _drop(rng: random.Random, words: list[str]) -> list[str]:
    if len(words) <= 3:
        return words
    del words[rng.randrange(len(words))]
    return words


def _reorder(rng: random.Random, words: list[str]) -> list[str]:
    """The end of the question moved to the front ("the flood insurance, what happened with it")."""
    if len(words) < 3:
        return words
    cut = rng.randrange(1, len(words))
    return words[cut:] + words[:cut]


def _synonym(rng: random.Random, words: list[str]) -> list[str]:
    for i, w in enumerate(words):
        group = next((g for g in SYNONYMS if w.lower() in g), None)
        if group:
            words[i] = rng.choice([x for x in group if x != w.lower()])
            return words
    return _typo(rng, words)


def _noise(rng: random.Random, text: str) -> str:
    if rng.random() < 0.5:
        text = text.lower().rstrip("?")
    return f"{rng.choice(CHAT_OPENERS)} {text} {rng.choice(CHAT_CLOSERS)}"


def _perturb(rng: random.Random, entry: _Entry, kind: str) -> str:
    number = rng.randrange(len(entry.phrasings))
    if kind == "rephrase":
        a, b, c, _ = entry.words
        if entry.speaker and rng.random() < 0.5:
            return rng.choice(REPHRASE_NAMED).format(name=entry.speaker["aliases"][0], a=a, b=b, c=c)
        return rng.choice(REPHRASE_PLAIN).format(a=a, b=b, c=c)
    words = entry.phrasings[number].rstrip("?").split()
    if kind.endswith("typo"):
        words = _typo(rng, words)
    elif kind.endswith("drop"):
        words = _drop(rng, words)
    elif kind == "reorder":
        words = _reorder(rng, words)
    elif kind == "synonym":
        words = _synonym(rng, words)
    text = " ".join(words) + "?"
    return _noise(rng, text) if kind.startswith("noise") else text


def _answerable(rng: random.Random, entries: list[_Entry]) -> list[Question]:
    with_synonym = [e for e in entries if any(w in g for g in SYNONYMS for w in e.words)]
    questions = []
    for i in range(ANSWERABLE):
        kind = ANSWERABLE_KINDS[i % len(ANSWERABLE_KINDS)]
        entry = rng.choice(with_synonym if kind == "synonym" and with_synonym else entries)
        questions.append(Question(_perturb(rng, entry, kind), entry.id, kind))
    return questions


def name_words(people: list[dict[str, Any]]) -> list[str]:
    """The words of the base's names, lower-cased, without the organisation kinds ("Labs") all share."""
    words = {w.lower() for p in people for n in (p["name"], *p["aliases"]) for w in n.split()}
    return sorted(words - _KINDS)


def _known(word: str) -> bool:
    """Whether English knows a word as a word of its own (wordfreq has a frequency for it)."""
    return zipf_frequency(word, "en") > 0.0


def reads_as_typo(stranger: str, names: list[str]) -> bool:
    """Whether a word of a stranger's name is within a misspelling of a name word of the base (`TYPO_EDITS`),
    and not both words are known to English ("Hanson" beside "Hansen" is another surname, not a typo)."""
    for word in set(stranger.lower().split()) - _KINDS:
        near = process.extract(word, names, scorer=OSA.distance, score_cutoff=TYPO_EDITS, limit=None)
        if any(not (_known(word) and _known(str(name))) for name, _, _ in near):
            return True
    return False


def _stranger(writer: _Writer, person: bool, names: list[str]) -> str | None:
    """A made-up name of the kind asked that the base does not hold and that is no misspelling of one."""
    for _ in range(STRANGER_TRIES):
        stranger = writer.names.person() if person else writer.names.organisation()
        if not reads_as_typo(stranger, names):
            return stranger
    return None


def _near_misses(rng: random.Random, writer: _Writer) -> list[Question]:
    """Named phrasings with the name swapped for one of the same kind that the base does not hold and that
    no reader would take for a misspelling of one it does."""
    named = [(e, i) for e in writer.entries for i, name in enumerate(e.named) if name]
    names = name_words(writer.people)
    questions = []
    for entry, i in rng.sample(named, min(NEAR_MISSES, len(named))):
        assert entry.speaker is not None  # noqa: S101 - named phrasings belong to entries about someone
        person = entry.speaker["kind"] == "person"
        stranger = _stranger(writer, person, names)
        if stranger is None:
            continue
        if entry.named[i] == entry.speaker["aliases"][0]:  # the surname (or short name) was used: use theirs
            stranger = stranger.split()[1] if person else stranger.split()[0]
        text = entry.phrasings[i].replace(entry.named[i], stranger)
        questions.append(Question(_noise(rng, text) if rng.random() < 0.5 else text, None, "near-miss"))
    return questions


def _off_topic(rng: random.Random, vocabulary: Vocabulary) -> list[Question]:
    common = vocabulary.off_topic[: len(vocabulary.off_topic) // 3]
    questions = []
    for _ in range(OFF_TOPIC):
        a, b = rng.sample(common, 2)
        text = rng.choice(OFF_TOPIC_TEMPLATES).format(a=a, b=b)
        questions.append(Question(_noise(rng, text) if rng.random() < 0.5 else text, None, "off-topic"))
    return questions
