"""The word-for-word check behind every quote and excerpt: what it forgives, and what it catches."""

from __future__ import annotations

import pytest

from bot.knowledge import bundled_knowledge_dir
from bot.knowledge.verbatim import SourceText, first_difference


@pytest.fixture(scope="module")
def article() -> SourceText:
    return SourceText.of((bundled_knowledge_dir() / "sources" / "tech-police-surveillance-2020.txt").read_text("utf-8"))


# (what a curator pasted, why it still counts as the article's own words)
FORGIVEN = [
    ("Amazon and Microsoft have not followed.", "copied exactly"),
    ("Amazon  and\nMicrosoft\n\thave not   followed.", "line breaks and runs of spaces"),
    ("   Amazon and Microsoft have not followed.  ", "spaces around it"),
    # The article prints curly apostrophes here; editors type straight ones.
    ("We're implementing a one-year moratorium on police use of Amazon's facial", "straight for curly apostrophes"),
    ("We’re implementing a one-year moratorium", "curly apostrophes as printed"),
    # ...and straight quotation marks where a curator may type curly ones.
    ("“We can’t survive without these technologies,” said Geoffrey Alpert", "curly for straight quotes"),
    # The article lost the space after some full stops ("every day.Ring seems").
    ("move freely every day. Ring seems to have anticipated public concerns", "the space a full stop lost"),
    ("move freely every day.Ring seems to have anticipated public concerns", "the text as printed"),
]


@pytest.mark.parametrize(("excerpt", "why"), FORGIVEN, ids=[why for _, why in FORGIVEN])
def test_what_copy_and_paste_changes_is_forgiven(article: SourceText, excerpt: str, why: str) -> None:
    assert article.contains(excerpt), why


# (an excerpt that is not the article's words, what changed)
CAUGHT = [
    ("Amazon and Microsoft have now followed.", "one letter of a word"),
    ("Amazon and Apple have not followed.", "one word"),
    ("Amazon and Microsoft have followed.", "a word left out"),
    ("Amazon and Microsoft have not yet followed.", "a word added"),
    ("amazon and microsoft have not followed.", "capital letters"),
    ("I think broadly tech companies want to have it both ways", "a comma left out"),
    ("We can't survive without these technologies!", "a full stop made an exclamation"),
    ("Microsoft and Amazon have not followed.", "words swapped"),
    ("IBM is the first major technology company to walk away from facial recognition software", "the last word"),
    ("", "nothing at all"),
    (" \n ", "only spaces"),
]


@pytest.mark.parametrize(("excerpt", "what"), CAUGHT, ids=[what for _, what in CAUGHT])
def test_a_changed_word_or_letter_is_caught(article: SourceText, excerpt: str, what: str) -> None:
    assert not article.contains(excerpt), what


def test_spacing_and_quotes_are_forgiven_in_the_source_too() -> None:
    source = SourceText.of("He said ‘no’.Then he\n left.")
    assert source.contains("He said 'no'. Then he left.")
    assert not source.contains("He said 'yes'. Then he left.")


# (the curator's words, the passage they meant, what the message should point at)
DIFFERENCES = [
    (
        "tech companies want to have it all ways",
        "tech companies want to have it both ways",
        "'all' where the source has 'both'",
    ),
    ("We think broadly", "I think broadly", "'We' where the source has 'I'"),
    ("have it both days", "have it both ways", "'days' where the source has 'ways'"),
    ("which video-sharing partnerships", "which has video-sharing partnerships", "the source has 'has' here"),
    ("which has has video-sharing", "which has video-sharing", "'has', which the source does not have here"),
    ("Amazon’s Ring", "Amazon's Ring", None),  # only the apostrophe differs, which is forgiven
]


@pytest.mark.parametrize(
    ("excerpt", "passage", "pointer"),
    DIFFERENCES,
    ids=["word", "first word", "last word", "word left out", "word added", "apostrophe only"],
)
def test_first_difference_names_the_changed_words(excerpt: str, passage: str, pointer: str | None) -> None:
    found = first_difference(excerpt, passage)
    if pointer is None:
        assert found is None
    else:
        assert found is not None and found.startswith(pointer), found


def test_a_long_difference_is_shortened_for_the_reader() -> None:
    ours = " ".join(f"word{i}" for i in range(30))
    theirs = " ".join(f"other{i}" for i in range(30))
    found = first_difference(ours, theirs)
    assert found is not None and "…" in found
    assert "word9" not in found  # the first few words are enough to find the place


# (an excerpt changed by a curator, the article's passage the message should offer to copy)
CLOSEST = [
    (
        "I think broadly, tech companies want to have it all ways",
        "I think broadly, tech companies want to have it both ways",
    ),
    (
        "That's in addition to Amazon's Ring doorbell camera system, which has video-swapping partnerships with "
        "more than 400 police departments.",
        "That's in addition to Amazon's Ring doorbell camera system, which has video-sharing partnerships with "
        "more than 400 police departments.",
    ),
    ("find another vender", "find another vendor"),
    # The article has no space after "day."; the passage is still cut at the sentence the curator meant.
    (
        "Ring seemed to have anticipated public concerns about a large network of cameras",
        "Ring seems to have anticipated public concerns about a large network of cameras",
    ),
]


@pytest.mark.parametrize(("excerpt", "passage"), CLOSEST, ids=["quote", "excerpt", "last word", "glued sentence"])
def test_closest_passage_is_the_sentence_the_curator_meant(article: SourceText, excerpt: str, passage: str) -> None:
    assert article.closest_passage(excerpt) == passage


def test_closest_passage_keeps_a_changed_first_word() -> None:
    source = SourceText.of('Intro. "I think broadly, tech companies want it," said Greer.')
    passage = source.closest_passage("We think broadly, tech companies want it")
    # The passage lines up with the excerpt, without the quotation marks around it, so the reader sees
    # which word to fix and can copy the rest.
    assert passage == "I think broadly, tech companies want it"
    assert first_difference("We think broadly, tech companies want it", passage) == "'We' where the source has 'I'"


def test_closest_passage_of_nothing_is_nothing(article: SourceText) -> None:
    assert article.closest_passage("") == ""
    assert SourceText.of("").closest_passage("anything") == ""


# ---------------------------------------------------------------------- the hint: aligned, with what differs


def test_a_paraphrase_gets_the_whole_sentence_it_paraphrases_not_a_few_similar_words(article: SourceText) -> None:
    paraphrase = (
        "The tech industry is under pressure to respond to police brutality because of its wealth, its lack of "
        "diversity and its financial ties to police."
    )
    found = article.align(paraphrase)
    assert found is not None
    assert found.passage.startswith("The technology industry is facing pressure to respond to the police-brutality")
    assert found.passage.endswith("its financial ties with law")  # as long as the paraphrase, not further
    assert "[technology]" in found.marked() and "[growing]" in found.marked()
    assert "[lack" not in found.marked()  # words the curator got right are not marked


def test_a_changed_figure_is_marked_in_the_passage(article: SourceText) -> None:
    found = article.align("Amazon has won £500million of public contracts in the past four years")
    assert found is not None
    assert found.marked() == "Amazon has won [£460million] of public contracts in the past four years"
    assert found.marked("**", "**") == "Amazon has won **£460million** of public contracts in the past four years"
    assert found.changed == ("£460million",)


def test_runs_of_differing_words_are_marked_once() -> None:
    found = SourceText.of("Ring works with more than 400 police departments today.").align(
        "Ring works with 900 police departments today."
    )
    assert found is not None and found.marked() == "Ring works with [more than 400] police departments today."


def test_nothing_in_common_gives_no_passage(article: SourceText) -> None:
    assert article.align("zzz qqq xxx") is None
