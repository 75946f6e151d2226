"""Four general faults in matching, each on the invented Riverton story (or a small knowledge base built
here): abbreviations in a context sentence, the nearest correction, pronouns in a part with its own
subject, and acronyms of the story's own phrases."""

from __future__ import annotations

import pytest

from bot.answering import Engine, Outcome
from bot.answering.acronyms import build_table
from bot.answering.pronouns import has_own_subject
from bot.knowledge import load_knowledge


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("Our PR team keeps asking me about this. How did the council vote on the library?", "vote-result"),
        ("The CEO of my company asked me. How much does closing the branch save?", "savings"),
        ("I read the FAQ twice and still wonder. Who cast the deciding vote?", "deciding-vote"),
    ],
)
def test_a_common_abbreviation_in_a_context_sentence_is_no_unknown_name(
    riverton: Engine, question: str, entry: str
) -> None:
    answer = riverton.ask(question)
    assert answer.outcome is Outcome.ANSWERED, answer.text
    assert answer.entry is not None and answer.entry.id == entry


def test_an_unknown_capitalised_name_in_a_context_sentence_still_counts(riverton: Engine) -> None:
    # "Zorblatt" is no one in the story: the question is about him, not about the council's own vote.
    answer = riverton.ask("Councillor Zorblatt spoke for an hour. How did Zorblatt vote on the library?")
    assert answer.outcome is Outcome.DECLINED


# A second invented story, small enough to read in full: a council, a ferry, a park and ride lot, protests.
HARBOURVIEW = {
    "sources.yaml": """
sources:
  - id: harbourview-lot
    title: Harbourview approves a park and ride lot
    text_file: sources/harbourview-lot.txt
    outlet: null
    date: null
""",
    "sources/harbourview-lot.txt": """Harbourview approves a park and ride lot

The Harbourview council on Monday approved a park and ride lot near the ferry terminal. Protests outside
city hall drew about two hundred residents. Professor Ines Vaculik, who studies traffic, said the lot
would fill within a year. The harbour ferry service starts in June and runs every twenty minutes.
""",
    "people.yaml": """
people:
  - id: ines-vaculik
    name: Ines Vaculik
    kind: person
    aliases: [Vaculik, the professor]
    role: traffic professor
quotes: []
""",
    "entries.yaml": """
entries:
  - id: protests
    questions: [How many people joined the protests?]
    answer: About two hundred residents joined the protests outside city hall.
    evidence:
      - source: harbourview-lot
        excerpt: Protests outside city hall drew about two hundred residents.
  - id: lot
    questions: [What did the council approve?]
    answer: A park and ride lot near the ferry terminal.
    evidence:
      - source: harbourview-lot
        excerpt: approved a park and ride lot near the ferry terminal
  - id: lot-fills
    questions: [Will the lot fill up?]
    answer: Ines Vaculik, a traffic professor, says the lot would fill within a year.
    evidence:
      - source: harbourview-lot
        excerpt: said the lot would fill within a year
    about: [ines-vaculik]
  - id: ferry
    questions: [When does the harbour ferry service start?]
    answer: The harbour ferry service starts in June and runs every twenty minutes.
    evidence:
      - source: harbourview-lot
        excerpt: The harbour ferry service starts in June and runs every twenty minutes.
""",
}


@pytest.fixture(scope="module")
def harbourview(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root = tmp_path_factory.mktemp("harbourview")
    for name, text in HARBOURVIEW.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text.lstrip(), encoding="utf-8")
    return Engine(load_knowledge(root))


def test_a_typo_one_edit_from_a_word_is_not_taken_for_a_name_further_away(harbourview: Engine) -> None:
    analysis = harbourview.analyse("how many people joined the protesst?")
    assert ("protesst", "protests") in analysis.corrections
    answer = harbourview.ask("how many people joined the protesst?")
    assert answer.outcome is Outcome.ANSWERED and answer.entry is not None and answer.entry.id == "protests"


def test_a_misspelt_name_is_still_corrected_to_the_name(harbourview: Engine) -> None:
    assert ("vaculic", "vaculik") in harbourview.analyse("what does vaculic think of the lot?").corrections


@pytest.mark.parametrize(
    "message",
    [
        "Who is Priya Raman? And what did the workers say about their jobs?",
        "Who cast the deciding vote? And what did the staff say about their jobs?",
    ],
)
def test_a_later_part_with_its_own_subject_keeps_its_pronoun(riverton: Engine, message: str) -> None:
    # "their" is the workers', not the person the first part asked about: no look-up of that person's quotes.
    answer = riverton.ask(message)
    assert [(p.outcome, p.entry.id if p.entry else None) for p in answer.parts][1] == (Outcome.ANSWERED, "staff-jobs")


def test_a_later_part_without_a_subject_still_takes_the_one_before(riverton: Engine) -> None:
    answer = riverton.ask("Who is Priya Raman? What did she say?")
    assert answer.parts[1].outcome is Outcome.QUOTES and answer.parts[1].speaker_id == "priya-raman"


@pytest.mark.parametrize(
    ("part", "own"),
    [
        ("what did she say?", False),
        ("when did they close it?", False),
        ("what did the council say about its plan?", True),
        ("why did Riverton change its mind?", True),
        ("what happened to its staff?", False),
    ],
)
def test_a_part_names_its_own_subject_before_its_pronoun(part: str, own: bool) -> None:
    assert has_own_subject(part) is own


@pytest.mark.parametrize("question", ["when does the hfs start?", "When does the HFS start?"])
def test_the_initials_of_a_phrase_of_the_story_read_as_that_phrase(harbourview: Engine, question: str) -> None:
    assert ("hfs", "harbour ferry service") in harbourview.analyse(question).corrections
    answer = harbourview.ask(question)
    assert answer.outcome is Outcome.ANSWERED and answer.entry is not None and answer.entry.id == "ferry"


def test_initials_of_two_different_phrases_are_left_as_typed() -> None:
    table = build_table(["the park and ride lot", "a pink ribbon lane"], str.split)
    assert table["prl"] == ""
    assert table["parl"] == "park and ride lot"  # with its filler word, the initials are one phrase's


def test_a_part_of_a_name_is_no_phrase_of_its_own() -> None:
    texts = ["the north bay ferry authority runs boats", "the bay ferry act passed"]
    table = build_table(texts, str.split, names=["north bay ferry authority"])
    assert table["nbfa"] == "north bay ferry authority"
    assert table["bfa"] == "bay ferry act"  # "bay ferry authority" is only part of the name


def test_a_common_word_is_not_read_as_initials_unless_typed_in_capitals(harbourview: Engine) -> None:
    # "par" is the initials of "park and ride", but also a word English uses: taken as typed in lower case.
    assert not any(typed == "par" for typed, _ in harbourview.analyse("is the lot below par?").corrections)
    assert ("par", "park and ride") in harbourview.analyse("where is the PAR lot?").corrections
