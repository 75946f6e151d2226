"""Moderators keeping the knowledge base, end to end: /kb commands, forms and buttons through the Discord double,
and the live reload that follows the files on disk.

Every test edits a copy of the shipped knowledge base in its own temporary folder, and asserts on what the bot
sent to "Discord" and on the files it left behind.
"""

from __future__ import annotations

import asyncio
import difflib
import os
import re
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from discord_double import DiscordDouble, Person, RecordedRequest, Reply

from bot.answering import Engine
from bot.discord_app.bot import StoryBot
from bot.discord_app.embeds import NOT_MODERATOR
from bot.discord_app.runner import create_bot
from bot.knowledge import bundled_knowledge_dir, load_knowledge

from .conftest import RunClient, settings_for
from .test_storybot import everything_shown

EPHEMERAL = 1 << 6
QUIET = 0.05  # the watcher's debounce in these tests: short, so a test waits little for a reload
ARTICLE_SENTENCE = (
    "Amazon has won £460million of public contracts in the past four years, despite questions over its tax bill."
)
DECLINED = "how big is mijente"  # the shipped knowledge base declines it; `what-is-mijente` is its nearest entry


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    """A private copy of the shipped knowledge base, which the test may edit."""
    directory = tmp_path / "knowledge"
    shutil.copytree(bundled_knowledge_dir(), directory, ignore=shutil.ignore_patterns(".*"))
    return directory


StartBot = Callable[[], Awaitable[StoryBot]]


@pytest.fixture
def start_bot(double: DiscordDouble, tmp_path: Path, knowledge: Path, run_client: RunClient) -> StartBot:
    """Start StoryBot on the copy, watching it, with the double's second channel as the moderators' log."""

    async def start() -> StoryBot:
        settings = replace(
            settings_for(double, tmp_path / "data", knowledge), mod_log_channel_id=double.mod_log_channel_id
        )
        bot = create_bot(settings, Engine(load_knowledge(knowledge)), watch_quiet=QUIET)
        await run_client(bot, double.token)
        return bot

    return start


@pytest.fixture
async def kb_bot(start_bot: StartBot) -> StoryBot:
    return await start_bot()


# ---------------------------------------------------------------------------------------------- helpers


async def kb(
    double: DiscordDouble,
    subcommand: str,
    options: dict[str, Any] | None = None,
    *,
    user: Person | None = None,
    timeout: float = 10.0,
) -> Reply:
    """Run `/kb <subcommand>` (as the moderator, unless told otherwise) and return the bot's reply."""
    sent = await double.send_command(f"kb {subcommand}", options or {}, user=user or double.moderator)
    return await double.wait_for_reply(sent, timeout=timeout)


async def ask(double: DiscordDouble, question: str) -> Reply:
    return await double.wait_for_reply(await double.send_command("ask", {"question": question}))


def shown(reply: Reply) -> str:
    return everything_shown(reply.body)


def private(reply: Reply) -> bool:
    return bool(reply.body.get("flags", 0) & EPHEMERAL)


def answered_by(reply: Reply) -> str | None:
    """The phrasing an answer says it answered ("Answering: …"), or None for a decline."""
    [embed] = reply.body["embeds"]
    title = embed.get("title") or ""
    return title.removeprefix("Answering: ") if title.startswith("Answering: ") else None


async def mod_log(double: DiscordDouble, containing: str, *, after: int = 0, timeout: float = 5.0) -> str:
    """The first note the bot posts in the moderators' log channel (from request `after` on) with this text."""
    path = f"/channels/{double.mod_log_channel_id}/messages"

    def matches(request: RecordedRequest) -> bool:
        return (
            request.method == "POST" and request.path == path and containing in (request.json or {}).get("content", "")
        )

    request = await double.wait_for_request(matches, after=after, timeout=timeout)
    return str(request.json["content"])


def snapshot(directory: Path) -> dict[str, bytes]:
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    }


def button(reply: Reply, label_start: str) -> dict[str, Any]:
    """The first button on a reply whose label starts with `label_start`."""
    buttons: list[dict[str, Any]] = [c for row in reply.body.get("components") or [] for c in row["components"]]
    found = [b for b in buttons if b.get("label", "").startswith(label_start)]
    assert found, f"no button {label_start!r}; the message shows {[b.get('label') for b in buttons]}"
    return found[0]


async def confirm(double: DiscordDouble, preview: Reply, label: str = "Confirm") -> Reply:
    """Press a teach preview's confirm button; the reply that says what became of it (saved, or not)."""
    assert preview.message is not None
    pressed = await double.press_button(preview.message, button(preview, label)["custom_id"], user=double.moderator)
    _, result = await double.wait_for_replies(pressed, 2, timeout=60)  # the preview retired, then the outcome
    return result


async def teach(double: DiscordDouble, question: str, entry: str) -> Reply:
    """`/kb teach`, confirmed: the reply that says whether it was saved."""
    preview = await kb(double, "teach", {"question": question, "entry": entry}, timeout=60)
    assert "**Teach**" in shown(preview), shown(preview)
    return await confirm(double, preview)


def inputs(modal: dict[str, Any]) -> dict[str, str]:
    """A modal's text inputs: label → custom id."""
    return {row["label"]: row["component"]["custom_id"] for row in modal["components"]}


# ---------------------------------------------------------------------------------------------- editing


async def test_fifty_concurrent_teach_commands_all_land(
    double: DiscordDouble, kb_bot: StoryBot, knowledge: Path
) -> None:
    entries = ["which-companies-paused", "what-is-mijente", "ring-police-partnerships", "who-is-evan-greer"]
    taught = {f"Concurrent phrasing number {n} about the story?": entries[n % len(entries)] for n in range(50)}

    replies = await asyncio.gather(*(teach(double, q, e) for q, e in taught.items()))

    assert all(private(r) and shown(r).startswith("**Saved:**") for r in replies), [shown(r)[:200] for r in replies]
    kb_on_disk = load_knowledge(knowledge)  # the files validate
    for question, entry_id in taught.items():
        assert question in kb_on_disk.entries[entry_id].questions
        assert question in kb_bot.engine.kb.entries[entry_id].questions, "a taught phrasing is not live"
    changes = kb_bot.store.changes(100)
    assert len(changes) == 50
    assert {c.action for c in changes} == {"teach"} and {c.user_id for c in changes} == {double.moderator.id}
    # Each change is noted in the moderators' log, once.
    notes = [await mod_log(double, f"(change {change.id};") for change in changes]
    assert len(set(notes)) == 50


async def test_teach_keeps_comments_and_layout_byte_for_byte(
    double: DiscordDouble, start_bot: StartBot, knowledge: Path
) -> None:
    custom = knowledge / "entries" / "hand-kept.yaml"
    original = (
        "# Kept by hand: answer first, then id, then the rest.\n"
        "entries:\n"
        "  # Greer's point about the industry.\n"
        "  - answer: Evan Greer says tech companies want to have it both ways.   # short on purpose\n"
        "    id: greer-both-ways-entry\n"
        "    evidence:\n"
        "      - excerpt: I think broadly, tech companies want to have it both ways\n"
        "        source: tech-police-surveillance-2020\n"
        "    questions:\n"
        "      # the first wording readers used\n"
        "      - Is big tech trying to have it both ways, says Greer?\n"
        "      - 'What do tech companies want, according to Greer?'   # quoted, with a comment\n"
        "    about: [evan-greer]   # flow style stays\n"
        "\n"
        "# A closing comment.\n"
    )
    custom.write_text(original, encoding="utf-8")
    await start_bot()

    phrasing = "Greer on tech wanting it both ways"
    reply = await teach(double, phrasing, "greer-both-ways-entry")
    assert shown(reply).startswith("**Saved:**")

    after = custom.read_text(encoding="utf-8")
    diff = [line for line in difflib.ndiff(original.splitlines(), after.splitlines()) if line[:2] in ("+ ", "- ")]
    assert diff == [f"+       - {phrasing}"]
    assert after.index(phrasing) > after.index("# quoted, with a comment")  # appended after the last phrasing


async def test_a_declined_question_is_answered_after_it_is_taught(double: DiscordDouble, kb_bot: StoryBot) -> None:
    assert answered_by(await ask(double, DECLINED)) is None

    reply = await teach(double, DECLINED, "what-is-mijente")
    assert private(reply) and shown(reply).startswith("**Saved:**")
    assert "what-is-mijente" in shown(reply)

    after = await ask(double, DECLINED)
    assert answered_by(after) == DECLINED
    assert kb_bot.engine.kb.entries["what-is-mijente"].answer[:40] in after.body["embeds"][0]["description"]
    # The change is noted in the moderators' log.
    note = await mod_log(double, "what-is-mijente")
    assert "moderator" in note and "/kb undo" in note


async def test_teach_previews_the_answer_and_changes_nothing_until_confirmed(
    double: DiscordDouble, kb_bot: StoryBot, knowledge: Path
) -> None:
    before = snapshot(knowledge)
    preview = await kb(double, "teach", {"question": DECLINED, "entry": "what-is-mijente"})
    assert private(preview)
    text = shown(preview)
    assert "`what-is-mijente`" in text and "declined now" in text
    assert kb_bot.engine.kb.entries["what-is-mijente"].answer[:40] in text  # the answer readers will get
    assert [b["label"] for b in _row(preview, 0)] == ["Confirm", "Cancel"]
    assert snapshot(knowledge) == before and kb_bot.store.changes(10) == []

    assert preview.message is not None
    pressed = await double.press_button(preview.message, button(preview, "Cancel")["custom_id"], user=double.moderator)
    cancelled = await double.wait_for_reply(pressed)
    assert "Not taught" in shown(cancelled) and all(b.get("disabled") for b in _row(cancelled, 0))
    assert snapshot(knowledge) == before and kb_bot.store.changes(10) == []
    assert answered_by(await ask(double, DECLINED)) is None


async def test_a_likely_false_premise_needs_a_second_explicit_confirmation(
    double: DiscordDouble, kb_bot: StoryBot, knowledge: Path
) -> None:
    before = snapshot(knowledge)
    question = "did google pause facial recognition"
    preview = await kb(double, "teach", {"question": question, "entry": "which-companies-paused"})
    assert preview.message is not None
    pressed = await double.press_button(preview.message, button(preview, "Confirm")["custom_id"], user=double.moderator)
    warned = await double.wait_for_reply(pressed)
    text = shown(warned)
    assert "Likely false premise" in text and "google" in text and "IBM" in text
    assert [b["label"] for b in _row(warned, 0)] == ["Teach anyway", "Cancel"]
    assert snapshot(knowledge) == before, "the first confirmation of a false premise taught it"

    saved = await confirm(double, warned, "Teach anyway")
    assert shown(saved).startswith("**Saved:**")
    assert question in kb_bot.engine.kb.entries["which-companies-paused"].questions


async def test_unanswered_teach_of_a_false_premise_asks_twice(double: DiscordDouble, kb_bot: StoryBot) -> None:
    question = "did google pause facial recognition"
    assert answered_by(await ask(double, question)) is None
    listing = await kb(double, "unanswered")
    assert listing.message is not None
    teach_button = next(b for b in _row(listing, 0) if b["label"].startswith("1 · Teach to ") and "…" not in b["label"])
    pressed = await double.press_button(listing.message, teach_button["custom_id"], user=double.moderator)
    preview = await double.wait_for_reply(pressed)
    assert preview.message is not None
    pressed = await double.press_button(preview.message, button(preview, "Confirm")["custom_id"], user=double.moderator)
    warned = await double.wait_for_reply(pressed)
    assert "Likely false premise" in shown(warned)
    assert kb_bot.store.changes(10) == []
    assert warned.message is not None
    pressed = await double.press_button(warned.message, button(warned, "Cancel")["custom_id"], user=double.moderator)
    assert "Not taught" in shown(await double.wait_for_reply(pressed))
    assert kb_bot.store.changes(10) == []


async def test_add_refuses_evidence_that_is_not_verbatim_and_shows_the_closest_passage(
    double: DiscordDouble, kb_bot: StoryBot, knowledge: Path
) -> None:
    before = snapshot(knowledge)
    opened = await double.send_command("kb add", {}, user=double.moderator)
    form = await double.wait_for_modal(opened)
    fields = inputs(form)
    assert set(fields) == {"Phrasings", "Answer", "Evidence", "Entry id (optional)"}
    misquoted = ARTICLE_SENTENCE.replace("£460million", "£500million")
    values = {
        fields["Phrasings"]: "How much public money has Amazon won?\nHow big are Amazon's public contracts?",
        fields["Answer"]: "Amazon has won £460million of public contracts in the past four years.",
        fields["Evidence"]: misquoted,
    }
    reply = await double.wait_for_reply(await double.submit_modal(opened, values))

    assert private(reply)
    text = shown(reply)
    assert text.startswith("**Not saved:**")
    assert "lines up best" in text and "**£460million** of public contracts" in text
    assert snapshot(knowledge) == before, "a refused edit changed the files"

    # Fixed, the same form saves the entry, and it answers at once.
    opened = await double.send_command("kb add", {}, user=double.moderator)
    form = await double.wait_for_modal(opened)
    values[fields["Evidence"]] = ARTICLE_SENTENCE
    reply = await double.wait_for_reply(await double.submit_modal(opened, values))
    assert shown(reply).startswith("**Saved:**"), shown(reply)
    answer = await ask(double, "How big are Amazon's public contracts?")
    assert answered_by(answer) == "How big are Amazon's public contracts?"
    assert "£460million" in answer.body["embeds"][0]["description"]


async def test_quote_adds_a_verbatim_quote_and_refuses_a_misquote(
    double: DiscordDouble, kb_bot: StoryBot, knowledge: Path
) -> None:
    typing = await double.send_autocomplete("kb quote", {"speaker": "unat"}, focused="speaker", user=double.moderator)
    choices = (await double.wait_for_reply(typing)).body["choices"]
    assert choices[0]["value"] == "unattributed"

    words = (
        "It took reporting from multiple news outlets for the public to learn about the extent of these partnerships"
    )
    note = "The story does not say who wrote this; it is not in quotation marks."
    wrong = await kb(
        double, "quote", {"speaker": "unattributed", "text": words.replace("multiple", "many"), "note": note}
    )
    assert shown(wrong).startswith("**Not saved:**") and "**multiple** news outlets" in shown(wrong)

    saved = await kb(double, "quote", {"speaker": "unattributed", "text": words, "note": note})
    assert shown(saved).startswith("**Saved:**")
    assert words in " ".join((knowledge / "quotes.yaml").read_text(encoding="utf-8").split())
    assert any(q.text == words and q.speaker is None for q in kb_bot.engine.kb.quotes.values())


async def test_edit_remove_history_and_undo(double: DiscordDouble, kb_bot: StoryBot, knowledge: Path) -> None:
    file = knowledge / "entries" / "activism.yaml"
    original = file.read_bytes()

    edited = await kb(
        double, "edit", {"entry": "what-is-mijente", "phrasings": "Who leads Mijente? | Mijente's leader"}
    )
    assert shown(edited).startswith("**Saved:**")
    assert {"Who leads Mijente?", "Mijente's leader"} <= set(kb_bot.engine.kb.entries["what-is-mijente"].questions)

    removed = await kb(double, "remove", {"entry": "what-is-mijente", "phrasing": "Who leads Mijente?"})
    assert shown(removed).startswith("**Saved:**")
    assert "Who leads Mijente?" not in kb_bot.engine.kb.entries["what-is-mijente"].questions

    history = await kb(double, "history")
    [embed] = history.body["embeds"]
    lines = embed["description"].splitlines()
    assert len(lines) == 2 and "moderator" in lines[0] and "removed phrasing" in lines[0]
    assert lines[1].startswith("`") and "added" in lines[1]

    # Undo the last change, then the one before it by number: the file is back, byte for byte.
    first_id = int(re.match(r"`(\d+)`", lines[1]).group(1))  # type: ignore[union-attr]
    assert shown(await kb(double, "undo")).startswith("**Saved:**")
    assert "Who leads Mijente?" in kb_bot.engine.kb.entries["what-is-mijente"].questions
    assert shown(await kb(double, "undo", {"change": first_id})).startswith("**Saved:**")
    assert file.read_bytes() == original
    assert "Mijente's leader" not in kb_bot.engine.kb.entries["what-is-mijente"].questions

    again = await kb(double, "undo", {"change": first_id})
    assert shown(again).startswith("**Not saved:**") and "already undone" in shown(again)


async def test_edit_refuses_an_answer_its_evidence_does_not_back(
    double: DiscordDouble, kb_bot: StoryBot, knowledge: Path
) -> None:
    before = snapshot(knowledge)
    answer = "Ring works with 900 police departments across Canada."
    reply = await kb(double, "edit", {"entry": "ring-police-partnerships", "answer": answer})
    text = shown(reply)
    assert private(reply) and text.startswith("**Not saved:**")
    assert re.search(r"entries/ring\.yaml:\d+:\d+: the answer says '900'", text), text
    assert "Canada" in text  # a name the evidence does not give is named too
    assert snapshot(knowledge) == before


async def test_add_refuses_an_answer_naming_someone_its_evidence_does_not(
    double: DiscordDouble, kb_bot: StoryBot, knowledge: Path
) -> None:
    before = snapshot(knowledge)
    opened = await double.send_command("kb add", {}, user=double.moderator)
    fields = inputs(await double.wait_for_modal(opened))
    values = {
        fields["Phrasings"]: "Who has won public contracts?",
        fields["Answer"]: "Google has won £460million of public contracts in the past four years.",
        fields["Evidence"]: ARTICLE_SENTENCE,
    }
    reply = await double.wait_for_reply(await double.submit_modal(opened, values))
    text = shown(reply)
    assert text.startswith("**Not saved:**") and "the answer names 'Google'" in text
    assert re.search(r"entries/moderators\.yaml:\d+:\d+: ", text), text
    assert snapshot(knowledge) == before


async def test_a_hand_edit_of_an_answer_the_evidence_does_not_back_is_not_loaded(
    double: DiscordDouble, kb_bot: StoryBot, knowledge: Path
) -> None:
    file = knowledge / "entries" / "ring.yaml"
    good = file.read_text(encoding="utf-8")
    mark = len(double.requests)
    file.write_text(good.replace("more than 400 police", "more than 900 police", 1), encoding="utf-8")
    report = await mod_log(double, "entries/ring.yaml:", after=mark)
    assert re.search(r"entries/ring\.yaml:\d+:\d+: the answer says '900'", report), report
    assert kb_bot.holder.version == 0  # readers keep the grounded answers


async def test_edit_without_options_opens_a_form_with_the_current_answer(
    double: DiscordDouble, kb_bot: StoryBot
) -> None:
    current = kb_bot.engine.kb.entries["what-is-mijente"].answer
    opened = await double.send_command("kb edit", {"entry": "what-is-mijente"}, user=double.moderator)
    form = await double.wait_for_modal(opened)
    answer_input = next(row["component"] for row in form["components"] if row["label"] == "Answer")
    assert answer_input["value"] == current
    new_answer = current + " It campaigns with other groups."
    reply = await double.wait_for_reply(await double.submit_modal(opened, {answer_input["custom_id"]: new_answer}))
    assert shown(reply).startswith("**Saved:**")
    assert kb_bot.engine.kb.entries["what-is-mijente"].answer == new_answer

    unknown = await kb(double, "edit", {"entry": "what-is-mijent"})
    assert private(unknown) and "No entry has the id" in shown(unknown) and "`what-is-mijente`" in shown(unknown)


async def test_entry_autocomplete_finds_entries_by_id_or_answer(double: DiscordDouble, kb_bot: StoryBot) -> None:
    typing = await double.send_autocomplete(
        "kb teach", {"question": "x", "entry": "doorbell"}, focused="entry", user=double.moderator
    )
    choices = (await double.wait_for_reply(typing)).body["choices"]
    assert 0 < len(choices) <= 25
    assert any(c["value"] == "ring-police-partnerships" for c in choices)
    assert all(len(c["name"]) <= 100 for c in choices)

    # A member who is not a moderator is offered nothing.
    typing = await double.send_autocomplete(
        "kb teach", {"question": "x", "entry": "doorbell"}, focused="entry", user=double.alice
    )
    assert (await double.wait_for_reply(typing)).body["choices"] == []


# ---------------------------------------------------------------------------------------------- what readers asked


async def test_unanswered_lists_declined_questions_to_teach_or_dismiss(double: DiscordDouble, kb_bot: StoryBot) -> None:
    for question in (DECLINED, "How big is Mijente?", "what colour is the sky"):
        assert answered_by(await ask(double, question)) is None

    listed = await double.send_command("kb unanswered", {}, user=double.moderator)
    listing = await double.wait_for_reply(listed)
    assert private(listing)
    [embed] = listing.body["embeds"]
    first, second = embed["fields"][:2]
    assert DECLINED in first["name"].lower() and "asked 2 times" in first["name"]
    assert "`what-is-mijente`" in first["value"]
    assert "sky" in second["name"] and "asked once" in second["name"]

    assert listing.message is not None
    pressed = await double.press_button(
        listing.message, button(listing, "1 · Teach to what-is-mijente")["custom_id"], user=double.moderator
    )
    preview = await double.wait_for_reply(pressed)
    assert private(preview) and "Mijente is named with Fight for Our Future" in shown(preview)
    mark = len(double.requests)
    result = await confirm(double, preview)
    assert shown(result).startswith("**Saved:**") and private(result)
    updated = await double.wait_for_reply(listed, after=mark)  # the list itself, updated
    assert "✅ taught to `what-is-mijente`" in updated.body["embeds"][0]["fields"][0]["value"]
    assert all(b.get("disabled") for b in _row(updated, 0))

    pressed = await double.press_button(
        listing.message, button(listing, "2 · Dismiss")["custom_id"], user=double.moderator
    )
    dismissed = await double.wait_for_reply(pressed)
    assert "✅ dismissed" in dismissed.body["embeds"][0]["fields"][1]["value"]

    empty = await kb(double, "unanswered")
    assert "Nothing waiting" in shown(empty)
    assert answered_by(await ask(double, "Who runs Mijente?")) is not None


async def test_unanswered_offers_buttons_for_five_and_says_when_more_are_waiting(
    double: DiscordDouble, kb_bot: StoryBot
) -> None:
    for question in (
        "what colour is the sky",
        "is the bot vegan?",
        "tell me about the pizza",
        "what is the weather in Paris?",
        "who won the football cup",
        "how tall is mount everest",
    ):
        await ask(double, question)
    listing = await kb(double, "unanswered")
    [embed] = listing.body["embeds"]
    assert len(embed["fields"]) == 5 and len(listing.body["components"]) == 5
    assert "More questions are waiting" in embed["footer"]["text"]


async def test_unanswered_teach_to_another_entry_through_a_form(double: DiscordDouble, kb_bot: StoryBot) -> None:
    await ask(double, "what colour is the sky")
    listing = await kb(double, "unanswered")
    assert listing.message is not None
    pressed = await double.press_button(
        listing.message, button(listing, "1 · Teach to…")["custom_id"], user=double.moderator
    )
    form = await double.wait_for_modal(pressed)
    fields = inputs(form)
    submitted = await double.submit_modal(
        pressed, {fields["Question"]: "What colour were the protest signs?", fields["Entry"]: "june-1-protest-dc"}
    )
    preview = await double.wait_for_reply(submitted)
    assert "`june-1-protest-dc`" in shown(preview) and "Likely false premise" not in shown(preview)
    assert "What colour were the protest signs?" not in kb_bot.engine.kb.entries["june-1-protest-dc"].questions
    result = await confirm(double, preview)
    assert shown(result).startswith("**Saved:**")
    assert "What colour were the protest signs?" in kb_bot.engine.kb.entries["june-1-protest-dc"].questions


async def test_stats_count_questions_over_a_period(double: DiscordDouble, kb_bot: StoryBot) -> None:
    await ask(double, "which companies paused facial recognition?")
    await ask(double, "Which companies paused facial recognition?")
    await ask(double, DECLINED)
    await ask(double, "hello!")  # small talk is not counted

    reply = await kb(double, "stats", {"period": "day"})
    [embed] = reply.body["embeds"]
    assert "**3** asked" in embed["description"] and "**2** answered (67%)" in embed["description"]
    assert "**1** declined (33%)" in embed["description"]
    assert "low confidence" in embed["description"]
    assert "**2×** `which-companies-paused`" in embed["fields"][0]["value"]
    assert embed["fields"][1]["name"].startswith("Declined most often")
    assert f"**1×** “{DECLINED}”" in embed["fields"][1]["value"]

    # The periods offered: the last 7 days (the default) and the last 30, among others.
    options = next(o for o in double.registered_command("kb")["options"] if o["name"] == "stats")["options"]
    [period] = [o for o in options if o["name"] == "period"]
    assert [c["name"] for c in period["choices"]][:2] == ["Last 7 days", "Last 30 days"]
    week = (await kb(double, "stats")).body["embeds"][0]
    assert week["title"] == "Questions in the last 7 days" and "**3** asked" in week["description"]


def _row(reply: Reply, index: int) -> list[dict[str, Any]]:
    return list(reply.body["components"][index]["components"])


# ---------------------------------------------------------------------------------------------- live reload


async def test_a_hand_edit_with_a_syntax_error_never_replaces_the_live_knowledge(
    double: DiscordDouble, kb_bot: StoryBot, knowledge: Path
) -> None:
    question = "which companies paused facial recognition?"
    before = (await ask(double, question)).body["embeds"][0]["description"]
    assert "IBM walked away" in before

    file = knowledge / "entries" / "companies.yaml"
    good = file.read_text(encoding="utf-8")
    broken = good.replace(
        "keywords: [companies paused, stepping back]", "keywords: [companies paused, stepping back", 1
    )
    assert broken != good
    mark = len(double.requests)
    file.write_text(broken, encoding="utf-8")

    # The watcher reloads, finds the error and tells the moderators where it is.
    report = await mod_log(double, "entries/companies.yaml:", after=mark)
    location = re.search(r"entries/companies\.yaml:\d+:\d+: ", report)
    assert location, report
    assert "still answering from the previous one" in report

    # Readers still get the last good answer.
    assert (await ask(double, question)).body["embeds"][0]["description"] == before
    assert kb_bot.holder.version == 0

    # A moderator who asks for a reload sees the same error, privately.
    refused = await kb(double, "reload")
    assert private(refused) and shown(refused).startswith("**Not reloaded:**")
    assert location.group(0) in shown(refused)

    # Fixing the file (here, with a changed answer) brings the new version in by itself.
    mark = len(double.requests)
    file.write_text(good.replace("IBM walked away", "IBM, the story says, walked away", 1), encoding="utf-8")
    await mod_log(double, "valid again", after=mark)
    after = (await ask(double, question)).body["embeds"][0]["description"]
    assert "IBM, the story says, walked away" in after
    assert kb_bot.holder.version == 1


async def test_kb_reload_reports_success_privately_and_in_the_log(double: DiscordDouble, kb_bot: StoryBot) -> None:
    reply = await kb(double, "reload")
    assert private(reply) and shown(reply).startswith("Knowledge base reloaded:")
    assert "Nothing had changed" in shown(reply)
    await mod_log(double, f"Requested by moderator (<@{double.moderator.id}>)")


# ---------------------------------------------------------------------------------------------- permissions

EVERY_KB_COMMAND: list[tuple[str, dict[str, Any]]] = [
    ("reload", {}),
    ("teach", {"question": "Who leads Mijente?", "entry": "what-is-mijente"}),
    ("edit", {"entry": "what-is-mijente", "phrasings": "Who is behind Mijente?"}),
    ("remove", {"entry": "what-is-mijente", "phrasing": "Who is behind Mijente?"}),
    ("undo", {}),
    (
        "quote",
        {
            "speaker": "unattributed",
            "text": "Ring seems to have anticipated public concerns about a large network of cameras",
            "note": "Not in quotation marks; the story does not say whose words these are.",
        },
    ),
    ("history", {}),
    ("unanswered", {}),
    ("review", {}),
    ("stats", {}),
    ("add", {}),
]


async def test_every_kb_command_is_refused_to_members_and_allowed_to_moderators(
    double: DiscordDouble, kb_bot: StoryBot, knowledge: Path
) -> None:
    registered = {o["name"] for o in double.registered_command("kb")["options"]}
    # /kb channel (a group of its own) is checked in tests/e2e/test_stories.py.
    assert registered - {"channel"} == {name for name, _ in EVERY_KB_COMMAND}, "a /kb command is missing from this test"
    before = snapshot(knowledge)

    for name, options in EVERY_KB_COMMAND:
        refused = await kb(double, name, options, user=double.alice)
        assert private(refused), name
        assert refused.body["content"] == NOT_MODERATOR, name
    assert snapshot(knowledge) == before
    assert kb_bot.store.changes(10) == []

    for name, options in EVERY_KB_COMMAND:
        sent = await double.send_command(f"kb {name}", options, user=double.moderator)
        if name == "add":
            form = await double.wait_for_modal(sent)
            assert form["title"] == "Add an entry"
            continue
        reply = await double.wait_for_reply(sent, timeout=10)
        assert private(reply), name
        text = shown(reply)
        assert text != NOT_MODERATOR and "Not saved" not in text, f"/kb {name}: {text[:300]}"
    assert len(kb_bot.store.changes(10)) == 4  # edit, remove, undo, quote: a teach waits for its confirmation

    # Manage Server is enough without the role.
    assert shown(await kb(double, "stats", user=double.admin)).strip().startswith("Questions in")


async def test_forms_and_buttons_check_again(double: DiscordDouble, kb_bot: StoryBot) -> None:
    """A button press from someone who is not a moderator is refused, even on a moderator's list."""
    await ask(double, DECLINED)
    listing = await kb(double, "unanswered")
    assert listing.message is not None
    pressed = await double.press_button(listing.message, button(listing, "1 · Dismiss")["custom_id"], user=double.alice)
    refusal = await double.wait_for_reply(pressed)
    assert refusal.body["content"] == NOT_MODERATOR and private(refusal)
    assert len(kb_bot.store.unanswered_groups(kb_bot.engine)) == 1


# ---------------------------------------------------------------------------------------------- hostile folders

PLANTED = "DISCORD_TOKEN=planted-outside-secret"  # made up: it must never reach Discord


def sent_anything_with(double: DiscordDouble, text: str) -> list[str]:
    """Every request the bot sent whose body holds `text`."""
    return [str(request) for request in double.requests if text in str(request.json)]


async def test_kb_reload_never_quotes_a_file_outside_the_folder(
    double: DiscordDouble, kb_bot: StoryBot, knowledge: Path, tmp_path: Path
) -> None:
    (tmp_path / "secret.txt").write_text(PLANTED + "\n", encoding="utf-8")
    sources = knowledge / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    sources.write_text(text.replace("text_file: sources/", "text_file: ../secret.txt #", 1), encoding="utf-8")
    (knowledge / "entries" / "zz-near.yaml").write_text(
        "entries:\n  - id: zz-near\n    questions: [What is planted?]\n    answer: Something.\n    evidence:\n"
        f"      - source: tech-police-surveillance-2020\n        excerpt: {PLANTED.replace('secret', 'secrets')}\n",
        encoding="utf-8",
    )
    refused = await kb(double, "reload")
    assert private(refused) and shown(refused).startswith("**Not reloaded:**")
    assert "outside the knowledge folder" in shown(refused)
    await mod_log(double, "outside the knowledge folder")  # the watcher's report, and the reload's
    assert sent_anything_with(double, "planted-outside-secret") == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
async def test_a_fifo_in_the_folder_hangs_neither_teach_nor_reload(
    double: DiscordDouble, kb_bot: StoryBot, knowledge: Path
) -> None:
    os.mkfifo(knowledge / "entries" / "pipe.yaml")
    taught = await teach(double, DECLINED, "what-is-mijente")
    assert shown(taught).startswith("**Not saved:**")
    assert "named pipe (FIFO)" in shown(taught)
    refused = await kb(double, "reload")
    assert "entries/pipe.yaml:1:1: cannot read the file: it is a named pipe (FIFO)" in shown(refused)
    os.unlink(knowledge / "entries" / "pipe.yaml")
    assert shown(await teach(double, DECLINED, "what-is-mijente")).startswith("**Saved:**")


async def test_a_loop_of_links_is_reported_not_an_apology(
    double: DiscordDouble, kb_bot: StoryBot, knowledge: Path
) -> None:
    (knowledge / "entries" / "loop.yaml").symlink_to("loop.yaml")
    taught = await teach(double, DECLINED, "what-is-mijente")
    assert "loop of symbolic links" in shown(taught)
