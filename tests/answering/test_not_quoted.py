"""Asking for the words of someone the story names but never quotes: the bot says it has none, and offers
what the story does say of them, rather than answering with an entry that only mentions them. When an entry
reports their words without quoting them ("the firm said in a statement"), that entry answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering import Engine
from bot.answering.answer import Outcome
from bot.knowledge import load_knowledge

ARTICLE = (
    "The Millford board voted 4-3 on Monday to close the Elm Street library. Board member Peter Hanlon voted "
    'no. "We cannot keep a building nobody can heat," said board chair Rosa Diaz. Brightline Builders, which '
    "will buy the site, said in a statement that it would keep the reading garden open."
)
KNOWLEDGE = {
    "sources.yaml": """sources:
  - id: library
    title: Millford board votes to close a library
    text_file: library.txt
""",
    "people.yaml": """people:
  - id: peter-hanlon
    name: Peter Hanlon
    kind: person
    aliases: [Hanlon]
    role: board member
  - id: rosa-diaz
    name: Rosa Diaz
    kind: person
    aliases: [Diaz]
    role: board chair
  - id: brightline
    name: Brightline Builders
    kind: organisation
    aliases: [Brightline]
quotes:
  - id: diaz-heat
    speaker: rosa-diaz
    source: library
    text: We cannot keep a building nobody can heat,
""",
    "entries.yaml": """entries:
  - id: board-vote
    questions: [How did the board vote?, Who voted against closing the library?]
    answer: The board voted 4-3 to close the Elm Street library; board member Peter Hanlon voted no.
    evidence:
      - source: library
        excerpt: >-
          The Millford board voted 4-3 on Monday to close the Elm Street library. Board member Peter
          Hanlon voted no.
    about: [peter-hanlon]
  - id: buyer-plans
    questions: [What will Brightline Builders do with the site?, What does Brightline say about the garden?]
    answer: >-
      Brightline Builders, which will buy the site, said in a statement that it would keep the
      reading garden open.
    evidence:
      - source: library
        excerpt: >-
          Brightline Builders, which will buy the site, said in a statement that it would keep the
          reading garden open.
    about: [brightline]
""",
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root = tmp_path_factory.mktemp("library")
    (root / "library.txt").write_text(ARTICLE, encoding="utf-8")
    for name, text in KNOWLEDGE.items():
        (root / name).write_text(text, encoding="utf-8")
    return Engine(load_knowledge(Path(root)))


@pytest.mark.parametrize("question", ["quotes from peter hanlon pls", "what did hanlon say?", "Hanlon's take?"])
def test_someone_named_but_never_quoted_is_said_to_be_unquoted(engine: Engine, question: str) -> None:
    answer = engine.ask(question)
    assert answer.outcome == Outcome.DECLINED
    assert "mentions Peter Hanlon (board member) but doesn't quote them" in answer.text
    assert [s.entry_id for s in answer.suggestions][:1] == ["board-vote"]  # what the story says of him


def test_someone_quoted_still_gets_their_quotes(engine: Engine) -> None:
    answer = engine.ask("what did diaz say")
    assert answer.outcome == Outcome.QUOTES and answer.speaker_id == "rosa-diaz"


def test_words_reported_without_quotes_are_answered_by_the_entry_that_reports_them(engine: Engine) -> None:
    answer = engine.ask("what did brightline say?")
    assert answer.outcome == Outcome.ANSWERED
    assert answer.entry is not None and answer.entry.id == "buyer-plans"
