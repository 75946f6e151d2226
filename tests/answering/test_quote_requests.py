"""Asking for someone's words the ways people do in chat: reporting verbs ("what did X claim", "how did X
react"), possessives ("X's take"), a first name alone, and chat noise around the request. The one person meant
is quoted; a name the story doesn't hold is declined, never answered with another person's words; and a
question about a person that asks for no words still gets its answer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.answering import Engine
from bot.answering.answer import Answer, Outcome
from bot.knowledge import load_knowledge

HARBOUR = Path(__file__).parent / "harbour"


def _quoted(answer: Answer) -> set[str]:
    """Whose quotes a reply shows, in any of its parts."""
    return {a.speaker_id for a in (answer, *answer.parts) if a.outcome == Outcome.QUOTES and a.speaker_id}


@pytest.mark.parametrize(
    ("question", "speaker"),
    [
        ("what did quist claim", "nora-quist"),
        ("how did feld react", "omar-feld"),
        ("how did Amado respond?", "ruth-amado"),
        ("what did okoro argue", "ben-okoro"),
        ("did moss speak", "lila-moss"),
        ("what did ortiz write", "sam-ortiz"),
        ("quist's take", "nora-quist"),
        ("what's Moss's position", "lila-moss"),
        ("whats ortiz' view", "sam-ortiz"),
        ("Feld's reaction?", "omar-feld"),
        ("i want ortiz's quotes pls", "sam-ortiz"),
        ("@bot what did amado say to the press lol", "ruth-amado"),
        ("what did quist tell reporters 🤔", "nora-quist"),
        ("has okoro said anything", "ben-okoro"),
        ("what did the ferry chief argue", "nora-quist"),
        ("how did the ferry boss react", "nora-quist"),
    ],
)
def test_the_ways_people_ask_for_words_quote_the_person_meant(harbour: Engine, question: str, speaker: str) -> None:
    answer = harbour.ask(question)
    assert answer.outcome == Outcome.QUOTES
    assert answer.speaker_id == speaker
    assert answer.quotes


@pytest.mark.parametrize(
    ("question", "speaker"),
    [
        ("what did nora say", "nora-quist"),
        ("what does Omar think?", "omar-feld"),
        ("lol what's sam's take", "sam-ortiz"),
        ("what did dana say", "dana-okafor"),
        ("any quotes from tom?", "tom-becker"),
    ],
)
def test_a_first_name_alone_quotes_the_one_person_of_that_name(
    harbour: Engine, riverton: Engine, question: str, speaker: str
) -> None:
    engine = riverton if speaker in riverton.kb.speakers else harbour
    answer = engine.ask(question)
    assert answer.outcome == Outcome.QUOTES
    assert answer.speaker_id == speaker


def test_a_first_name_then_a_question_about_them_is_answered_with_their_words(harbour: Engine) -> None:
    assert "lila-moss" in _quoted(harbour.ask("Lila?? what did she say"))


def test_two_people_of_one_first_name_are_offered_not_guessed(tmp_path: Path) -> None:
    shutil.copytree(HARBOUR, tmp_path / "kb")
    people = tmp_path / "kb" / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("Omar Feld", "Nora Feld"), encoding="utf-8")
    answer = Engine(load_knowledge(tmp_path / "kb")).ask("what did nora say?")
    assert answer.outcome == Outcome.DECLINED
    assert answer.speaker_id is None
    offered = " ".join(s.question for s in answer.suggestions)
    assert "Nora Quist" in offered
    assert "Nora Feld" in offered


@pytest.mark.parametrize(
    "question",
    [
        "what did nora jones say",  # the story's Nora is Nora Quist, not this one
        "what did nora smith think?",
        "what did mark say",
        "what did bob claim",
        "bob's take?",
    ],
)
def test_someone_the_story_does_not_hold_is_declined_never_another_persons_words(
    harbour: Engine, question: str
) -> None:
    answer = harbour.ask(question)
    assert answer.outcome == Outcome.DECLINED
    assert not answer.quotes


@pytest.mark.parametrize(
    ("question", "not_quotes"),
    [
        ("did feld speak to the council?", "omar-feld"),  # whom he spoke to, not what he said
        ("how did the council react to the cuts?", "omar-feld"),  # he told the council of the cuts; not him
        ("who did quist talk to?", "nora-quist"),
    ],
)
def test_a_reporting_verb_that_asks_for_something_else_is_no_quote_request(
    harbour: Engine, question: str, not_quotes: str
) -> None:
    answer = harbour.ask(question)
    assert not_quotes not in _quoted(answer)


def test_a_question_about_a_person_that_asks_for_no_words_is_still_answered(riverton: Engine) -> None:
    answer = riverton.ask("who is okafor?")
    assert answer.outcome == Outcome.ANSWERED
    assert "Okafor" in answer.text


@pytest.mark.parametrize(
    ("name", "speaker"),
    [("nora", "nora-quist"), ("Quist, Nora", "nora-quist"), ("okoroo", "ben-okoro"), ("ms amado", "ruth-amado")],
)
def test_quote_finds_a_person_by_first_name_reversed_name_typo_or_title(
    harbour: Engine, name: str, speaker: str
) -> None:
    assert harbour.quote(name).speaker_id == speaker


@pytest.mark.parametrize("name", ["nora jones", "sam smith", "bob"])
def test_quote_of_someone_else_with_a_first_name_of_the_storys_is_declined(harbour: Engine, name: str) -> None:
    result = harbour.quote(name)
    assert result.speaker_id is None
    assert not result.quotes
    assert "nobody by that name" in result.message


def test_where_someone_stands_is_their_words(riverton: Engine) -> None:
    answer = riverton.ask("where does raman stand?")
    assert answer.outcome == Outcome.QUOTES
    assert answer.speaker_id == "priya-raman"


def test_a_body_with_two_quoted_members_offers_both(riverton: Engine) -> None:
    answer = riverton.ask("what did someone from the council claim?")
    assert answer.outcome == Outcome.DECLINED
    offered = " ".join(s.question for s in answer.suggestions)
    assert "Dana Okafor" in offered
    assert "Priya Raman" in offered


@pytest.mark.parametrize(
    "question", ["what did quist and feld say?", "quist & feld quotes", "what did Quist and Feld claim"]
)
def test_two_people_asked_for_side_by_side_are_both_quoted(harbour: Engine, question: str) -> None:
    assert _quoted(harbour.ask(question)) == {"nora-quist", "omar-feld"}


def test_one_person_asked_about_another_quotes_only_the_first(harbour: Engine) -> None:
    assert _quoted(harbour.ask("what did quist say about feld?")) <= {"nora-quist"}
