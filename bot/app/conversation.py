"""Who was talking about what: each person's last answer in each channel, for follow-up questions.

A member who asks "who is X?" and then "what did he say?" in the same channel means X. The
map keeps, per (channel, person), the `Context` of the last answer they got, for `TTL` seconds; it is
bounded (`MAX_CONVERSATIONS`, the oldest forgotten first) and holds ids only, never message text.
Context never crosses from one person to another: the key includes who asked.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

from bot.answering.followup import Context

TTL = 10 * 60.0  # seconds: a follow-up comes within minutes; after that a question is a fresh one
MAX_CONVERSATIONS = 10_000  # (channel, person) pairs kept; at ~200 bytes each, a few megabytes at most

Key = tuple[int, int]  # (channel id, user id)


class Conversations:
    """The last answer's context per (channel, person), expiring after `ttl` seconds."""

    def __init__(
        self, *, ttl: float = TTL, limit: int = MAX_CONVERSATIONS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.limit = limit
        self._clock = clock
        self._items: OrderedDict[Key, tuple[float, Context]] = OrderedDict()

    def remember(self, channel_id: int, user_id: int, context: Context) -> None:
        key = (channel_id, user_id)
        self._items.pop(key, None)
        self._items[key] = (self._clock(), context)
        while len(self._items) > self.limit:
            self._items.popitem(last=False)

    def recall(self, channel_id: int, user_id: int) -> Context | None:
        """The context of this person's last answer in this channel, if it is recent enough."""
        key = (channel_id, user_id)
        found = self._items.get(key)
        if found is None:
            return None
        at, context = found
        if self._clock() - at > self.ttl:
            del self._items[key]
            return None
        return context

    def __len__(self) -> int:
        return len(self._items)
