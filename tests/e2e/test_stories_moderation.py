"""Moderating a library of two stories through the Discord double: `/kb` commands take a story, edits and
hand edits reload the story they touched (a broken story keeps answering while the other reloads), the
unanswered list and the review list are each one story's, and /quote pages turn in every story."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from discord_double import DiscordDouble, Reply
from stories.conftest import two_stories

from bot.answering.stories import StoryEngines
from bot.discord_app.bot import StoryBot
from bot.discord_app.runner import create_bot
from bot.knowledge.library import load_library

from .conftest import RunClient, settings_for
from .test_moderation import QUIET, answered_by, confirm, kb, mod_log, private, shown, snapshot
from .test_storybot import buttons

WATER_TITLE = "Cordero County water cuts"  # declared in the water story's story.yaml by `two_stories`
TAUGHT = "what does a water waster owe the county"  # a new phrasing for the water story's `fines` entry
WATER_GAP = "who designed the new county logo"  # neither story says; asked of the water story
OTHER_GAP = "who designed the police department logo"  # neither story says; asked of the default story
RELOAD_WAIT = 10.0  # seconds a test waits for the watcher to reload after a hand edit (it takes well under one)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    return two_stories(tmp_path)


@pytest.fixture
async def library_bot(double: DiscordDouble, tmp_path: Path, library: Path, run_client: RunClient) -> StoryBot:
    """A bot over the two-story library, watching it, with the double's second channel as the moderators' log."""
    stories = StoryEngines.of_library(load_library(library))
    settings = replace(settings_for(double, tmp_path / "data", library), mod_log_channel_id=double.mod_log_channel_id)
    bot = create_bot(settings, stories.engine(), watch_quiet=QUIET, stories=stories)
    await run_client(bot, double.token)
    return bot


async def ask(double: DiscordDouble, question: str, **options: str) -> Reply:
    return await double.wait_for_reply(await double.send_command("ask", {"question": question, **options}))


async def until(condition: Callable[[], bool], timeout: float = RELOAD_WAIT) -> None:
    """Wait until `condition()` holds (the watcher reloads in the background)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "the story was not reloaded in time"
        await asyncio.sleep(0.02)


async def test_kb_teach_with_a_story_edits_that_story_and_it_answers(
    double: DiscordDouble, library_bot: StoryBot, library: Path
) -> None:
    other_before = snapshot(library / "surveillance")
    typing = await double.send_autocomplete(
        "kb teach", {"question": TAUGHT, "entry": "fin", "story": "water"}, focused="entry", user=double.moderator
    )
    offered = [c["value"] for c in (await double.wait_for_reply(typing)).body["choices"]]
    assert "fines" in offered  # the entries offered are the water story's

    preview = await kb(double, "teach", {"question": TAUGHT, "entry": "fines", "story": "water"}, timeout=60)
    assert "**Teach**" in shown(preview), shown(preview)
    saved = await confirm(double, preview)
    assert private(saved) and shown(saved).startswith("**Saved:**"), shown(saved)

    assert TAUGHT in (library / "water" / "entries" / "rationing.yaml").read_text(encoding="utf-8")
    assert snapshot(library / "surveillance") == other_before  # the other story's files are untouched
    answer = await ask(double, TAUGHT, story="water")
    assert answered_by(answer) == TAUGHT
    assert library_bot.stories.engine("water").kb.entries["fines"].answer[:40] in shown(answer)
    assert WATER_TITLE in shown(answer)

    # The change is the water story's: its history lists it, the default story's does not; undo reverts it.
    assert "fines" in shown(await kb(double, "history", {"story": "water"}))
    assert "fines" not in shown(await kb(double, "history"))
    undone = await kb(double, "undo", {"story": "water"}, timeout=60)
    assert shown(undone).startswith("**Saved:**"), shown(undone)
    assert TAUGHT not in (library / "water" / "entries" / "rationing.yaml").read_text(encoding="utf-8")
    assert TAUGHT not in library_bot.stories.engine("water").kb.entries["fines"].questions


async def test_a_story_given_that_does_not_exist_is_refused(double: DiscordDouble, library_bot: StoryBot) -> None:
    reply = await kb(double, "unanswered", {"story": "no-such-story"})
    assert private(reply) and "no story" in shown(reply).lower() and "`water`" in shown(reply)


async def test_a_hand_edit_reloads_only_that_story(double: DiscordDouble, library_bot: StoryBot, library: Path) -> None:
    other = library_bot.stories.engine("police-surveillance")
    file = library / "water" / "entries" / "rationing.yaml"
    text = file.read_text(encoding="utf-8")
    edited = text.replace("      - How much is the fine?\n", f"      - How much is the fine?\n      - {TAUGHT}\n", 1)
    assert edited != text
    file.write_text(edited, encoding="utf-8")

    await until(lambda: TAUGHT in library_bot.stories.engine("water").kb.entries["fines"].questions)
    assert library_bot.stories.engine("police-surveillance") is other  # unchanged: not rebuilt
    assert answered_by(await ask(double, TAUGHT, story="water")) == TAUGHT


async def test_a_broken_story_keeps_its_engine_while_the_other_reloads(
    double: DiscordDouble, library_bot: StoryBot, library: Path
) -> None:
    water = library_bot.stories.engine("water")
    broken = library / "water" / "entries" / "rationing.yaml"
    mark = len(double.requests)
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("  - id: fines", "  - id: [fines", 1), encoding="utf-8"
    )
    report = await mod_log(double, "water/entries/rationing.yaml:", after=mark)
    assert WATER_TITLE in report and "still answering from the previous one" in report

    file = library / "surveillance" / "entries" / "companies.yaml"
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("IBM walked away", "IBM, it says, walked away", 1), encoding="utf-8")
    await until(lambda: "IBM, it says, walked away" in shown_answers(library_bot, "police-surveillance"))
    assert library_bot.stories.engine("water") is water  # the broken story answers from its last good engine
    assert "412" in shown(await ask(double, "what is the contract worth?", story="water"))

    refused = await kb(double, "reload")  # every story: the broken one refused, the other reloaded
    assert private(refused) and WATER_TITLE in shown(refused) and "Not reloaded" in shown(refused)


def shown_answers(bot: StoryBot, story: str) -> str:
    return "\n".join(entry.answer for entry in bot.stories.engine(story).kb.entries.values())


async def test_kb_unanswered_with_a_story_lists_only_its_questions(
    double: DiscordDouble, library_bot: StoryBot
) -> None:
    assert answered_by(await ask(double, WATER_GAP, story="water")) is None
    assert answered_by(await ask(double, OTHER_GAP, story="police-surveillance")) is None

    water = shown(await kb(double, "unanswered", {"story": "water"}))
    assert WATER_GAP in water and OTHER_GAP not in water
    default = shown(await kb(double, "unanswered"))  # no story: the library's first, the shipped story
    assert OTHER_GAP in default and WATER_GAP not in default

    typing = await double.send_autocomplete("kb unanswered", {"story": "cord"}, focused="story", user=double.moderator)
    assert (await double.wait_for_reply(typing)).body["choices"] == [{"name": WATER_TITLE, "value": "water"}]


async def test_not_right_on_a_story_answer_lands_in_that_story_review(
    double: DiscordDouble, library_bot: StoryBot
) -> None:
    answer = await ask(double, "what is the contract worth?", story="water")
    assert answer.message is not None
    not_right = next(b["custom_id"] for b in buttons(answer) if b.get("label") == "Not right")
    pressed = await double.press_button(answer.message, not_right)
    await double.wait_for_modal(pressed)  # "what did you want to know?", optional

    assert "contract" in shown(await kb(double, "review", {"story": "water"}))
    assert "contract" not in shown(await kb(double, "review"))


async def test_quote_pages_turn_in_a_story_that_is_not_the_default(
    double: DiscordDouble, library_bot: StoryBot
) -> None:
    sent = await double.send_command("quote", {"person": "water/dana-whitfield", "story": "water"})
    first = await double.wait_for_reply(sent)
    following = [b for b in buttons(first) if b.get("label", "").startswith("Next")]
    assert following, "no page buttons on another story's quotes"
    assert first.message is not None
    turned = await double.wait_for_reply(await double.press_button(first.message, following[0]["custom_id"]))
    assert shown(turned) != shown(first) and "Dana Whitfield" in shown(turned)
