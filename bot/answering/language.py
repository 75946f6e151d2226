"""Is a question in English? StoryBot answers only in English, and says so kindly in the reader's language.

Detection compares how common the question's words are in English and in a few other languages, using
wordfreq's frequency lists (Zipf scale: 7 is "the", 0 is unheard of). "¿Quién es <a name>?" scores
about 5 points higher in Spanish than in English; names score about the same in every language, so they
do not tip the balance. A dictionary of frequencies suits questions of three or four words, where statistical
detectors built for paragraphs (langdetect, langid) guess; wordfreq is maintained, pure Python and
offline. Its small lists are read on the first question (or at start-up), all seven at once, into compact
tables of hashed words (`general_english.read_table`), then under 0.1 ms a question.

Pure: a string in, a language code out.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Container
from functools import cache, lru_cache

from bot.answering.general_english import FrequencyTable, read_table, table_zipf

log = logging.getLogger(__name__)

ENGLISH = "en"
UNKNOWN = "und"  # not English, but not a language we can name (e.g. another script)
# The languages compared with English: the most spoken in Latin script among Discord's locales.
CANDIDATES = ("es", "fr", "de", "pt", "it", "nl")
# A question is taken as another language when its words are this much more common there, in Zipf
# points over the whole question. Of 946 English questions (the evaluation sets and every phrasing in
# the knowledge base) none scores above 0.7; a short French "who is <name>?" scores 3.1, most others 5 and more.
MARGIN = 2.0
MIN_LETTERS_LATIN = 0.5  # below this share of Latin letters, the text is in another script
WORDLIST = "small"  # the most common words of each language: enough for questions, quick to load

# The polite reply, by Discord locale prefix. Only languages whose text we can vouch for.
POLITE_REPLIES: dict[str, str] = {
    "en": "Sorry, I can only answer in English. Please ask your question in English, and I'll answer from the story.",
    "es": "Lo siento, solo puedo responder en inglés. Haz tu pregunta en inglés y te responderé con la noticia.",
    "fr": "Désolé, je ne peux répondre qu'en anglais. Posez votre question en anglais et je répondrai d'après "
    "l'article.",
    "de": "Entschuldigung, ich kann nur auf Englisch antworten. Stell deine Frage bitte auf Englisch, dann "
    "antworte ich aus dem Artikel.",
    "pt": "Desculpe, só consigo responder em inglês. Faça a sua pergunta em inglês e eu respondo com base na "
    "reportagem.",
}


def polite_reply(locale: str | None) -> str:
    """The "I answer in English" note in the reader's locale ("es-ES", "pt-BR", "fr"), English otherwise."""
    prefix = (locale or ENGLISH).split("-")[0].lower()
    return POLITE_REPLIES.get(prefix, POLITE_REPLIES[ENGLISH])


@cache
def _tables() -> dict[str, FrequencyTable]:
    """Each language's list, held compactly as general English's is (`general_english.read_table`): a few MB for
    all seven, where wordfreq's own dictionaries of them took 15-20 MB."""
    from wordfreq import available_languages  # imported on first use: ~0.3 s that commands without questions skip

    paths = available_languages(WORDLIST)
    return {language: read_table(paths[language]) for language in (ENGLISH, *CANDIDATES)}


@lru_cache(maxsize=4096)
def _zipf(word: str, language: str) -> float:
    return table_zipf(_tables()[language], word)


@lru_cache(maxsize=4096)
def _frequencies(word: str) -> tuple[float, ...]:
    """A word's Zipf frequency in English, then in each of CANDIDATES."""
    return tuple(_zipf(word, lang) for lang in (ENGLISH, *CANDIDATES))


@lru_cache(maxsize=1)
def _chat_words() -> frozenset[str]:
    """The one-word chat, shorthand and greetings of the engine's general English (`english/`)."""
    from bot.answering.normalize import ENGLISH as WORDS

    chat = WORDS.chat
    phrases = (*WORDS.phrases, *chat.greetings, *chat.openers, *chat.closers, *chat.asides)
    return frozenset(p for p in phrases if " " not in p) | WORDS.stopwords


def _latin_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 1.0
    latin = sum(1 for c in letters if "LATIN" in unicodedata.name(c, ""))
    return latin / len(letters)


def load() -> None:
    """Read the word lists of every language told apart now (see `general_english.load`)."""
    detect("is this question written in English")


def detect(text: str, known: Container[str] = frozenset()) -> str:
    """ENGLISH, one of CANDIDATES, or UNKNOWN (another script). Unsure means English. `known`: words of the
    story being asked about (its names above all: "Renata Solis" is commoner in Spanish than in English)."""
    if _latin_share(text) < MIN_LETTERS_LATIN:
        return UNKNOWN
    from wordfreq.tokens import tokenize

    words = tokenize(text, ENGLISH)
    if not words:
        return ENGLISH
    frequencies = [_frequencies(w) for w in words]
    scores = {lang: sum(f[i] for f in frequencies) for i, lang in enumerate(CANDIDATES, 1)}
    # English chat ("wat", "da", "ayo", "pls") is English however rare in written English, and the story's own
    # words are the story's language: such a word counts as much for English as for the language it is
    # commonest in, so it never tips a question away.
    english = sum(max(f) if w in _chat_words() or w in known else f[0] for w, f in zip(words, frequencies, strict=True))
    best = max(scores, key=lambda lang: scores[lang])
    log.debug("language of %r: en %.1f, best %s %.1f", text, english, best, scores[best])
    return best if scores[best] - english >= MARGIN else ENGLISH
