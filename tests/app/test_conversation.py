"""Each person's last answer per channel: kept for ten minutes, bounded, never shared between people."""

from __future__ import annotations

from bot.answering.followup import Context
from bot.app.conversation import TTL, Conversations

ALPERT = Context("who-is-geoffrey-alpert", ("geoffrey-alpert",))
GREER = Context(None, ("evan-greer",))


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_person_gets_back_their_own_last_answer_in_that_channel_only() -> None:
    conversations = Conversations(clock=Clock())
    conversations.remember(1, 10, ALPERT)
    assert conversations.recall(1, 10) == ALPERT
    assert conversations.recall(1, 11) is None, "another member must not inherit the context"
    assert conversations.recall(2, 10) is None, "another channel is another conversation"
    conversations.remember(1, 10, GREER)
    assert conversations.recall(1, 10) == GREER


def test_context_expires_after_ten_minutes() -> None:
    clock = Clock()
    conversations = Conversations(clock=clock)
    conversations.remember(1, 10, ALPERT)
    clock.now += TTL - 1
    assert conversations.recall(1, 10) == ALPERT
    clock.now += 2
    assert conversations.recall(1, 10) is None
    assert len(conversations) == 0


def test_the_map_is_bounded_and_forgets_the_oldest_first() -> None:
    conversations = Conversations(limit=3, clock=Clock())
    for user in range(5):
        conversations.remember(1, user, ALPERT)
    assert len(conversations) == 3
    assert conversations.recall(1, 0) is None and conversations.recall(1, 1) is None
    assert conversations.recall(1, 4) == ALPERT
    conversations.remember(1, 2, GREER)  # asking again makes a conversation the newest
    conversations.remember(1, 5, ALPERT)
    assert conversations.recall(1, 2) == GREER
    assert conversations.recall(1, 3) is None
