"""The engine on a story that shares nothing with the shipped one: a small invented knowledge base in
`riverton/` (a council closing a library branch), with its own vocabulary and examples.

Nothing in the engine may be tuned to the shipped story: these table tests pass on a knowledge
directory in which none of its people, companies or words appear.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.answering import Engine, Outcome
from bot.answering.answer import to_json
from bot.knowledge import bundled_knowledge_dir, load_knowledge

RIVERTON = Path(__file__).parent / "riverton"


def test_the_invented_story_shares_no_name_or_phrase_with_the_shipped_one() -> None:
    shipped = load_knowledge(bundled_knowledge_dir())
    words = {n.casefold() for s in shipped.speakers.values() for n in s.names if len(n) > 3}
    words |= {w.casefold() for item in shipped.vocabulary for w in item.words if " " in w}
    text = " ".join(p.read_text(encoding="utf-8") for p in RIVERTON.rglob("*") if p.is_file()).casefold()
    assert not {w for w in words if w in text}


ANSWERS = [
    ("how did the council vote on the library?", "vote-result"),
    ("hey bot how did the council vote??", "vote-result"),
    ("<@1> yo what was the vote lol", "vote-result"),
    ("how much does closing the lib save", "savings"),  # the story's own vocabulary: lib, closing
    ("who cast the deciding vote on the library closure", "deciding-vote"),
    ("will the workers lose their jobs?", "staff-jobs"),
]


@pytest.mark.parametrize(("question", "entry"), ANSWERS)
def test_answers_the_entry_that_matches(riverton: Engine, question: str, entry: str) -> None:
    answer = riverton.ask(question)
    assert answer.outcome is Outcome.ANSWERED, answer.text
    assert answer.entry is not None and answer.entry.id == entry
    assert answer.question == question, "the question is shown as asked"
    assert answer.evidence


@pytest.mark.parametrize(
    "question",
    ["did the council close the hospital?", "who is the mayor of london", "what's the weather tomorrow?"],
)
def test_declines_what_the_story_does_not_say(riverton: Engine, question: str) -> None:
    answer = riverton.ask(question)
    assert answer.outcome is Outcome.DECLINED
    assert all(s.entry_id in riverton.kb.entries for s in answer.suggestions)


@pytest.mark.parametrize(
    ("question", "speaker"),
    [
        ("what did becker say", "tom-becker"),
        ("quotes from okafor", "dana-okafor"),
        ("what did raman say?", "priya-raman"),
    ],
)
def test_asking_what_someone_said_returns_their_quotes(riverton: Engine, question: str, speaker: str) -> None:
    answer = riverton.ask(question)
    assert answer.outcome is Outcome.QUOTES
    assert {view.quote.speaker for view in answer.quotes} == {speaker}


def test_a_two_part_question_answers_both_parts(riverton: Engine) -> None:
    answer = riverton.ask("how did the council vote? also what happens to the staff")
    assert [part.entry.id if part.entry else None for part in answer.parts] == ["vote-result", "staff-jobs"]
    assert answer.entry is not None and answer.entry.id == "vote-result"
    assert all(part.evidence for part in answer.parts)


def test_a_pronoun_in_the_second_part_means_who_the_first_named(riverton: Engine) -> None:
    answer = riverton.ask("who is priya raman and what did she say")
    assert [part.outcome for part in answer.parts] == [Outcome.ANSWERED, Outcome.QUOTES]
    assert answer.parts[1].speaker_id == "priya-raman"
    data = json.loads(json.dumps(to_json(answer)))
    assert data["entry"] == "who-is-raman"
    assert [p["outcome"] for p in data["parts"]] == ["answered", "quotes"]
    assert data["parts"][1]["question"] == "what did she say"


def test_help_offers_the_story_s_own_examples(riverton: Engine) -> None:
    answer = riverton.ask("help")
    assert answer.outcome is Outcome.SMALL_TALK
    assert all(example in answer.text for example in riverton.kb.examples[:2])
