"""The stemmer in C (PyStemmer) that snowballstemmer picks up gives the stems of its pure-Python one: an engine
cached by one and a question read by the other still meet."""

from __future__ import annotations

import re

import snowballstemmer
import wordfreq
from snowballstemmer.english_stemmer import EnglishStemmer  # type: ignore[import-untyped]

from bot.answering.normalize import load_english, stem
from bot.knowledge import bundled_knowledge_dir

WORDS_CHECKED = 20_000  # the most frequent English words: what questions and stories are mostly made of


def test_the_fast_stemmer_is_in_use_and_stems_as_the_pure_python_one_does() -> None:
    english = load_english()
    words = set(wordfreq.top_n_list("en", WORDS_CHECKED))
    words |= {w for group in english.synonyms for w in group} | set(english.stopwords)
    for path in bundled_knowledge_dir().rglob("*.yaml"):
        words |= set(re.findall(r"[a-z]+", path.read_text(encoding="utf-8").lower()))
    reference = EnglishStemmer()
    differ = sorted(w for w in words if stem(w) != reference.stemWord(w))
    assert differ == []
    assert type(snowballstemmer.stemmer("english")).__module__ == "Stemmer"  # the C one is installed and used
