"""StoryBot end to end: the real discord.py client, driven through the Discord double as users would drive it.

Every test asserts on what the bot actually sent to "Discord": the request bodies and the messages the double
made of them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from discord_double import GATEWAY_CUTS, MESSAGE_CONTENT_INTENT, DiscordDouble, Reply
from discord_double.roundtrip import measure_roundtrips

from bot.answering import Engine
from bot.discord_app.bot import StoryBot

ARTICLE = Path(__file__).resolve().parents[2] / "knowledge" / "sources" / "tech-police-surveillance-2020.txt"
EPHEMERAL = 1 << 6


def unescape(markdown: str) -> str:
    """Text as a reader sees it: markdown escapes removed."""
    return re.sub(r"\\(.)", r"\1", markdown)


def block_quotes(text: str) -> list[str]:
    """The block-quoted lines of a markdown text, without their markers."""
    return [unescape(line[2:]) for line in text.splitlines() if line.startswith("> ")]


def everything_shown(body: dict[str, Any]) -> str:
    """All the text of a message: content, then each embed's title, description, fields and footer."""
    parts = [body.get("content") or ""]
    for embed in body.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields") or []]
        parts.append((embed.get("footer") or {}).get("text") or "")
    return "\n".join(parts)


def buttons(reply: Reply) -> list[dict[str, Any]]:
    return [c for row in reply.body.get("components") or [] for c in row["components"]]


async def test_ask_answers_with_evidence_and_names_the_source(
    double: DiscordDouble, storybot: StoryBot, story_engine: Engine
) -> None:
    sent = await double.send_command("ask", {"question": "which companies paused facial recognition?"})
    reply = await double.wait_for_reply(sent)

    assert not reply.body.get("flags", 0) & EPHEMERAL, "an answer is for the whole channel"
    [embed] = reply.body["embeds"]
    assert "IBM" in embed["description"] and "Amazon" in embed["description"]
    article = ARTICLE.read_text(encoding="utf-8")
    evidence = block_quotes(embed["description"])
    assert evidence, "the answer shows no evidence"
    assert all(excerpt.rstrip(" …") in article for excerpt in evidence), evidence
    title = story_engine.kb.sources["tech-police-surveillance-2020"].title
    assert title in unescape(embed["description"]), "the story is not named"


async def test_quote_autocomplete_forgives_a_misspelt_name(double: DiscordDouble, storybot: StoryBot) -> None:
    typing = await double.send_autocomplete("quote", {"person": "gilard"}, focused="person")
    choices = (await double.wait_for_reply(typing)).body["choices"]
    assert choices and choices[0]["name"].startswith("Chris Gilliard")

    # Picking the suggestion sends its value; the reply is that person's words, verbatim.
    sent = await double.send_command("quote", {"person": choices[0]["value"]})
    [page] = (await double.wait_for_reply(sent)).body["embeds"]
    assert "Chris Gilliard" in page["title"]
    article = ARTICLE.read_text(encoding="utf-8")
    quoted = [q.strip("“”") for q in block_quotes(page["description"])]
    assert quoted and all(q in article for q in quoted)


async def test_mention_is_answered_in_a_reply_without_the_message_content_intent(
    double: DiscordDouble, storybot: StoryBot
) -> None:
    identify = await double.wait_for_frame(lambda frame: frame.op == 2)
    assert not identify.d["intents"] & MESSAGE_CONTENT_INTENT

    # A message that does not mention the bot reaches it without its text, and gets no reply:
    # the first reply the bot sends answers the mention that follows it.
    await double.post_message(double.alice, "which companies paused facial recognition?")
    question = await double.post_message(
        double.alice, f"{double.bot.mention} which companies paused facial recognition?"
    )
    reply = await double.wait_for_channel_reply(question)

    assert int(reply.body["message_reference"]["message_id"]) == int(question["id"])
    assert "IBM" in reply.body["embeds"][0]["description"]
    assert reply.message is not None and reply.message["mentions"] == [], "the reply pinged someone"
    posted = [r for r in double.requests if r.method == "POST" and r.path.startswith("/channels/")]
    assert posted == [reply.request], "the bot answered a message that did not mention it"


async def test_replying_to_the_bot_asks_a_follow_up(double: DiscordDouble, storybot: StoryBot) -> None:
    first = await double.post_message(double.alice, f"{double.bot.mention} which companies paused facial recognition?")
    answer = await double.wait_for_channel_reply(first)
    assert answer.message is not None
    # A reply with the ping on mentions the bot without writing <@id>; Discord still delivers the text.
    follow_up = await double.post_message(double.alice, "who is evan greer?", reply_to=answer.message)
    reply = await double.wait_for_channel_reply(follow_up)
    assert int(reply.body["message_reference"]["message_id"]) == int(follow_up["id"])
    assert "Greer" in reply.body["embeds"][0]["title"]


async def test_ask_storybot_menu_answers_a_message_the_bot_could_not_read(
    double: DiscordDouble, storybot: StoryBot
) -> None:
    # Without the intent the bot receives this message blank; the menu command carries its text.
    message = await double.post_message(double.alice, "which companies paused facial recognition?")
    sent = await double.send_message_command("Ask StoryBot", message, user=double.moderator)
    reply = await double.wait_for_reply(sent)
    assert "IBM" in reply.body["embeds"][0]["description"]


async def test_direct_message_is_answered_in_the_conversation(double: DiscordDouble, storybot: StoryBot) -> None:
    message = await double.post_message(double.alice, "which companies paused facial recognition?", in_dm=True)
    reply = await double.wait_for_channel_reply(message)
    assert reply.request.path == f"/channels/{double.dm_channel_id(double.alice)}/messages"
    assert "IBM" in reply.body["embeds"][0]["description"]


async def test_sources_names_the_story_and_help_is_private(
    double: DiscordDouble, storybot: StoryBot, story_engine: Engine
) -> None:
    sources = await double.wait_for_reply(await double.send_command("sources"))
    shown = everything_shown(sources.body)
    assert all(source.title in shown for source in story_engine.kb.sources.values())

    help_reply = await double.wait_for_reply(await double.send_command("help"))
    assert help_reply.body["flags"] & EPHEMERAL
    assert "/ask" in everything_shown(help_reply.body)


async def test_unanswerable_question_offers_questions_that_answer_when_pressed(
    double: DiscordDouble, storybot: StoryBot
) -> None:
    sent = await double.send_command("ask", {"question": "what's the weather in Paris?"})
    declined = await double.wait_for_reply(sent)
    offered = buttons(declined)
    assert offered, "the decline offers nothing to press"
    assert all(b["custom_id"].startswith("storybot:answer:") for b in offered)

    assert declined.message is not None
    pressed = await double.press_button(declined.message, offered[0]["custom_id"], user=double.moderator)
    answer = await double.wait_for_reply(pressed)
    [embed] = answer.body["embeds"]
    assert offered[0]["label"] in embed["title"], "pressing a suggestion answers a different question"
    assert block_quotes(embed["description"]), "the suggested answer shows no evidence"


@pytest.mark.parametrize("via", ["/ask", "mention"])
async def test_mass_and_role_mentions_in_a_question_ping_nobody(
    double: DiscordDouble, storybot: StoryBot, via: str
) -> None:
    # A real role's mention (a snowflake), so Discord would ping that role if the bot let it.
    question = f"@everyone <@&{double.mod_role_id}> @here what's the weather in Paris?"
    if via == "/ask":
        reply = await double.wait_for_reply(await double.send_command("ask", {"question": question}))
    else:
        message = await double.post_message(double.alice, f"{double.bot.mention} {question}")
        reply = await double.wait_for_channel_reply(message)

    assert reply.body["allowed_mentions"]["parse"] == []
    assert not reply.body["allowed_mentions"].get("roles") and not reply.body["allowed_mentions"].get("users")
    assert "everyone" in everything_shown(reply.body), "the question was not echoed, so this proves nothing"
    sent_text = json.dumps(reply.body)  # zero-width spaces survive as \u200b, breaking the mention
    assert "@everyone" not in sent_text and "@here" not in sent_text
    assert f"<@&{double.mod_role_id}>" not in sent_text
    assert reply.message is not None
    assert (reply.message["mention_everyone"], reply.message["mention_roles"], reply.message["mentions"]) == (
        False,
        [],
        [],
    )


@pytest.mark.parametrize("cut", GATEWAY_CUTS)
async def test_bot_resumes_after_the_gateway_goes_away_and_answers(
    double: DiscordDouble, storybot: StoryBot, cut: str
) -> None:
    assert double.session is not None
    session_id = double.session.id
    frames_before = len(double.frames)
    await double.cut_gateway(cut)
    # Sent while the bot is away: it arrives only because the RESUME replays what was missed.
    sent = await double.send_command("ask", {"question": "which companies paused facial recognition?"})

    resume = await double.wait_for_frame(lambda frame: frame.op == 6, after=frames_before)
    assert resume.d["session_id"] == session_id
    assert double.resume_gateway_url.endswith(resume.path)
    assert "IBM" in (await double.wait_for_reply(sent)).body["embeds"][0]["description"]
    assert not [f for f in double.frames if f.op == 2 and f.connection > 0], "the bot started a new session"


@pytest.mark.parametrize("via", ["/ask", "mention"])
async def test_rate_limited_reply_is_retried_after_the_wait(
    double: DiscordDouble, storybot: StoryBot, via: str
) -> None:
    question = "which companies paused facial recognition?"
    if via == "/ask":
        double.rate_limit_next(lambda r: r.path.endswith("/callback"), retry_after=0.05)
        reply = await double.wait_for_reply(await double.send_command("ask", {"question": question}))
    else:
        double.rate_limit_next(lambda r: r.method == "POST" and r.path.startswith("/channels/"), retry_after=0.05)
        message = await double.post_message(double.alice, f"{double.bot.mention} {question}")
        reply = await double.wait_for_channel_reply(message)

    assert "IBM" in reply.body["embeds"][0]["description"]
    limited = [r for r in double.requests if r.status == 429]
    assert len(limited) == 1
    assert reply.request.at - limited[0].at >= 0.05, "the bot retried before Discord's retry_after"
    assert reply.request.json == limited[0].json, "the retry is not the same message"


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("alice", False), ("moderator", True), ("admin", True)],
    ids=["ordinary member", "moderator role", "manage server"],
)
async def test_kb_reload_is_for_moderators_only(
    double: DiscordDouble, storybot: StoryBot, who: str, allowed: bool
) -> None:
    sent = await double.send_command("kb reload", user=getattr(double, who))
    reply = await double.wait_for_reply(sent)
    assert reply.body["flags"] & EPHEMERAL, "a /kb reply must be private"
    if allowed:
        assert reply.body["content"].startswith("Knowledge base reloaded")
    else:
        assert "moderators" in reply.body["content"].lower()
        assert "reloaded" not in reply.body["content"].lower()


async def test_roundtrip_helper_times_every_question(double: DiscordDouble, storybot: StoryBot) -> None:
    questions = ["which companies paused facial recognition?", "what's the weather in Paris?"]
    result = await measure_roundtrips(double, questions, 6)
    assert len(result.seconds) == 6 and all(0 < s < 5 for s in result.seconds)
    assert all(reply.body.get("embeds") for reply in result.replies)
    assert result.median <= result.percentile(99)
