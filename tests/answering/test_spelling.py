"""Which typos are corrected: short words by swapped letters or as question words; common words never."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering import Engine
from bot.answering.spelling import short_word, typed_as_meant, unheard_of
from bot.knowledge import load_knowledge

RIVERTON = Path(__file__).parent / "riverton"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("wiht", "with"), ("waht", "what"), ("teh", "the"), ("hwo", "who"), ("wich", "which"), ("wher", "where")],
)
def test_a_short_typo_is_read_as_the_word_it_swaps_or_drops_a_letter_of(typed: str, meant: str) -> None:
    assert short_word(typed, set()) == meant


def test_a_short_typo_may_be_a_word_of_the_story() -> None:
    assert short_word("vtoe", {"vote"}) == "vote"
    assert short_word("vtoe", set()) is None


def test_a_dropped_letter_is_put_back_towards_the_story_s_words() -> None:
    assert short_word("stoy", {"story"}) == "story"
    assert short_word("beig", set()) == "being"  # everyday English
    assert short_word("fims", {"firms", "films"}) is None  # two readings: neither is sure
    assert short_word("fims", set()) is None


def test_a_doubled_letter_typed_once_is_doubled_back_towards_the_story_s_words() -> None:
    assert short_word("bil", {"bill"}) == "bill"
    assert short_word("bil", set()) is None


@pytest.mark.parametrize("word", ["vane", "boar", "fins"])
def test_a_rare_word_is_not_taken_for_a_dropped_letter(word: str) -> None:
    assert short_word(word, {"vance", "board", "fines"}) is None


@pytest.mark.parametrize("word", ["whole", "intro", "grew", "dose"])
def test_a_common_english_word_is_taken_as_typed(word: str) -> None:
    assert typed_as_meant(word)


@pytest.mark.parametrize("word", ["wiht", "goverments", "brenamen"])
def test_a_typo_is_not_a_common_word(word: str) -> None:
    assert not typed_as_meant(word)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_knowledge(RIVERTON))


def test_the_engine_corrects_short_typos_and_leaves_common_words_alone(engine: Engine) -> None:
    analysis = engine.analyse("hwo cast the vtoe on the whole budget")
    assert ("hwo", "who") in analysis.corrections
    assert ("vtoe", "vote") in analysis.corrections
    assert all(typed != "whole" for typed, _ in analysis.corrections)


def test_a_name_misspelt_into_a_known_stem_is_still_the_name(engine: Engine) -> None:
    # "beckers" stems to "becker", a known stem, but only the name as typed right is the speaker's alias
    assert engine.analyse("what did beckers say").speakers == engine.analyse("what did becker say").speakers != ()


def test_a_name_two_edits_off_is_found_only_when_english_never_saw_the_word(engine: Engine) -> None:
    assert unheard_of("okfoor") and not unheard_of("gillard")
    assert engine.analyse("what did okfoor say").speakers == ("dana-okafor",)
