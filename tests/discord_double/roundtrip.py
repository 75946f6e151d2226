"""How long the bot takes to answer: from INTERACTION_CREATE leaving the double to its callback arriving.

Used by the end-to-end tests (that it works) and by `benchmarks/discord_roundtrip.py` (the figures).
Questions go one at a time, so each figure is one question's latency, not a queue's.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .recording import RecordedRequest
from .server import DiscordDouble, Reply, SentInteraction


@dataclass(frozen=True)
class Roundtrips:
    seconds: list[float]
    replies: list[Reply]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def percentile(self, p: int) -> float:
        """The p-th percentile (1-99); with few samples, the nearest the data allows."""
        if len(self.seconds) == 1:
            return self.seconds[0]
        return statistics.quantiles(self.seconds, n=100, method="inclusive")[p - 1]


async def measure_roundtrips(
    double: DiscordDouble, questions: Sequence[str], count: int, *, timeout: float = 5.0
) -> Roundtrips:
    """Ask `count` questions with /ask (cycling through `questions`) and time each one's callback."""
    seconds: list[float] = []
    replies: list[Reply] = []
    for i in range(count):
        sent = await double.send_command("ask", {"question": questions[i % len(questions)]})
        callback = await double.wait_for_request(_callback_of(sent), timeout=timeout)
        seconds.append(callback.at - sent.dispatched_at)
        replies.append(await double.wait_for_reply(sent, timeout=timeout))
    return Roundtrips(seconds, replies)


def _callback_of(sent: SentInteraction) -> Callable[[RecordedRequest], bool]:
    return lambda request: request.path.endswith("/callback") and sent.concerns(request)
