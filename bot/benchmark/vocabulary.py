"""Real English words with their real frequencies, names nobody has, and the question templates.

Topic words come from wordfreq's English list, drawn in proportion to how often English uses them
(a Zipf distribution, as in any real archive). A share of common words is never used in a base:
off-topic questions are made of those, so they are real English on other subjects. Names are
generated from syllables and checked against the word list, so no name is also an English word.

Words are kept apart by stem (Snowball's English stemmer), not only as spelt: a search engine, like a
reader, takes "recommended" and "recommend", "transfer" and "transfers" for one word. So no topic word
shares a stem with a word of the question frames ("can you recommend ...?" is not off-topic in a base that
says "recommended"), and every word of one stem is on one side: all topic words or all off-topic words.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import accumulate

import snowballstemmer
import wordfreq

WORDLIST_SIZE = 40_000  # English words to draw from: enough that rare words stay rare at 100,000 entries
FUNCTION_WORDS = 120  # the most frequent words ("the", "of", "was") are skipped: no topic is made of them
OFF_TOPIC_EVERY = 6  # one common word in six never appears in a base: off-topic questions use those
MIN_WORD_LENGTH = 3

# Frames readers put around a topic. Their own words are kept out of the topic vocabulary.
PLAIN_TEMPLATES = (
    "what happened with the {a} {b}?",
    "how did the {a} affect {b} and {c}?",
    "why is the {b} {c} important?",
    "who was behind the {a} in {c}?",
    "tell me about the {c} {a} and {b}",
    "when did the {a} {b} start?",
)
NAMED_TEMPLATES = (
    "what did {name} do about the {a} {b}?",
    "why did {name} get involved in the {a} {c}?",
    "how is {name} connected to the {a} {b}?",
    "when did {name} start the {b} {c}?",
    "{name} and the {a} {b}: what happened?",
    "what is the latest on {name} and the {c}?",
)
# The same words in another frame, as a reader who never saw the phrasings would put them.
REPHRASE_PLAIN = (
    "any news on the {a} {b}?",
    "what's the story with {a} and {b}",
    "{a} {b} {c}?? explain",
    "so what about the {b} {c}",
)
REPHRASE_NAMED = (
    "anything new about {name} and the {a}?",
    "{name} {a} {b} what's up",
    "what role did {name} play in the {b}?",
)
# Real questions on other subjects: everyday English, none of whose content words a base uses.
OFF_TOPIC_TEMPLATES = (
    "how do i get better at {a}?",
    "what is the best {a} for a {b}?",
    "can you recommend a good {a}?",
    "is it safe to eat {a} every day?",
    "what time does the {a} open on sunday?",
    "how long does it take to learn {a}?",
    "who won the {a} last night?",
    "what's the difference between {a} and {b}?",
    "why does my {a} keep making that noise?",
    "where can i find a cheap {a}?",  # not "buy": a word of `SYNONYMS`, which entries use
)
# Words people use for one another in questions; the benchmark's own list, so the engine's synonym
# table (if it has one) gets no head start: some of these it knows, some it does not.
SYNONYMS = (
    ("company", "firm", "business"),
    ("stop", "halt", "pause"),
    ("buy", "purchase", "acquire"),
    ("start", "begin", "launch"),
    ("big", "large", "huge"),
    ("help", "assist", "support"),
    ("show", "reveal", "display"),
    ("money", "cash", "funds"),
    ("police", "cops", "officers"),
    ("plan", "scheme", "proposal"),
    ("worker", "employee", "staffer"),
    ("fight", "battle", "struggle"),
    ("ban", "prohibit", "forbid"),
    ("city", "town", "municipality"),
    ("car", "vehicle", "automobile"),
    ("doctor", "physician", "medic"),
)
CHAT_OPENERS = ("hey bot", "@everyone", "yo", "ok so", "quick q:", "hi", "<@StoryBot>", "um")
CHAT_CLOSERS = ("lol", "pls", "??", "thx", "asap", "😅", "...", "fr")

_ONSETS = "b c d f g h j k l m n p r s t v w z br cl dr fl gr pl st tr ch sh th".split()  # noqa: SIM905
_VOWELS = "a e i o u ai ea ou io".split()  # noqa: SIM905
_CODAS = ("", "n", "r", "s", "t", "l", "m", "nd", "st", "rk")
ORGANISATION_KINDS = ("Group", "Holdings", "Institute", "Council", "Labs", "Partners", "Foundation", "Authority")


_STEM = snowballstemmer.stemmer("english").stemWord


def stem(word: str) -> str:
    """A word's stem, by which the benchmark tells words apart ("recommended" and "recommend" are one)."""
    return str(_STEM(word.lower()))


def _template_words(templates: tuple[str, ...]) -> set[str]:
    words = " ".join(templates).replace("?", " ").replace(":", " ").split()
    return {w.strip(".,'").lower() for w in words if "{" not in w}


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Topic words with cumulative frequency weights (for Zipf draws) and the words kept out."""

    topic: tuple[str, ...]
    cumulative: tuple[float, ...]
    off_topic: tuple[str, ...]  # common words no base uses, most frequent first

    def draw(self, rng: random.Random, count: int) -> list[str]:
        """`count` distinct topic words, each as likely as English makes it."""
        picked: dict[str, None] = {}  # a dict, not a set: the same order on every run
        while len(picked) < count:
            picked.update(dict.fromkeys(rng.choices(self.topic, cum_weights=self.cumulative, k=count)))
        return list(picked)[:count]

    def sub(self, rng: random.Random, size: int) -> Vocabulary:
        """A story's own vocabulary: `size` words drawn from this one, keeping their frequencies."""
        words = self.draw(rng, size)
        weights = [wordfreq.word_frequency(w, "en") for w in words]
        return Vocabulary(tuple(words), tuple(accumulate(weights)), self.off_topic)


def english(stopwords: frozenset[str] = frozenset()) -> Vocabulary:
    """The topic vocabulary and the off-topic words, from wordfreq's English list."""
    reserved = _template_words(
        PLAIN_TEMPLATES + NAMED_TEMPLATES + REPHRASE_PLAIN + REPHRASE_NAMED + OFF_TOPIC_TEMPLATES
    )
    reserved |= {w for group in SYNONYMS for w in group}
    reserved_stems = {stem(w) for w in reserved}
    topic: list[str] = []
    off_topic: list[str] = []
    side: dict[str, list[str]] = {}  # each stem's side, set by its most frequent word
    listed = wordfreq.top_n_list("en", WORDLIST_SIZE)
    for rank, word in enumerate(listed[FUNCTION_WORDS:]):
        if not word.isascii() or not word.isalpha() or len(word) < MIN_WORD_LENGTH or word in stopwords:
            continue
        root = stem(word)
        if word in reserved or root in reserved_stems:
            continue
        side.setdefault(root, off_topic if rank % OFF_TOPIC_EVERY == 0 else topic).append(word)
    weights = [wordfreq.word_frequency(w, "en") for w in topic]
    return Vocabulary(tuple(topic), tuple(accumulate(weights)), tuple(off_topic))


class Names:
    """Made-up names, each word used once: people ("Brandel Troust") and organisations ("Vaskor Labs")."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.english = set(wordfreq.top_n_list("en", WORDLIST_SIZE))

    def _word(self) -> str:
        while True:
            syllables = self.rng.choice((2, 2, 3))
            word = "".join(
                self.rng.choice(_ONSETS) + self.rng.choice(_VOWELS) + self.rng.choice(_CODAS) for _ in range(syllables)
            )
            if word not in self.used and word not in self.english:
                self.used.add(word)
                return word.title()

    def person(self) -> str:
        return f"{self._word()} {self._word()}"

    def organisation(self) -> str:
        return f"{self._word()} {self.rng.choice(ORGANISATION_KINDS)}"
