"""How the engine reads words: general English of its own, and a story's vocabulary from its knowledge base."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.answering.normalize import Vocabulary
from bot.knowledge import bundled_knowledge_dir, load_knowledge
from bot.knowledge.model import Synonyms

ANSWERING = Path(__file__).parents[2] / "bot" / "answering"


@pytest.fixture(scope="module")
def english() -> Vocabulary:
    return Vocabulary()


@pytest.mark.parametrize(
    ("british", "american"),
    [
        ("organisation", "organization"),
        ("recognise", "recognize"),
        ("criticised", "criticized"),
        ("colour", "color"),
        ("behaviour", "behavior"),
        ("favourite", "favorite"),
        ("programme", "program"),
        ("licence", "license"),
        ("defence", "defense"),
        ("centre", "center"),
        ("analyse", "analyze"),
        ("travelled", "traveled"),
        ("sceptical", "skeptical"),
        ("councillors", "councilors"),
        ("enquiry", "inquiry"),
        ("jewellery", "jewelry"),
        ("spelled", "spell"),
    ],
)
def test_british_and_american_spellings_meet(english: Vocabulary, british: str, american: str) -> None:
    assert english.term(british) == english.term(american)


@pytest.mark.parametrize(
    ("one", "other"), [("four", "for"), ("hour", "her"), ("tour", "tor"), ("raise", "raze"), ("spelled", "sped")]
)
def test_spelling_rules_do_not_make_one_word_of_two(english: Vocabulary, one: str, other: str) -> None:
    assert english.term(one) != english.term(other)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("abt the govt", "about the government"),
        ("w/o ppl", "without people"),
        ("3 yrs", "3 years"),
        ("tryna find out", "trying to find-out"),
        ("whats the deal w ring", "about ring"),
        ("how many", "how-many"),
        ("wdym by moratorium", "what is moratorium"),
        ("what's the deal with the van", "about the van"),
        ("which uni is the org at", "which university is the organization at"),
        ("tldr pls", "summary pls"),
        ("the council voted sumn lmk", "the council voted something"),
        ("what kicked off the strike", "what started the strike"),
        ("how many yrs will it last", "how long will it last"),
        ("how it came to light", "how it revealed"),
        ("when do the cuts kick in", "when do the cuts start"),
        ("show me what the mayor said", "what the mayor said"),
        ("anything from the mayor?", "quotes from the mayor"),
        ("who is in charge of the library", "who is heads the library"),
        ("what's this about", "what is this story about"),
        ("what's the mayor's deal", "about the mayor"),
        ("what is the deal", "what is the deal"),
        ("how much has the city raked in", "how-many has the city earned"),
        ("what dose the mayor want", "what does the mayor want"),
        ("were is the branch", "where is the branch"),
        ("whats the damage on the deal", "how-many cost on the deal"),
        ("a 5 per cent cut", "a 5 percent cut"),
        ("how many queued up to speak", "how-many speak"),
        ("petition vs the plan", "petition against the plan"),
        ("closed for a fortnight", "closed for two weeks"),
        ("is it true that the branch closed", "the branch closed"),
        ("whats going on with the budget", "about the budget"),
        ("who runs da library", "who heads the library"),  # "runs" after "who" is heading it
        ("any1 know", "anyone know"),
        ("what share of the budget", "how-many of the budget"),
        ("how full is it right now", "how full is it"),
        ("when will the board look at the rules again", "when will the board review the rules"),
        ("will they take another look at the deal", "will they review the deal"),
        ("look at this", "look at this"),
        ("plugged into a bunch of new cameras", "plugged into new cameras"),
        ("whats the tea on the mayor", "about the mayor"),
        ("how come the branch closed", "why the branch closed"),
    ],
)
def test_chat_shorthand_is_written_out(english: Vocabulary, typed: str, read: str) -> None:
    assert " ".join(english.words(typed)) == read


@pytest.mark.parametrize(
    ("form", "verb"),
    [("grew", "grow"), ("grown", "grow"), ("won", "win"), ("spoke", "speak"), ("fell", "fall"), ("shrank", "shrink")],
)
def test_irregular_verb_forms_meet_their_verb(english: Vocabulary, form: str, verb: str) -> None:
    assert english.term(form) == english.term(verb)


@pytest.mark.parametrize(
    ("said", "meant"),
    [
        ("worth", "cost"),
        ("daily", "day"),
        ("usual", "average"),
        ("percentage", "percent"),
        ("beefing", "clashed"),
        ("reassess", "review"),
        ("organisation", "group"),
        ("cops", "police"),
        ("murdered", "killing"),
        ("demonstrators", "protest"),
        ("niche", "small"),
        ("furious", "angry"),
        ("solicitor", "lawyer"),
        ("slashed", "cuts"),
        ("restrictions", "limit"),
        ("whinged", "complaint"),
        ("ghosted", "ignored"),
        ("hike", "increase"),
        ("raised", "boost"),
        ("plummeted", "drop"),
        ("lawsuit", "suing"),
        ("plaintiffs", "sued"),
        ("heads", "chief"),
        ("sickened", "ill"),
        ("illnesses", "sick"),
        ("injuries", "injured"),
        ("fares", "price"),
        ("payment", "paid"),
        ("recalled", "pulled"),
        ("stations", "depot"),
        ("cancelled", "scrapped"),
        ("resigned", "quit"),
        ("postponed", "delay"),
        ("closure", "shut"),
        ("approval", "okayed"),
        ("refused", "rejection"),
        ("commuters", "riders"),
        ("acquisition", "bought"),
        ("announcement", "unveiled"),
        ("neighbourhood", "neighborhoods"),
    ],
)
def test_general_words_that_mean_the_same_in_the_news_meet(english: Vocabulary, said: str, meant: str) -> None:
    assert english.term(said) == english.term(meant)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("increase", "decrease"),  # opposites stay apart
        ("cheap", "expensive"),
        ("lead", "head"),  # lead is also a metal in the water
        ("stop", "station"),  # a stop is a station, and to stop is to halt
        ("runs", "heads"),  # trains run and water runs out
        ("judge", "court"),  # the judge hearing a case is not the court that will rule
        ("needs", "requires"),  # too common to tell entries apart
        ("sick", "disease"),  # how many fell sick is not which disease
    ],
)
def test_words_with_another_everyday_meaning_stay_apart(english: Vocabulary, one: str, other: str) -> None:
    assert english.term(one) != english.term(other)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("when did fares go up", "when did fares increase"),
        ("why did she step down", "why did she step-down"),
        ("she was taken to court", "she was sued"),
        ("how many were made ill", "how-many were sickened"),
        ("when did they turn down the plan", "when did they reject the plan"),
    ],
)
def test_two_word_verbs_read_as_one(english: Vocabulary, typed: str, read: str) -> None:
    assert " ".join(english.words(typed)) == read


def test_a_two_word_verb_meets_its_one_word_synonym(english: Vocabulary) -> None:
    def terms(text: str) -> list[str]:
        return [english.term(word) for word in english.words(text)]

    assert set(terms("fares went up")) <= set(terms("fares were raised"))
    assert terms("she stepped down") == terms("she resigned")
    assert terms("the mall shut down") == terms("the mall closed")


@pytest.mark.parametrize(
    ("one", "other"), [("value", "day"), ("small", "big"), ("police", "protest"), ("cut", "limit")]
)
def test_synonym_groups_stay_apart(english: Vocabulary, one: str, other: str) -> None:
    assert english.term(one) != english.term(other)


def test_lobbying_is_pressure(english: Vocabulary) -> None:
    assert english.term("lobbying") == english.term("pressured")


def test_a_length_asks_how_long_and_dozens_ask_how_many(english: Vocabulary) -> None:
    assert english.term("length") == english.term("long")
    assert english.term("dozens") == english.term("many")


def test_the_piece_is_the_article(english: Vocabulary) -> None:
    assert english.words("what does the piece say") == english.words("what does the article say")


def test_what_someone_does_is_who_they_are_but_what_they_did_is_an_act(english: Vocabulary) -> None:
    assert " ".join(english.words("what does the mayor do")) == "who is the mayor"
    assert " ".join(english.words("what's the mayor's job")) == "who is the mayor"
    assert " ".join(english.words("what is lena moss's title")) == "who is lena moss"
    assert " ".join(english.words("what do the police do")) == "what is the police role"
    assert " ".join(english.words("what was her title")) == "what was her title"
    assert " ".join(english.words("what is the job title")) == "what is the job title"
    assert " ".join(english.words("what did the mayor do")) == "what did the mayor do"
    assert " ".join(english.words("what does the union want the mayor to do")).endswith("to do")
    assert " ".join(english.words("what do the workers do if it closes")).endswith("do if it closes")


def test_a_story_s_words_join_what_general_english_knows(english: Vocabulary) -> None:
    story = Vocabulary([Synonyms("pause", ("ditch", "walk away")), Synonyms("police departments", ("cop shops",))])
    assert story.term("ditched") == story.term("halted") == english.term("paused")
    assert story.words("did ibm walk away") == ["did", "ibm", "pause"]
    assert story.words("cop shops") == ["police", "departments"]
    # Without the story, those words are only themselves.
    assert english.term("ditched") != english.term("halted")
    assert english.words("cop shops") == ["cop", "shops"]


def test_a_story_cannot_redefine_question_words() -> None:
    story = Vocabulary([Synonyms("person", ("who",))])
    assert story.term("who") == Vocabulary().term("who")


def test_the_engine_names_no_part_of_the_shipped_story() -> None:
    kb = load_knowledge(bundled_knowledge_dir())
    names = {name for speaker in kb.speakers.values() for name in speaker.names if len(name) > 3}
    phrases = {word for item in kb.vocabulary for word in item.words if " " in word or "-" in word}
    english = sorted((ANSWERING / "english").glob("*.yaml"))
    assert len(english) > 3  # the general English files are where they are looked for
    files = [*english, ANSWERING / "normalize.py", ANSWERING / "reading.py", ANSWERING / "phrasal.py"]
    for file in files:
        text = file.read_text(encoding="utf-8")
        for name in names:
            assert not re.search(rf"\b{re.escape(name)}\b", text), f"{file.name} names {name!r}"
        for phrase in phrases:
            assert not re.search(rf"\b{re.escape(phrase)}\b", text, re.I), f"{file.name} has {phrase!r}"
