from pathlib import Path

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


def test_cooldown_counts_per_person_and_expires() -> None:
    now = [100.0]
    cooldown = Cooldown(5, clock=lambda: now[0])
    assert cooldown.retry_after(1) == 0
    assert cooldown.retry_after(2) == 0
    now[0] += 1.5
    assert cooldown.retry_after(1) == 3.5
    now[0] += 3.5
    assert cooldown.retry_after(1) == 0


def test_a_zero_cooldown_never_waits() -> None:
    cooldown = Cooldown(0)
    assert cooldown.retry_after(1) == cooldown.retry_after(1) == 0
