"""A word list held as hashes answers membership as the set of its strings does."""

from __future__ import annotations

from bot.knowledge.grounding import is_english_word
from bot.knowledge.word_hashes import WordHashes


def test_membership_is_that_of_the_words() -> None:
    words = ["moratorium", "police", "kp", "火", "naïve", "police"]
    table = WordHashes(words)
    assert len(table) == 5  # a word given twice is held once
    assert all(w in table for w in words)
    assert "polic" not in table and "Police" not in table and "" not in table and 3 not in table


def test_english_words_are_told_from_names_and_inventions() -> None:
    assert all(is_english_word(w) for w in ("signs", "paused", "colour", "organise", "The"))
    assert not any(is_english_word(w) for w in ("palantir", "clearview", "zxqv"))
