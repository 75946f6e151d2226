from pathlib import Path

import pytest

from bot.answering import Engine
from bot.app.question_log import AskedQuestion, StoreQuestionLog, worth_recording
from bot.curation.store import Store
from bot.discord_app.cooldown import Cooldown

from .conftest import make_decline


def test_every_answered_or_declined_question_reaches_the_store(tmp_path: Path, story_engine: Engine) -> None:
    store = Store(tmp_path / "data" / "store.sqlite3")
    try:
        log = StoreQuestionLog(store)
        asked = [
            story_engine.ask("which companies paused facial recognition?"),
            story_engine.ask("what is the weather in Paris tomorrow?"),
            story_engine.ask("what is the weather in paris tomorrow"),
            story_engine.ask("hello!"),
        ]
        for answer in asked:
            if worth_recording(answer):
                log.record(AskedQuestion.of(answer, user_id=7, guild_id=None))
        stats = store.stats()
        assert (stats.asked, stats.answered, stats.declined) == (3, 1, 2)
        assert stats.top_entries == (("which-companies-paused", 1),)
        [group] = store.unanswered_groups(story_engine)
        assert group.count == 2
    finally:
        store.close()


def test_a_long_question_is_kept_shortened() -> None:
    noted = AskedQuestion.of(make_decline("why? " * 300), user_id=1, guild_id=2)
    assert len(noted.question) == 1000
    assert noted.suggestions == ("entry-0", "entry-1", "entry-2", "entry-3", "entry-4")


def test_cooldown_allows_a_burst_then_counts_per_person_and_refills() -> None:
    now = [100.0]
    cooldown = Cooldown(4, 20.0, clock=lambda: now[0])
    assert [cooldown.retry_after(1) for _ in range(4)] == [0, 0, 0, 0]  # a question and three follow-ups
    assert cooldown.retry_after(2) == 0  # someone else is not slowed down
    now[0] += 5.0
    assert cooldown.retry_after(1) == pytest.approx(15.0)  # the fifth within 20 s waits for the window
    now[0] += 15.0
    assert cooldown.retry_after(1) == 0


def test_default_cooldown_is_four_per_twenty_seconds() -> None:
    cooldown = Cooldown()
    assert (cooldown.rate, cooldown.per) == (4, 20.0)


def test_a_zero_cooldown_never_waits() -> None:
    cooldown = Cooldown(0)
    assert cooldown.retry_after(1) == cooldown.retry_after(1) == 0
    cooldown = Cooldown(4, 0)
    assert cooldown.retry_after(1) == cooldown.retry_after(1) == 0
