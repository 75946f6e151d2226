"""The compact English frequency table gives every word the Zipf value wordfreq's own dictionary gives it."""

from __future__ import annotations

import math

from wordfreq import get_frequency_dict

from bot.answering.general_english import rarity, zipf


def _wordfreq_zipf(frequencies: dict[str, float], word: str) -> float:
    frequency = frequencies.get(word, 0.0)
    return math.log10(frequency) + 9.0 if frequency > 0.0 else 0.0


def test_every_english_word_has_wordfreqs_zipf_value_to_the_last_bit() -> None:
    frequencies = get_frequency_dict("en", wordlist="best")
    differing = [w for w in frequencies if zipf(w) != _wordfreq_zipf(frequencies, w)]
    assert differing == []


def test_words_english_has_no_record_of_are_zero_even_when_their_string_hash_matches_a_word() -> None:
    frequencies = get_frequency_dict("en", wordlist="best")
    # "火" is held in memory as the same two bytes as "kp": Python's string hash cannot tell them apart.
    for made_up in ("zqxjvbnm", "palantirqx", "火kp", "kp火", "ｋｐ"):
        assert made_up not in frequencies
        assert zipf(made_up) == 0.0 and rarity(made_up) == 1.0
    assert zipf("kp") == _wordfreq_zipf(frequencies, "kp") > 0.0
    assert zipf("火") == _wordfreq_zipf(frequencies, "火") > 0.0


def test_common_words_barely_count_and_rare_ones_fully() -> None:
    assert zipf("the") > zipf("uncle") > zipf("palantir") > 0.0
    assert rarity("the") == 0.0 and rarity("zqxjvbnm") == 1.0
    assert 0.0 < rarity("uncle") < 1.0
