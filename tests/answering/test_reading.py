"""Reading a chat message as a question: what is set aside, and the questions found in it."""

from __future__ import annotations

import pytest

from bot.answering.pronouns import carry_subject
from bot.answering.reading import Reader


@pytest.fixture(scope="module")
def reader() -> Reader:
    return Reader()


# (message as typed, the question parts read from it)
READINGS = [
    ("<@123> who is evan greer?", ["who is evan greer?"]),
    ("<@!123> @everyone @here who is evan greer?", ["who is evan greer?"]),
    ("hey bot, which company quit first?", ["which company quit first?"]),
    ("yo storybot what is mijente", ["what is mijente"]),
    ("what is mijente, bot?", ["what is mijente"]),
    ("**quick q** lol: how many departments?? thx", ["how many departments?"]),
    ("ok so whats the deal w ring pls", ["whats the deal w ring"]),
    ("asking for a friend: who is greer", ["who is greer"]),
    ("who is greer <:pepe:123456> 🤔 :thinking: :)", ["who is greer"]),
    ("||who is greer||", ["who is greer"]),
    ("> who is greer", ["who is greer"]),
    ("# who is greer", ["who is greer"]),
    ("`who is greer`", ["who is greer"]),
    ("who is greer? https://example.com/article", ["who is greer?"]),
    ("see [the article](https://example.com) who wrote it?", ["see the article who wrote it?"]),
    ("what did the U.S. army say?", ["what did the U.S. army say?"]),
    ("who is evan greer and what did she say?", ["who is evan greer", "what did she say?"]),
    ("how many cops use ring? also what did greer say", ["how many cops use ring?", "what did greer say"]),
    ("who is X?what did she say", ["who is X?", "what did she say"]),
    ("1. who is greer\n2. what is mijente\n3) what did ibm do", ["who is greer", "what is mijente", "what did ibm do"]),
    ("- who is greer\n- what is mijente", ["who is greer", "what is mijente"]),
    # Not split: "and" joins names, "also" sits inside one question, "and why" needs what came before.
    ("what did amazon and microsoft do", ["what did amazon and microsoft do"]),
    ("did amazon also pause?", ["did amazon also pause?"]),
    ("which companies paused facial recognition and why?", ["which companies paused facial recognition and why?"]),
    ("IBM stopped selling it. why?", ["IBM stopped selling it. why?"]),
    # A rambling message keeps the sentence that asks.
    (
        "So I was reading this article yesterday and got confused. My uncle says the tech companies are all "
        "the same. Which company stopped first?",
        ["Which company stopped first?"],
    ),
    ("ibm facial rec", ["ibm facial rec"]),
    ("heyyy bot!!! which company stopped first lmaooo", ["which company stopped first"]),
    ("~~not important~~ who is nadella", ["who is nadella"]),
    ("ngl kinda lost, what did the mayor do?", ["what did the mayor do?"]),
    ("Doe, Smith and Roe: who voted no?", ["Doe, Smith and Roe: who voted no?"]),
    ("According to Zed, what do the companies want?", ["According to Zed, what do the companies want?"]),
    # The question inside a sentence, from its question word on.
    ("does anyone know who owns the bookmobile?", ["who owns the bookmobile?"]),
    (
        "I read the article last night and my cousin says none of it matters, but I'm wondering which "
        "company stopped first",
        ["which company stopped first"],
    ),
    ("Sorry if this was asked, I just joined, but I'm curious whether the mayor voted", ["did the mayor voted"]),
    ("what did Jane Doe, the mayor, say about the library?", ["what did Jane Doe, the mayor, say about the library?"]),
    # "+" and "&" join two questions as "and" does; a sentence may open with "and".
    ("who is the mayor + what did she say", ["who is the mayor", "what did she say"]),
    ("who runs the library & when does it close", ["who runs the library", "when does it close"]),
    ("what did the mayor say. and what did the council say", ["what did the mayor say.", "what did the council say"]),
    # Chat before a colon is set aside like chat before a comma.
    ("brb but first: which branch closes on sundays", ["which branch closes on sundays"]),
    # "tl;dr" is one word, not two sentences.
    ("tl;dr of the article?", ["tldr of the article?"]),
    # A question embedded after "check", "remember", "find out".
    ("the one thing I wanted to check is how many branches are closing", ["how many branches are closing"]),
    ("I can't remember who voted against the budget", ["who voted against the budget"]),
    # "..., which seems like ..." goes on from the clause before it; it is no question.
    (
        "the council wants to close the branch on the east side next spring, which seems like a lot, "
        "what did the union say",
        ["what did the union say"],
    ),
    (
        "I read the whole article twice on the bus this morning and still do not get it, who is the mayor",
        ["who is the mayor"],
    ),
    # "in the article", "according to the story" around a question are chat.
    ("in this article how does the mayor defend the cut?", ["how does the mayor defend the cut?"]),
    ("who voted against the budget according to the story", ["who voted against the budget"]),
    ("morning all, when does the branch close", ["when does the branch close"]),
    ("sry to bother again, who voted no", ["who voted no"]),
    # A comma between two questions, a slash, or a list numbered inside one line.
    ("who is the mayor, what did she say", ["who is the mayor", "what did she say"]),
    ("when did the branch close, what month", ["when did the branch close, what month"]),
    ("Doe, did she vote?", ["Doe, did she vote?"]),
    ("who is the mayor / what did she say", ["who is the mayor", "what did she say"]),
    ("is the branch shut, or when does it open?", ["is the branch shut", "when does it open?"]),
    ("is the branch shut or is it moving?", ["is the branch shut or is it moving?"]),
    ("1) who is the mayor 2) what did she say", ["who is the mayor", "what did she say"]),
    ("correct me if im wrong but the branch closed in may?", ["the branch closed in may?"]),
    ("in a nutshell what did the council decide", ["what did the council decide"]),
    ("what did the council decide, in two sentences", ["what did the council decide"]),
    # Laughter between two clauses ends the first.
    ("is the branch closing lol what did the union say", ["is the branch closing.", "what did the union say"]),
    # "would be great ..." after a question states; it asks nothing of its own.
    ("who voted against the budget? would be great for my essay", ["who voted against the budget?"]),
    # What a rambling statement is about follows "something about", "they talk about".
    (
        "sorry long day, but the article said something about when the branch opens, like what hours?",
        ["when the branch opens, what hours?"],
    ),
    # A guess said with a question mark, beside a real question, is what the writer half remembers.
    (
        "I think they said it was only the mayor? what did the council actually decide",
        ["what did the council actually decide"],
    ),
    ("i think the mayor voted no?", ["i think the mayor voted no?"]),
    # "like ..." after a question narrows it; it is no question of its own.
    ("when does the branch close, like what month", ["when does the branch close, like what month"]),
    ("serious q who runs the library, help", ["who runs the library"]),
    ("is the library closing or wut", ["is the library closing"]),
    ("sry if asked already 🙏 when does the library close", ["when does the library close"]),
    ("apologies if this has been asked, who runs the library", ["who runs the library"]),
    ("so like who runs the library", ["who runs the library"]),
    ("who runs the library… asking for my class", ["who runs the library…"]),
    ("so yeah, who runs the library", ["who runs the library"]),
    ("what is the row over the budget mentioned in the article", ["what is the row over the budget"]),
    # A name typed as a mention addresses someone; it is not asked about.
    ("@jake, @mods: who runs the library?", ["who runs the library?"]),
    ("who runs the library @mods", ["who runs the library"]),
    ("hey @jake who runs the library", ["who runs the library"]),
    ("email a@b.com who runs the library", ["email a@b.com who runs the library"]),
    ("my aunt says it is all made up. anyway, who runs the library lol", ["who runs the library"]),
    # A question asked in place, after sentences that ask nothing, is the last of them.
    ("my aunt says it is all made up. anyway, the city got how much for it", ["the city got how much for it"]),
    ("my aunt was there. the vote was when again", ["the vote was when again"]),
    ("I read what the mayor said. the library closing date", ["I read what the mayor said. the library closing date"]),
    # A sentence of only an aside ("i'm confused.") says nothing; a preposition may open a question.
    ("not gonna lie i'm confused. library closing date lol", ["library closing date"]),
    ("The council met. since when has it been closed", ["since when has it been closed"]),
    # Chat before a question that itself asks about what something is about, or embeds a question word.
    ("ngl what is this story about according to the article", ["what is this story about"]),
    ("ngl how did people find out how far the cuts went pls", ["how did people find out how far the cuts went"]),
]


@pytest.mark.parametrize(("message", "parts"), READINGS)
def test_a_message_reads_as_its_questions(reader: Reader, message: str, parts: list[str]) -> None:
    reading = reader.read(message)
    assert list(reading.parts) == parts
    assert reading.asked == " ".join(message.split()), "what the reader sees as asked stays as typed"


@pytest.mark.parametrize("message", ["hi there!", "hey bot", "thanks!", "lol", "help", "🙂🙂🙂", ""])
def test_a_message_that_is_only_chat_is_left_for_small_talk(reader: Reader, message: str) -> None:
    assert reader.read(message).parts == (" ".join(message.split()),)


def test_the_bot_s_own_name_is_set_aside_only_as_address(reader: Reader) -> None:
    assert reader.read("NewsHound who is greer?", ["NewsHound"]).parts == ("who is greer?",)
    assert reader.read("NewsHound who is greer?").parts == ("NewsHound who is greer?",)
    assert reader.read("what does the bot know about greer?").parts == ("what does the bot know about greer?",)


def test_a_question_keeps_the_sentence_before_it_as_context(reader: Reader) -> None:
    reading = reader.read("Amazon paused its facial recognition sales. For how long?")
    assert reading.parts == ("For how long?",)
    assert reading.contexts == ("Amazon paused its facial recognition sales.",)


def test_a_pronoun_takes_the_name_the_part_before_gave() -> None:
    assert carry_subject("what did she say?", "Evan Greer") == "what did Evan Greer say?"
    assert carry_subject("what is her job?", "Evan Greer") == "what is Evan Greer's job?"
    assert carry_subject("what did greer say?", "Evan Greer") == "what did greer say?"


def test_reading_never_raises_on_hostile_text(reader: Reader) -> None:
    for message in ["?" * 4000, "\n" * 4000, "hey " * 1000, "<@" * 2000, "*_" * 2000, "a." * 2000]:
        reading = reader.read(message)
        assert reading.parts


def test_a_reply_to_a_quoted_line_knows_it_replies(reader: Reader) -> None:
    assert reader.read("> The council closed the **branch**.\nwhat was going on at the time?").replies == (True,)
    assert reader.read("The council closed the branch. what was going on at the time?").replies == (False,)


def test_a_question_keeps_the_statements_before_it_nearest_first(reader: Reader) -> None:
    reading = reader.read("The council met on Tuesday. The vote was close. My aunt was there. Who voted no?")
    assert reading.parts == ("Who voted no?",)
    assert reading.earlier == (("My aunt was there.", "The vote was close.", "The council met on Tuesday."),)


def test_a_percent_sign_reads_as_the_word(reader: Reader) -> None:
    assert reader.read("branch budget cut %").parts == ("branch budget cut percent",)
    assert reader.read("was the cut 30%?").parts == ("was the cut 30 percent?",)


def test_a_name_before_something_about_is_kept(reader: Reader) -> None:
    reading = reader.read("so Doe said something about the budget, what was it again?")
    assert any("Doe" in part for part in reading.parts) or any("Doe" in c for e in reading.earlier for c in e)


def test_a_rambling_statement_is_kept_as_what_it_is_about(reader: Reader) -> None:
    reading = reader.read(
        "ok i read this on the train and there was something about a librarian who retired, how long was it"
    )
    assert reading.parts == ("how long was it",)
    assert reading.earlier[0][0] == "a librarian who retired"
