"""Discord round trip: how long StoryBot takes from INTERACTION_CREATE to its interaction callback.

The real discord.py client runs against the Discord double on 127.0.0.1, so the figure covers the gateway
read, discord.py's parsing and command dispatch, the engine, building the embed and the HTTP request back;
it leaves out the internet. Prints the median and the 99th percentile, and one answer embed as JSON.

    python -m benchmarks.discord_roundtrip [--questions 200]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    # Run as a file: make the repository's top level importable, as `python -m` does.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.answering import Engine
from bot.discord_app.runner import create_bot
from bot.knowledge import bundled_knowledge_dir, load_knowledge
from bot.settings import Secret, Settings
from tests.discord_double import DiscordDouble
from tests.discord_double.roundtrip import measure_roundtrips

# A mix users send: answerable, misspelt, about people, and ones the story cannot answer.
QUESTIONS = [
    "which companies paused facial recognition?",
    "Have Amazon and Microsoft followed IBM?",
    "how many police departments does ring partner with",
    "what did chris gilliard say?",
    "who is evan greer",
    "what's the weather in Paris?",
    "what is mijente",
    "how much public money has amazon won?",
    "wat did microsofts ceo say about racism",
    "why are tech companies under pressure?",
]


async def run(count: int) -> None:
    engine = Engine(load_knowledge(bundled_knowledge_dir()))
    with tempfile.TemporaryDirectory() as data_dir:
        async with DiscordDouble() as double:
            settings = Settings(
                discord_token=Secret(double.token),
                api_base=double.api_base,
                gateway_url=double.gateway_url,
                dev_guild_id=double.guild_id,
                ask_rate=0,  # every question of the run is answered: no cooldown
                data_dir=Path(data_dir),
            )
            bot = create_bot(settings, engine)
            task = asyncio.create_task(bot.start(double.token))
            try:
                await double.wait_until_connected()
                await measure_roundtrips(double, QUESTIONS, 10)  # warm-up: imports, caches, connections
                result = await measure_roundtrips(double, QUESTIONS, count)
            finally:
                await bot.close()
                await task
    ms = [s * 1000 for s in result.seconds]
    print(f"Discord round trip, INTERACTION_CREATE -> callback, {count} questions one at a time (loopback):")
    print(f"  median {result.median * 1000:.2f} ms   p99 {result.percentile(99) * 1000:.2f} ms   max {max(ms):.2f} ms")
    answer = next((r for r in result.replies if r.body.get("embeds")), None)
    if answer is not None:
        print("One answer embed, as sent to Discord:")
        print(json.dumps(answer.body["embeds"][0], indent=2, ensure_ascii=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, default=200, help="how many questions to time (default 200)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("discord.client").setLevel(logging.ERROR)  # voice libraries are absent on purpose
    asyncio.run(run(args.questions))


if __name__ == "__main__":
    main()
