"""Phrasal verbs are read in every form ("coughed up", "laid them off") as the one word they mean, and only
with their particle: "cough" alone is a cough. General English is read from its files, each section once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering.normalize import PhraseTable, Vocabulary, read_english_sections
from bot.answering.phrasal import phrasal_phrases, verb_forms


def terms(vocab: Vocabulary, text: str) -> list[str]:
    return [vocab.term(w) for w in vocab.words(text) if not vocab.is_filler(w)]


@pytest.mark.parametrize(
    ("verb", "forms"),
    [
        ("cough", {"coughs", "coughed", "coughing"}),
        ("step", {"steps", "stepped", "stepping"}),
        ("cut", {"cuts", "cutting"}),
        ("phase", {"phases", "phased", "phasing"}),
        ("pony", {"ponies", "ponied", "ponying"}),
        ("lay", {"lays", "laying", "laid"}),  # the irregular form comes from `forms`
    ],
)
def test_a_verb_has_its_regular_and_irregular_forms(verb: str, forms: set[str]) -> None:
    assert verb_forms(verb, {"laid": "lay", "paid": "pay"}) >= forms | {verb}


def test_a_phrasal_verb_is_every_form_of_it_with_or_without_a_pronoun_between() -> None:
    phrases = phrasal_phrases({"call off": "cancel", "do away with": "scrap"}, {})
    assert phrases["called off"] == phrases["calling it off"] == phrases["calls them off"] == "cancel"
    assert phrases["doing away with"] == "scrap"
    assert "doing it away with" not in phrases  # a pronoun only goes between a verb and its one particle


def test_a_phrasal_verb_needs_its_particle() -> None:
    with pytest.raises(ValueError, match="particle"):
        phrasal_phrases({"cough": "pay"}, {})


@pytest.mark.parametrize(
    ("asked", "plain"),
    [
        ("how much did they cough up", "how much did they pay"),
        ("who forked out for the stadium", "who paid for the stadium"),
        ("the plant laid them off", "the plant fired them"),
        ("they called it off in may", "they cancelled it in may"),
        ("the council did away with the fee", "the council scrapped the fee"),
        ("why did she stand down", "why did she resign"),
        ("the firm sold off its stores", "the firm sold its stores"),
        ("did they get rid of the cameras", "did they remove the cameras"),
        ("when did the rules come into force", "when did the rules start"),
        ("who hit back at the mayor", "who responded to the mayor"),
        ("did the nurses walk out", "did the nurses strike"),
        ("what did the firm offer to make up for the delay", "what did the firm offer to compensate the delay"),
    ],
)
def test_a_phrasal_verb_meets_the_word_it_means(english: Vocabulary, asked: str, plain: str) -> None:
    assert terms(english, asked) == terms(english, plain)


def test_the_verb_alone_keeps_its_own_meaning(english: Vocabulary) -> None:
    assert english.term("cough") != english.term("pay")
    assert terms(english, "he had a cough") == [english.term("cough")]
    assert terms(english, "they called the mayor") != terms(english, "they cancelled the mayor")


def test_a_phrase_table_finds_the_longest_phrase_among_many_that_share_a_first_word() -> None:
    table = PhraseTable({"pay": "P", "pay up": "PU", "pay it back": "PIB", "pay back": "PB", "back": "B"})
    assert table.find(["they", "pay", "it", "back"]) == [(1, 4, "PIB")]
    assert table.find(["pay", "up", "and", "pay", "back"]) == [(0, 2, "PU"), (3, 5, "PB")]
    assert table.find(["pay", "it"]) == [(0, 1, "P")]
    assert table.find(["nothing", "here"]) == []


def test_general_english_is_read_from_its_files_a_section_once(tmp_path: Path) -> None:
    sections = read_english_sections()
    assert {"stopwords", "synonyms", "phrases", "phrasal_verbs", "abbreviations", "spelling", "forms", "chat"} <= set(
        sections
    )
    (tmp_path / "a.yaml").write_text("phrases:\n  abt: about\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("forms:\n  grew: grow\n", encoding="utf-8")
    assert read_english_sections(tmp_path) == {"phrases": {"abt": "about"}, "forms": {"grew": "grow"}}
    (tmp_path / "c.yaml").write_text("phrases:\n  bc: because\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"c\.yaml: phrases already read"):
        read_english_sections(tmp_path)
