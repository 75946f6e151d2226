"""Replies longer than Discord allows are shortened or paged, never refused by Discord and never lossy.

The bot answers from a small knowledge base written here: a long source, an entry whose answer, evidence and
quotes together run far past one embed, and a speaker with more quotes than fit on one page. The double
refuses (400) anything over Discord's limits, as Discord would; the tests also check the limits themselves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from discord_double import DiscordDouble, Reply
from discord_double.limits import message_problems

from bot.answering import Engine
from bot.discord_app.bot import StoryBot
from bot.discord_app.runner import create_bot
from bot.knowledge import load_knowledge

from .conftest import RunClient, settings_for

SENTENCES = [
    f"On day {n} the long report recorded that the council heard evidence about camera contracts from "
    f"witness number {n}, whose testimony ran for many pages."
    for n in range(1, 81)
]
SOURCE_TEXT = " ".join(SENTENCES)
QUESTION = "What did the long report record?"
QUOTES = [" ".join(SENTENCES[i : i + 4 + i % 5]) for i in range(0, 70, 5)]  # 14 quotes of 600-1,200 characters


def write_knowledge(directory: Path) -> Path:
    (directory / "sources").mkdir(parents=True)
    (directory / "entries").mkdir()
    (directory / "sources" / "long-report.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    documents: dict[str, dict[str, Any]] = {
        "sources.yaml": {
            "sources": [{"id": "long-report", "title": "The long report", "text_file": "sources/long-report.txt"}]
        },
        "people.yaml": {"people": [{"id": "long-talker", "name": "Lena Longtalker", "kind": "person"}]},
        "quotes.yaml": {
            "quotes": [
                {"id": f"long-quote-{i}", "speaker": "long-talker", "source": "long-report", "text": text}
                for i, text in enumerate(QUOTES)
            ]
        },
        "entries/long.yaml": {
            "entries": [
                {
                    "id": "long-report",
                    "questions": [QUESTION],
                    "answer": " ".join(SENTENCES[:40]),
                    "evidence": [
                        {"source": "long-report", "excerpt": " ".join(SENTENCES[i : i + 5])} for i in range(0, 40, 5)
                    ],
                    "quotes": [f"long-quote-{i}" for i in range(len(QUOTES))],
                    "about": ["long-talker"],
                }
            ]
        },
    }
    for name, document in documents.items():
        (directory / name).write_text(yaml.safe_dump(document, sort_keys=False, width=1000), encoding="utf-8")
    return directory


@pytest.fixture
async def long_bot(double: DiscordDouble, tmp_path: Path, run_client: RunClient) -> StoryBot:
    knowledge = write_knowledge(tmp_path / "knowledge")
    bot = create_bot(settings_for(double, tmp_path / "data", knowledge), Engine(load_knowledge(knowledge)))
    await run_client(bot, double.token)
    return bot


def assert_within_limits(reply: Reply) -> None:
    assert message_problems(reply.body) == []
    for embed in reply.body.get("embeds") or []:
        assert embed.get("description"), "an embed came out empty"


@pytest.mark.parametrize("via", ["/ask", "mention"])
async def test_long_answer_is_shortened_visibly_within_limits(
    double: DiscordDouble, long_bot: StoryBot, via: str
) -> None:
    if via == "/ask":
        reply = await double.wait_for_reply(await double.send_command("ask", {"question": QUESTION}))
    else:
        message = await double.post_message(double.alice, f"{double.bot.mention} {QUESTION}")
        reply = await double.wait_for_channel_reply(message)

    assert_within_limits(reply)
    [embed] = reply.body["embeds"]
    assert embed["description"].startswith(SENTENCES[0][:40])
    assert "…" in embed["description"], "the answer was cut without a mark"
    # The quotes wait behind "Show evidence and quotes"; those that did not fit are pointed to, not dropped.
    more = next(c for row in reply.body["components"] for c in row["components"] if "more" in c["custom_id"])
    assert reply.message is not None
    expanded = await double.wait_for_reply(await double.press_button(reply.message, more["custom_id"]))
    assert_within_limits(expanded)
    [details] = expanded.body["embeds"]
    shown = [f for f in details["fields"] if f["name"].startswith("Lena Longtalker")]
    assert 0 < len(shown) < len(QUOTES)
    assert any("/quote" in f["value"] for f in details["fields"])


async def test_many_quotes_are_paged_and_every_quote_is_reachable(double: DiscordDouble, long_bot: StoryBot) -> None:
    reply = await double.wait_for_reply(await double.send_command("quote", {"person": "long-talker"}))
    pages = [reply]
    while True:
        assert_within_limits(pages[-1])
        nexts = [
            b
            for row in pages[-1].body.get("components") or []
            for b in row["components"]
            if b.get("label", "").startswith("Next")
        ]
        assert nexts, "a quote page has no Next button"
        if nexts[0].get("disabled"):
            break
        assert len(pages) < 20, "paging does not end"
        current = pages[-1].message
        assert current is not None
        pressed = await double.press_button(current, nexts[0]["custom_id"])
        pages.append(await double.wait_for_reply(pressed))

    assert len(pages) > 1
    texts = [p.body["embeds"][0]["description"] for p in pages]
    for quote in QUOTES:
        assert any(quote[:80] in text for text in texts), f"a quote is on no page: {quote[:80]}"
    footers = [p.body["embeds"][0]["footer"]["text"] for p in pages]
    assert footers[-1].startswith(f"Page {len(pages)} of {len(pages)}")
