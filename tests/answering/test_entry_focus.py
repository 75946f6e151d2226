"""What an entry is about, as against what its answer mentions: an entry that introduces someone and an entry
about one thing they do, in a story curated with two phrasings an entry (an invented ferry story)."""

from __future__ import annotations

import pytest

from bot.answering import Engine
from bot.answering.ranking import FEATURES
from bot.knowledge.model import Entry, Evidence, Kind, KnowledgeBase, Source, Speaker

COUNTS = "Harbor Lights shares its passenger counts with the port authority every month."
TEXT = f"Harbor Lights is the city's ferry company. {COUNTS} Harbor Lights carried 2 million riders last year."


def _evidence(*excerpts: str) -> tuple[Evidence, ...]:
    return tuple(Evidence("ferry", excerpt) for excerpt in excerpts)


@pytest.fixture(scope="module")
def engine() -> Engine:
    speakers = {
        "harbor-lights": Speaker("harbor-lights", "Harbor Lights", Kind.ORGANISATION),
        "port-authority": Speaker("port-authority", "Port Authority", Kind.ORGANISATION),
    }
    entries = [
        # Its answer says what the next entry says: only its phrasings tell that it introduces the company.
        Entry(
            "what-is-harbor-lights",
            ("What is Harbor Lights?", "Who runs the ferries?"),
            f"Harbor Lights is the city's ferry company. {COUNTS}",
            _evidence("Harbor Lights is the city's ferry company.", COUNTS),
            about=("harbor-lights",),
        ),
        Entry(
            "passenger-counts",
            ("What does the port authority get from the ferry company?", "Are passenger numbers reported?"),
            COUNTS,
            _evidence(COUNTS),
            keywords=("passenger counts", "shares"),
            about=("harbor-lights", "port-authority"),
        ),
        Entry(
            "riders",
            ("How many riders did the ferries carry?", "How busy are the ferries?"),
            "Harbor Lights carried 2 million riders last year.",
            _evidence("Harbor Lights carried 2 million riders last year."),
            about=("harbor-lights",),
        ),
    ]
    kb = KnowledgeBase({"ferry": Source("ferry", "Ferries", TEXT)}, speakers, {}, {e.id: e for e in entries})
    return Engine(kb)


def _features(engine: Engine, question: str) -> dict[str, dict[str, float]]:
    return {s.entry_id: dict(zip(FEATURES, s.features, strict=True)) for s in engine.ranked(question)}


def test_phrasings_and_keywords_together_say_what_an_entry_is_about(engine: Engine) -> None:
    found = _features(engine, "Does Harbor Lights share passenger counts?")
    # Both answers speak of everything asked; the curated phrasings and keywords of one of them do.
    assert found["passenger-counts"]["text_covers_question"] == found["what-is-harbor-lights"]["text_covers_question"]
    assert found["passenger-counts"]["focus_covers_question"] > 0.7
    assert found["what-is-harbor-lights"]["focus_covers_question"] < 0.4
    assert found["passenger-counts"]["focus_covers_question_over_rest"] > 0.0


def test_a_phrasing_of_a_name_alone_is_not_asked_by_a_question_about_something_it_does(engine: Engine) -> None:
    more = _features(engine, "What does Harbor Lights share with the port authority?")["what-is-harbor-lights"]
    alone = _features(engine, "what is harbor lights?")["what-is-harbor-lights"]
    # Both questions ask all of "What is Harbor Lights?"; only the second asks nothing more of it.
    assert more["question_covers_phrasing"] == alone["question_covers_phrasing"] == 1.0
    assert more["question_covers_phrasing_topic"] == 0.0
    assert alone["question_covers_phrasing_topic"] == 1.0


def test_a_phrasing_is_asked_for_what_it_says_beyond_its_names(engine: Engine) -> None:
    assert _features(engine, "how many riders did the ferries carry")["riders"]["question_covers_phrasing_topic"] == 1.0
    # All but "ferries": the question names the company instead.
    partly = _features(engine, "how many riders did harbor lights carry")["riders"]["question_covers_phrasing_topic"]
    assert 0.5 < partly < 1.0


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("Does Harbor Lights share passenger counts?", "passenger-counts"),
        ("What does Harbor Lights share with the port authority?", "passenger-counts"),
        ("what is harbor lights?", "what-is-harbor-lights"),
        ("how many riders did harbor lights carry", "riders"),
    ],
)
def test_the_entry_about_what_is_asked_ranks_first(engine: Engine, question: str, entry_id: str) -> None:
    assert engine.ranked(question)[0].entry_id == entry_id
