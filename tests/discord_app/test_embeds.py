import dataclasses
import re

import discord

from bot.answering import Engine
from bot.answering.answer import Answer, Outcome, QuoteResult
from bot.answering.help_text import ABOUT, help_text
from bot.discord_app import embeds, limits
from bot.discord_app.embeds import (
    FIRST_VIEW_ROOM,
    MIN_EVIDENCE_ROOM,
    OUTLET_UNKNOWN,
    answer_reply,
    help_embed,
    more_embed,
    quote_pages,
    reload_failed_text,
    sources_embed,
)
from bot.knowledge.model import KnowledgeBase

from .conftest import (
    discord_problems,
    make_answer,
    make_decline,
    make_quote_result,
    make_quote_view,
    make_source,
    text,
)

LONG_SENTENCE = "This sentence is part of an absurdly long answer about facial recognition and the police. "


def only_embed(answer: Answer, *, recorded: bool = False) -> discord.Embed:
    """The first view of an answer, checked against every Discord limit."""
    reply = answer_reply(answer, recorded=recorded)
    assert len(reply.embeds) == 1
    assert discord_problems(reply.content, list(reply.embeds)) == []
    return reply.embeds[0]


def expanded(answer: Answer) -> discord.Embed:
    """What "Show evidence and quotes" shows, checked against every Discord limit."""
    embed = more_embed(answer)
    assert discord_problems(None, [embed]) == []
    return embed


def field(embed: discord.Embed, name: str) -> str:
    return text(next(f.value for f in embed.fields if f.name == name))


def test_an_answer_shows_what_was_understood_the_evidence_and_the_story_then_quotes_and_source() -> None:
    answer = make_answer(quotes=(make_quote_view(),))
    embed = only_embed(answer)
    assert embed.title == "Answering: What did IBM do about facial recognition?"
    assert text(embed.description).startswith("IBM walked away from facial recognition.")
    assert "> IBM is the first major technology company to walk away" in text(embed.description)
    assert "Tech and police surveillance" in text(embed.description), "the story is not named"
    assert not embed.fields, "quotes and sources wait for 'Show evidence and quotes'"
    more = expanded(answer)
    quote = field(more, "Geoffrey Alpert")
    assert "> “We can't survive without these technologies”" in quote
    assert "criminology professor" in quote
    source = field(more, "Source")
    assert "Tech and police surveillance" in source
    assert OUTLET_UNKNOWN in source
    assert "curated story" in text(more.footer.text)


def test_a_known_outlet_and_link_are_named() -> None:
    embed = expanded(make_answer(source=make_source(outlet="The Daily", url="https://example.org/story")))
    source = field(embed, "Source")
    assert "The Daily" in source
    assert "https://example.org/story" in source
    assert OUTLET_UNKNOWN not in source


def test_low_confidence_is_a_visible_word_and_high_confidence_is_not_doubted() -> None:
    fairly = only_embed(make_answer(confidence=0.62))
    assert "**Fairly sure**" in text(fairly.description)
    assert "62%" in text(fairly.description)
    assert "**Not sure**" in text(only_embed(make_answer(confidence=0.5)).description)
    sure = text(only_embed(make_answer(confidence=0.95)).description)
    assert "sure" not in sure.lower() and "95%" not in sure


def test_an_attribution_note_is_shown_with_its_quote() -> None:
    view = make_quote_view(speaker="Unattributed", role=None, note="The story does not say who said this.")
    embed = expanded(make_answer(quotes=(view,)))
    assert "The story does not say who said this." in field(embed, "Unattributed")


def test_an_absurdly_long_answer_with_30_quotes_fits_and_says_what_it_left_out() -> None:
    quotes = tuple(
        make_quote_view(f"Quote {n}: " + "words and more words " * 80, f"Speaker {n}", "role " * 60, quote_id=f"q{n}")
        for n in range(30)
    )
    long_evidence = "An absurdly long excerpt about facial recognition and the police, sentence number one. " * 200
    answer = make_answer(LONG_SENTENCE * 400, quotes=quotes, excerpt=long_evidence)
    embed = only_embed(answer)  # checks every Discord limit
    assert text(embed.description).startswith(LONG_SENTENCE.strip())
    # The answer was cut after a sentence, and the cut is marked...
    assert re.search(r"police\. …", text(embed.description))
    # ...and its evidence still has room, and the first view stays short.
    assert "\n> An absurdly long excerpt" in text(embed.description)
    assert len(embed) <= FIRST_VIEW_ROOM + MIN_EVIDENCE_ROOM
    more = expanded(answer)
    shown = [f for f in more.fields if text(f.name).startswith("Speaker ")]
    assert 0 < len(shown) < 30
    for quote_field in shown:  # a shortened quote is marked, and still attributed
        assert "…”" in text(quote_field.value)
        assert "— role" in text(quote_field.value)
    assert f"{30 - len(shown)} more" in field(more, "More quotes")
    assert field(more, "Source")


def test_every_quote_field_names_who_said_it() -> None:
    quotes = tuple(make_quote_view(f"Words {n}", f"Person {n}", quote_id=f"q{n}") for n in range(4))
    embed = expanded(make_answer(quotes=quotes))
    for n in range(4):
        assert f"Words {n}" in field(embed, f"Person {n}")


def test_no_sentence_is_shown_twice_between_the_first_view_and_the_rest() -> None:
    shared = "We are pausing police use of our product for one year."
    answer = make_answer(
        "The company paused police use.",
        excerpt=f"The company made an announcement. {shared}",
        quotes=(make_quote_view(shared, "Unattributed", None),),
    )
    first, more = only_embed(answer), expanded(answer)
    seen = text(first.description) + str(more.to_dict())
    assert seen.count(shared.rstrip(".")) == 1
    assert "The company made an announcement." in seen


def test_a_decline_offers_at_most_three_suggestions_and_echoes_the_question_safely() -> None:
    reply = answer_reply(make_decline("@everyone **what** about <@123456789012345678>?"), recorded=True)
    assert discord_problems(reply.content, list(reply.embeds)) == []
    assert [s.entry_id for s in reply.suggestions] == ["entry-0", "entry-1", "entry-2"]
    description = text(reply.embeds[0].description)
    assert "The story doesn't say" in description
    assert "@everyone" not in description
    assert "<@123456789012345678>" not in description
    assert "**what**" not in description
    assert "Suggested question number 2?" in description
    assert "noted" in text(reply.embeds[0].footer.text)


def test_an_unrecorded_decline_does_not_claim_it_was_noted() -> None:
    reply = answer_reply(make_decline(), recorded=False)
    assert reply.embeds[0].footer.text is None


def test_unusable_input_is_private_and_small_talk_is_plain_text() -> None:
    invalid = answer_reply(Answer("", Outcome.INVALID, "Please ask a question about the story, in words.", 0.0))
    assert invalid.private
    assert invalid.content == "Please ask a question about the story, in words."
    chat = answer_reply(Answer("hi", Outcome.SMALL_TALK, "Hello!", 0.0))
    assert not chat.private
    assert chat.content == "Hello!"
    assert not chat.embeds


def test_thirty_quotes_are_paged_each_page_within_limits_and_none_lost() -> None:
    result = make_quote_result(30, text="Quote {n}: " + "a long verbatim sentence from the story. " * 20)
    pages = quote_pages(result)
    assert len(pages) > 1
    seen = []
    for number, page in enumerate(pages, start=1):
        assert discord_problems(None, [page]) == []
        assert page.title == "Quotes: Evan Greer"
        assert text(page.footer.text).startswith(f"Page {number} of {len(pages)}")
        blocks = text(page.description).split("\n\n")
        for block in blocks:
            assert "— **Evan Greer**, deputy director" in block
        seen += re.findall(r"Quote (\d+):", text(page.description))
    assert seen == [str(n) for n in range(30)]


def test_a_quote_too_long_for_a_page_is_shortened_visibly_and_keeps_its_attribution() -> None:
    pages = quote_pages(make_quote_result(1, text="word " * 5000))
    assert len(pages) == 1
    assert discord_problems(None, pages) == []
    assert "…”" in text(pages[0].description)
    assert text(pages[0].description).endswith("— **Evan Greer**, deputy director")


def test_an_unknown_name_gets_suggestions_and_nobody_elses_quotes() -> None:
    result = QuoteResult("Grear", None, None, None, (), ("Evan Greer", "Geoffrey Alpert"), "Nobody by that name.")
    (page,) = quote_pages(result)
    assert page.title == "Nobody by that name"
    assert "Evan Greer" in text(page.description)
    assert ">" not in text(page.description).replace("**You looked up:**", "")  # no block quotes: no quotes at all


def test_reload_errors_fit_one_message_and_say_how_many_were_left_out() -> None:
    problems = [f"entries/companies.yaml:{n}:3: unknown quote id ```q{n}``` in `quotes`" for n in range(500)]
    message = reload_failed_text(problems)
    assert len(message) <= limits.CONTENT
    assert "500 problems" in message
    assert re.search(r"… and \d+ more", message)
    assert message.count("```") == 2  # the problems' own fences cannot break out of the code block


def test_a_single_reload_error_is_shown_whole() -> None:
    message = reload_failed_text(["people.yaml:4:5: `name` is required"])
    assert "1 problem," in message
    assert "people.yaml:4:5: `name` is required" in message
    assert "more" not in message


def test_many_sources_fit_one_embed() -> None:
    sources = {
        f"s{n}": make_source(source_id=f"s{n}", outlet=None if n % 2 else "Outlet " * 30, url=None) for n in range(40)
    }
    kb = KnowledgeBase(sources=sources, speakers={}, quotes={}, entries={})
    embed = sources_embed(kb)
    assert discord_problems(None, [embed]) == []
    assert "more" in text(embed.fields[-1].value)


def test_the_real_sources_say_the_outlet_is_not_stated(story_engine: Engine) -> None:
    embed = sources_embed(story_engine.kb)
    assert discord_problems(None, [embed]) == []
    assert OUTLET_UNKNOWN in text(embed.fields[0].value)


def test_help_names_every_command() -> None:
    text = str(help_embed().to_dict())
    for command in ("/ask", "/quote", "/sources", "Ask StoryBot", "/kb reload"):
        assert command in text


def test_help_on_discord_and_the_engine_s_help_reply_say_the_same(story_engine: Engine) -> None:
    examples = story_engine.examples()
    embed = help_embed(examples)
    reply = story_engine.ask("help")
    assert reply.outcome is Outcome.SMALL_TALK
    assert embed.description and reply.text.startswith(embed.description)
    shown = str(embed.to_dict())
    named = examples[:2]
    assert named and all(f'"{example}"' in reply.text and example in shown for example in named)


def test_help_without_examples_still_says_what_to_ask() -> None:
    assert help_text([]) == f"{ABOUT} Ask me about the story."
    assert help_text(["Who?", "Why?", "When?"]).endswith('e.g. "Who?" or "Why?".')


def test_cooldown_note_rounds_the_wait_up() -> None:
    assert "3 seconds" in embeds.cooldown_text(2.1)
    assert "1 second " in embeds.cooldown_text(0.2)


def test_a_message_with_three_long_answers_and_a_decline_fits_one_message() -> None:
    quotes = tuple(make_quote_view("words " * 150, f"Speaker {n}", quote_id=f"q{n}") for n in range(10))
    long_part = make_answer(LONG_SENTENCE * 400, quotes=quotes, excerpt=LONG_SENTENCE * 200)
    declined = make_decline("and what is the weather on @everyone mars?")
    parts = (long_part, long_part, declined, long_part)
    reply = answer_reply(dataclasses.replace(long_part, question="three things", parts=parts))
    assert discord_problems(reply.content, list(reply.embeds)) == []  # every limit, 6,000 characters in all
    answered = [e for e in reply.embeds if e.title]
    assert len(answered) == 3
    assert all(text(e.description).startswith(LONG_SENTENCE.strip()) for e in answered)
    unanswered = text(reply.embeds[-1].description)
    assert "doesn't say" in unanswered and "what is the weather" in unanswered
    assert "@everyone" not in unanswered  # echoed inert
