"""Role look-ups: a question that asks for someone by the role they hold ("who runs the council?") finds the
people who hold it, and the entries that name them."""

from __future__ import annotations

import pytest

from bot.answering import Engine
from bot.answering.ranking import BASE_FEATURES

HOLDS_ROLE = BASE_FEATURES.index("holds_asked_role")
KEYWORDS = BASE_FEATURES.index("keywords_cover_question")
CONTENT = BASE_FEATURES.index("content_covers_question")
PHRASING = BASE_FEATURES.index("phrasing_covers_question")


def _holders(engine: Engine, question: str) -> frozenset[str]:
    analysis = engine.analyse(question)
    return engine._roles.holders(analysis.cleaned, analysis.terms, analysis.speakers)


@pytest.mark.parametrize(
    ("question", "holders"),
    [
        ("who runs the city council", {"dana-okafor"}),  # the mayor heads the council she belongs to
        ("who's in charge of the city council?", {"dana-okafor"}),
        ("who leads the city council", {"dana-okafor"}),
        # a role the story uses as a name ("the representative") names its person: nothing to look up
        ("who is the representative for the library union", set()),
        ("who runs the library union", set()),  # its representative does not head it
        ("who is dana okafor", set()),  # a person named is not looked up by a role
        ("how much does the branch save", set()),  # asks for no one
    ],
)
def test_a_role_look_up_finds_the_people_who_hold_the_role(riverton: Engine, question: str, holders: set[str]) -> None:
    assert _holders(riverton, question) == holders


def test_the_entry_that_names_the_role_holder_is_ranked_first(riverton: Engine) -> None:
    ranked = riverton.rank(riverton.analyse("who runs the city council"))
    assert ranked[0].entry_id == "deciding-vote"
    assert ranked[0].features[HOLDS_ROLE] == 1.0
    assert all(scored.features[HOLDS_ROLE] == 0.0 for scored in ranked[1:] if scored.entry_id == "who-is-raman")


def test_asking_who_runs_something_reads_as_asking_who_heads_it(riverton: Engine) -> None:
    heads = riverton.analyse("who heads the city council").terms
    for question in ("who runs the city council", "who is in charge of the city council", "who leads the city council"):
        assert riverton.analyse(question).terms == heads


def test_counting_stops_reads_as_counting_stations(riverton: Engine) -> None:
    assert riverton.analyse("how many stops are there").terms == riverton.analyse("how many stations are there").terms


def test_an_entry_without_keywords_is_read_by_what_its_other_text_says(riverton: Engine) -> None:
    # Riverton's entries have no keywords: an entry is then measured by what both its phrasings and its
    # content speak of, not as if it had keywords that speak of nothing.
    ranked = riverton.rank(riverton.analyse("what replaces the elm street branch"))
    assert ranked[0].entry_id == "bookmobile"
    for scored in ranked:
        phrasing, content = scored.features[PHRASING], scored.features[CONTENT]
        assert scored.features[KEYWORDS] == min(phrasing, content)
    assert ranked[0].features[KEYWORDS] > 0.0
