"""A per-person cooldown on questions, shared by /ask, mentions and the message menu.

discord.py's own cooldowns count per command; a person switching between /ask and mentions should not
get twice the rate, so the bucket lives here, keyed by user id.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Cooldown:
    """At most one question per `seconds` per person."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = max(0.0, seconds)
        self._clock = clock
        self._last: dict[int, float] = {}

    def retry_after(self, user_id: int) -> float:
        """0 if `user_id` may ask now (and the question is counted), else the seconds left to wait."""
        if self.seconds == 0:
            return 0.0
        now = self._clock()
        last = self._last.get(user_id)
        if last is not None and now - last < self.seconds:
            return self.seconds - (now - last)
        self._last[user_id] = now
        if len(self._last) > 10_000:
            self._forget_before(now - self.seconds)
        return 0.0

    def _forget_before(self, moment: float) -> None:
        # Keeps memory bounded on a busy bot: people whose cooldown has passed need no entry.
        self._last = {user: at for user, at in self._last.items() if at >= moment}
