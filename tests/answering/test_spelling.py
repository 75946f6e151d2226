"""Which typos are corrected: short words by swapped letters or as question words; common words never."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
import yaml

from bot.answering import Engine
from bot.answering.spelling import short_word, typed_as_meant, unheard_of
from bot.benchmark.vocabulary import Names
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


def test_the_engine_corrects_short_typos_and_leaves_common_words_alone(riverton: Engine) -> None:
    analysis = riverton.analyse("hwo cast the vtoe on the whole budget")
    assert ("hwo", "who") in analysis.corrections
    assert ("vtoe", "vote") in analysis.corrections
    assert all(typed != "whole" for typed, _ in analysis.corrections)


def test_a_name_misspelt_into_a_known_stem_is_still_the_name(riverton: Engine) -> None:
    # "beckers" stems to "becker", a known stem, but only the name as typed right is the speaker's alias
    assert riverton.analyse("what did beckers say").speakers == riverton.analyse("what did becker say").speakers != ()


def test_a_name_two_edits_off_is_found_only_when_english_never_saw_the_word(riverton: Engine) -> None:
    assert unheard_of("okfoor") and not unheard_of("gillard")
    assert riverton.analyse("what did okfoor say").speakers == ("dana-okafor",)


def test_a_word_english_knows_well_is_a_name_of_its_own_not_a_typo(riverton: Engine) -> None:
    # "roman" (Zipf 4.5) and "diana" (4.0) are one letter from Raman and Dana, but are words and names of their own
    assert riverton.analyse("what did roman say").speakers == ()
    assert riverton.analyse("what did diana say").speakers == ()
    # A rarer spelling (3.3) asked of a story of a few people means its person
    assert riverton.analyse("what did rahman say").speakers == ("priya-raman",)


def _with_people(folder: Path, people: list[dict[str, object]]) -> Engine:
    """Riverton with more people in it."""
    shutil.copytree(RIVERTON, folder)
    path = folder / "people.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["people"] += people
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return Engine(load_knowledge(folder))


def _person(name: str) -> dict[str, object]:
    """A person known by full name and surname, as the story's people are."""
    return {"id": name.lower().replace(" ", "-"), "name": name, "kind": "person", "aliases": [name.split()[-1]]}


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """Riverton with two more people whose surnames are near Okafor's."""
    return _with_people(tmp_path_factory.mktemp("crowded") / "kb", [_person("Ben Okafer"), _person("Ada Okafora")])


def test_a_misspelt_name_as_near_two_names_is_neither(riverton: Engine, crowded: Engine) -> None:
    assert riverton.analyse("what did okafur say").speakers == ("dana-okafor",)
    # one letter from Okafor and from Okafer: which was meant is a guess
    assert crowded.analyse("what did okafur say").speakers == ()
    assert crowded.analyse("what did okafer say").speakers == ("ben-okafer",)


def test_a_name_two_letters_off_is_unsure_when_another_is_only_a_letter_further(
    riverton: Engine, crowded: Engine
) -> None:
    assert riverton.analyse("what did okfoor say").speakers == ("dana-okafor",)
    assert crowded.analyse("what did okfoor say").speakers == ()  # Okafor two edits off, Okafora three


def test_among_thousands_of_names_a_known_spelling_is_someone_else(tmp_path: Path) -> None:
    rng = random.Random(7)  # noqa: S311 - made-up names, the same on every run
    names = Names(rng)
    archive = _with_people(tmp_path / "kb", [_person(names.person()) for _ in range(2000)])
    assert archive.analyse("what did rahman say").speakers == ()  # a surname English knows (3.3)
    assert archive.analyse("what did rammn say").speakers == ("priya-raman",)  # a typo English never saw
