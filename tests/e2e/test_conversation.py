"""A conversation, not a search box: follow-ups, feedback, phone-sized answers, bursts, other languages.

The real discord.py client against the Discord double, driven as readers and moderators would drive it.
"""

from __future__ import annotations

import re
import shutil
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from discord_double import DiscordDouble, Reply

from bot.answering import Engine
from bot.answering.answer import LOW_CONFIDENCE
from bot.answering.language import POLITE_REPLIES
from bot.discord_app.bot import StoryBot
from bot.discord_app.runner import create_bot
from bot.knowledge import bundled_knowledge_dir, load_knowledge
from bot.settings import Settings

from .conftest import RunClient, settings_for
from .test_storybot import EPHEMERAL, block_quotes, buttons, everything_shown, unescape

HEADLINE = "which companies paused facial recognition?"
FIRST_VIEW_LIMIT = 600  # characters: what a phone shows without scrolling

# The sets to take a doubtful answer from: the clean one alone may have none left to give.
EVAL_SETS = [Path(__file__).parents[1] / "eval" / name for name in ("questions.yaml", "blind.yaml")]


async def ask(double: DiscordDouble, question: str, **kwargs: Any) -> Reply:
    return await double.wait_for_reply(await double.send_command("ask", {"question": question}, **kwargs))


async def mention(double: DiscordDouble, question: str, *, reply_to: dict[str, Any] | None = None) -> Reply:
    message = await double.post_message(double.alice, f"{double.bot.mention} {question}", reply_to=reply_to)
    return await double.wait_for_channel_reply(message)


def first_view_length(body: dict[str, Any]) -> int:
    """What a reader sees of an answer before expanding it: everything of its one embed."""
    [embed] = body["embeds"]
    parts = [embed.get("title") or "", embed.get("description") or "", (embed.get("footer") or {}).get("text") or ""]
    parts += [f["name"] + f["value"] for f in embed.get("fields") or []]
    return sum(len(p) for p in parts)


def sentences_shown(text: str) -> list[str]:
    """The sentences a reader sees, as compared for repeats (markdown, quote marks and case folded away)."""
    plain = unescape(re.sub(r"^> ?", "", text, flags=re.M)).replace("’", "'").replace("“", '"').replace("”", '"')
    found = re.split(r"(?<=[.!?])[\"')]*\s+", plain)
    return [" ".join(s.lower().strip(" \"'*_").split()) for s in found if len(s.split()) > 4]


def custom_id(reply: Reply, prefix: str) -> str:
    return str(next(b["custom_id"] for b in buttons(reply) if b["custom_id"].startswith(prefix)))


# ---------------------------------------------------------------------- follow-ups


async def test_what_did_he_say_after_who_is_someone_quotes_them(
    double: DiscordDouble, storybot: StoryBot, story_engine: Engine
) -> None:
    await ask(double, "who is geoffrey alpert?")
    said = await ask(double, "what did he say?")
    shown = everything_shown(said.body)
    assert "Geoffrey Alpert" in said.body["embeds"][0]["title"]
    [quote] = story_engine.kb.quotes_by_speaker["geoffrey-alpert"]
    assert quote.text in unescape(shown)


async def test_a_reply_to_an_earlier_answer_follows_that_answer(double: DiscordDouble, storybot: StoryBot) -> None:
    alpert = await mention(double, "who is geoffrey alpert?")
    await mention(double, "who is evan greer?")  # the conversation has moved on to someone else...
    assert alpert.message is not None
    work = await mention(double, "where does he work?", reply_to=alpert.message)  # ...but the reply points back
    assert "University of South Carolina" in unescape(everything_shown(work.body))
    assert "Fight for Our Future" not in unescape(everything_shown(work.body))


async def test_a_thread_started_from_an_answer_follows_that_answer(
    double: DiscordDouble, storybot: StoryBot, story_engine: Engine
) -> None:
    alpert = await mention(double, "who is geoffrey alpert?")
    assert alpert.message is not None
    thread = await double.start_thread(alpert.message, by=double.moderator)
    # Someone else, in the thread, with no conversation of their own: the thread's answer is the context.
    question = await double.post_message(double.moderator, f"{double.bot.mention} what did he say?", in_thread=thread)
    said = await double.wait_for_channel_reply(question)
    [quote] = story_engine.kb.quotes_by_speaker["geoffrey-alpert"]
    assert quote.text in unescape(everything_shown(said.body))


async def test_another_members_follow_up_is_not_answered_from_the_first_members_conversation(
    double: DiscordDouble, storybot: StoryBot, story_engine: Engine
) -> None:
    [quote] = story_engine.kb.quotes_by_speaker["geoffrey-alpert"]
    await ask(double, "who is geoffrey alpert?", user=double.alice)
    theirs = await ask(double, "what did he say?", user=double.moderator)
    assert quote.text not in unescape(everything_shown(theirs.body))
    assert "Alpert" not in (theirs.body["embeds"][0].get("title") or "")
    mine = await ask(double, "what did he say?", user=double.alice)
    assert quote.text in unescape(everything_shown(mine.body))


# ---------------------------------------------------------------------- answers sized for a phone


async def test_the_headline_answer_fits_a_phone_and_no_sentence_is_shown_twice(
    double: DiscordDouble, storybot: StoryBot, story_engine: Engine
) -> None:
    answer = await ask(double, HEADLINE)
    length = first_view_length(answer.body)
    assert length <= FIRST_VIEW_LIMIT, f"the first view is {length} characters"
    [embed] = answer.body["embeds"]
    assert len(block_quotes(embed["description"])) == 1, "one sentence of evidence, not all of it"
    assert story_engine.kb.sources["tech-police-surveillance-2020"].title in unescape(embed["description"])
    assert not answer.body.get("flags", 0) & EPHEMERAL

    assert answer.message is not None
    pressed = await double.press_button(answer.message, custom_id(answer, "storybot:more:"))
    more = await double.wait_for_reply(pressed)
    assert more.body["flags"] & EPHEMERAL, "the rest is shown to the person who asked for it"
    shown = sentences_shown(everything_shown(answer.body)) + sentences_shown(everything_shown(more.body))
    repeated = {s for s in shown if shown.count(s) > 1}
    assert repeated == set()
    moratorium = [s for s in shown if "moratorium on police use" in s and "implementing" in s]
    assert len(moratorium) == 1, "the moratorium sentence is shown once, as the quote"


async def test_a_doubtful_answer_says_so_in_words(
    double: DiscordDouble, storybot: StoryBot, story_engine: Engine
) -> None:
    # The first question of the evaluation sets that the engine answers without being sure of it.
    asked = (item["q"] for path in EVAL_SETS for item in yaml.safe_load(path.read_text(encoding="utf-8")))
    unsure = ((q, a) for q in asked if (a := story_engine.ask(q)).answered and a.confidence < LOW_CONFIDENCE)
    question, expected = next(unsure)
    answer = await ask(double, question)
    description = answer.body["embeds"][0]["description"]
    assert re.search(r"\*\*(Fairly|Not) sure\*\*", description), description
    assert f"{round(expected.confidence * 100)}%" in description


# ---------------------------------------------------------------------- feedback


async def test_not_right_reaches_kb_review_and_stats_count_it(double: DiscordDouble, storybot: StoryBot) -> None:
    answer = await ask(double, "what did the mayor say?")
    assert answer.message is not None
    helpful = await double.press_button(answer.message, custom_id(answer, "storybot:fb:up:"), user=double.admin)
    assert (await double.wait_for_reply(helpful)).body["flags"] & EPHEMERAL
    pressed = await double.press_button(answer.message, custom_id(answer, "storybot:fb:no:"))
    form = await double.wait_for_modal(pressed)
    assert "want to know" in form["title"]
    thanks = await double.wait_for_reply(await double.submit_modal(pressed, {"wanted": "the mayor's own words"}))
    assert thanks.body["flags"] & EPHEMERAL

    review = await double.wait_for_reply(await double.send_command("kb review", user=double.moderator))
    assert review.body["flags"] & EPHEMERAL
    [item] = review.body["embeds"][0]["fields"]
    assert "what did the mayor say?" in item["name"]
    assert "greer-city-councils" in item["value"] and "confidence" in item["value"]
    assert "the mayor's own words" in unescape(item["value"])

    stats = await double.wait_for_reply(await double.send_command("kb stats", user=double.moderator))
    feedback = next(f for f in stats.body["embeds"][0]["fields"] if f["name"] == "Readers' feedback")
    assert "**1** helpful · **1** not right (50% helpful)" in feedback["value"]

    # One click settles it: the answer was fine after all, and the list is empty the next time.
    assert review.message is not None
    fine = next(b for b in buttons(review) if b["label"].endswith("Fine"))
    await double.wait_for_reply(await double.press_button(review.message, fine["custom_id"], user=double.moderator))
    again = await double.wait_for_reply(await double.send_command("kb review", user=double.moderator))
    assert "Nothing to review" in again.body["embeds"][0]["description"]


@pytest.fixture
async def editable_bot(double: DiscordDouble, tmp_path: Path, run_client: RunClient) -> StoryBot:
    """StoryBot on a private copy of the shipped knowledge base, which moderators may edit."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(bundled_knowledge_dir(), knowledge, ignore=shutil.ignore_patterns(".*"))
    bot = create_bot(settings_for(double, tmp_path / "data", knowledge), Engine(load_knowledge(knowledge)))
    await run_client(bot, double.token)
    return bot


async def test_a_reviewed_answer_is_taught_to_another_entry_in_one_form(
    double: DiscordDouble, editable_bot: StoryBot
) -> None:
    question = "what did the mayor say?"
    answer = await ask(double, question)
    given = custom_id(answer, "storybot:fb:no:").rsplit(":e:", 1)[1]  # the entry that answered
    assert answer.message is not None
    pressed = await double.press_button(answer.message, custom_id(answer, "storybot:fb:no:"))
    await double.wait_for_modal(pressed)  # the form is optional: the verdict is already recorded

    review = await double.wait_for_reply(await double.send_command("kb review", user=double.moderator))
    labels = [b["label"] for b in buttons(review)]
    nearest = next(label for label in labels if label.startswith("1 · Teach to ") and not label.endswith("…"))
    answered_with = next(iter(editable_bot.engine.kb.entries.values()))
    assert nearest.removeprefix("1 · Teach to ") != given, "the one-click target is another entry"

    assert review.message is not None
    choose = next(b for b in buttons(review) if b["label"] == "1 · Teach to…")
    opened = await double.press_button(review.message, choose["custom_id"], user=double.moderator)
    form = await double.wait_for_modal(opened)
    entry_input = next(
        i["custom_id"] for row in form["components"] for i in [row["component"]] if i["custom_id"] == "entry"
    )
    result, updated = await double.wait_for_replies(
        await double.submit_modal(opened, {entry_input: answered_with.id}), 2
    )
    assert unescape(result.body["content"]).startswith("**Saved:**")
    assert f"taught to `{answered_with.id}`" in updated.body["embeds"][0]["fields"][0]["value"]
    assert question in [q.lower() for q in editable_bot.engine.kb.entries[answered_with.id].questions]
    again = await double.wait_for_reply(await double.send_command("kb review", user=double.moderator))
    assert "Nothing to review" in again.body["embeds"][0]["description"]


async def test_feedback_buttons_work_after_a_restart(
    double: DiscordDouble, storybot: StoryBot, story_engine: Engine, tmp_path: Path, run_client: RunClient
) -> None:
    answer = await ask(double, HEADLINE)
    await storybot.close()
    first_session = double.session
    restarted = create_bot(settings_for(double, tmp_path), story_engine)
    await run_client(restarted, double.token)  # returns at once: the double's "connected" is already set
    await double.wait_for_new_session(first_session)  # the new process has its own session and the guild
    assert answer.message is not None
    pressed = await double.press_button(answer.message, custom_id(answer, "storybot:fb:no:"))
    assert "want to know" in (await double.wait_for_modal(pressed))["title"]


# ---------------------------------------------------------------------- a humane cooldown


@pytest.fixture
async def default_cooldown_bot(
    double: DiscordDouble, story_engine: Engine, tmp_path: Path, run_client: RunClient
) -> StoryBot:
    """StoryBot with the cooldown a server gets by default."""
    defaults = Settings()
    settings = replace(settings_for(double, tmp_path), ask_rate=defaults.ask_rate, ask_per=defaults.ask_per)
    bot = create_bot(settings, story_engine)
    await run_client(bot, double.token)
    return bot


async def test_two_questions_and_a_suggestion_press_within_ten_seconds_are_all_answered(
    double: DiscordDouble, default_cooldown_bot: StoryBot
) -> None:
    started = time.monotonic()
    first = await ask(double, HEADLINE)
    offered = await ask(double, "weather in paris")  # the second question: starters come as buttons
    suggestion = next(b for b in buttons(offered) if b["custom_id"].startswith("storybot:answer:"))
    assert offered.message is not None
    pressed = await double.wait_for_reply(await double.press_button(offered.message, suggestion["custom_id"]))
    assert time.monotonic() - started < 10
    for reply in (first, offered, pressed):
        assert reply.body.get("embeds"), everything_shown(reply.body)
        assert "please wait" not in everything_shown(reply.body)
    assert suggestion["label"] in pressed.body["embeds"][0]["title"], "the press was not answered"


async def test_a_flood_of_questions_still_waits(double: DiscordDouble, default_cooldown_bot: StoryBot) -> None:
    rate = default_cooldown_bot.settings.ask_rate
    replies = [await ask(double, HEADLINE) for _ in range(rate + 1)]
    assert all(r.body.get("embeds") for r in replies[:rate])
    assert "please wait" in replies[rate].body["content"]
    assert replies[rate].body["flags"] & EPHEMERAL


# ---------------------------------------------------------------------- other languages and off-topic


@pytest.mark.parametrize(
    ("locale", "language"), [("es-ES", "es"), ("fr", "fr"), ("de", "de"), ("pt-BR", "pt"), ("ja", "en")]
)
async def test_a_question_in_another_language_gets_the_polite_note_in_the_askers_locale(
    double: DiscordDouble, storybot: StoryBot, locale: str, language: str
) -> None:
    reply = await ask(double, "¿Quién es Evan Greer?", locale=locale)
    assert reply.body["content"] == POLITE_REPLIES[language]
    assert reply.body["flags"] & EPHEMERAL
    assert not reply.body.get("components"), "no suggestions for a question the bot did not read"


async def test_a_mention_in_another_language_gets_the_english_note(double: DiscordDouble, storybot: StoryBot) -> None:
    reply = await mention(double, "¿Quién es Evan Greer?")
    assert reply.body["content"] == POLITE_REPLIES["en"]
    assert not reply.body.get("components")


async def test_an_off_topic_question_offers_starter_questions(
    double: DiscordDouble, storybot: StoryBot, story_engine: Engine
) -> None:
    reply = await ask(double, "weather in paris")
    offered = [b["custom_id"].removeprefix("storybot:answer:") for b in buttons(reply)]
    starters = list(story_engine.kb.entries)[: len(offered)]
    assert offered and offered == starters
    assert "questions I can answer" in everything_shown(reply.body)
