"""A per-person cooldown on questions that allows bursts, shared by /ask, mentions and the message menu.

Built on discord.py's own `CooldownMapping` (a token bucket per key): a member may ask `rate` questions
in any `per` seconds, so a quick follow-up is answered, and only a stream of questions has to wait.
The mapping is keyed by user id rather than by command, so switching between /ask and mentions does
not double the rate. Suggestion, page and feedback buttons never count: they follow a question that did.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from discord.ext import commands

DEFAULT_RATE = 4  # questions...
DEFAULT_PER = 20.0  # ...per this many seconds: a question and three follow-ups, then a short wait


def _user_key(user_id: int) -> int:
    return user_id


class Cooldown:
    """At most `rate` questions per `per` seconds per person; a rate or period of 0 never waits."""

    def __init__(
        self, rate: int = DEFAULT_RATE, per: float = DEFAULT_PER, clock: Callable[[], float] = time.time
    ) -> None:
        self.rate = rate
        self.per = per
        self._clock = clock
        self._mapping: commands.CooldownMapping[int] | None = None
        if rate > 0 and per > 0:
            # discord.py forgets buckets that have refilled whenever it is asked for one: memory stays bounded.
            self._mapping = commands.CooldownMapping(commands.Cooldown(rate, per), _user_key)

    def retry_after(self, user_id: int) -> float:
        """0 if `user_id` may ask now (and the question is counted), else the seconds left to wait."""
        if self._mapping is None:
            return 0.0
        now = self._clock()
        bucket = self._mapping.get_bucket(user_id, now)
        if bucket is None:
            return 0.0
        return bucket.update_rate_limit(now) or 0.0
