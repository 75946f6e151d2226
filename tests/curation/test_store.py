"""The store moderators read: questions asked (stats, the unanswered list) and the audit trail."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from curation_fixtures import RecordChange

from bot.answering import Engine
from bot.answering.answer import LOW_CONFIDENCE
from bot.curation.store import Store

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def ask(store: Store, question: str, outcome: str = "declined", entry: str | None = None, at: datetime = T0) -> None:
    store.record_question(
        question=question, outcome=outcome, entry_id=entry, confidence=0.3, user_id=42, guild_id=7, at=at
    )


def test_stats_count_what_was_asked_answered_and_declined(store: Store) -> None:
    for _ in range(3):
        ask(store, "What is Ring?", "answered", "what-is-ring")
    ask(store, "Who is Evan Greer?", "answered", "who-is-evan-greer")
    ask(store, "What did Greer say?", "quotes")
    ask(store, "Did Google pause facial recognition?")
    ask(store, "an old question", "answered", "who-is-evan-greer", at=T0 - timedelta(days=30))

    everything = store.stats()
    assert (everything.asked, everything.answered, everything.declined) == (7, 6, 1)
    assert everything.top_entries == (("what-is-ring", 3), ("who-is-evan-greer", 2))

    recent = store.stats(since=T0 - timedelta(days=1))
    assert (recent.asked, recent.answered, recent.declined) == (6, 5, 1)
    assert recent.top_entries == (("what-is-ring", 3), ("who-is-evan-greer", 1))


def test_rates_count_answers_declines_and_low_confidence_answers_over_a_period(store: Store) -> None:
    def record(outcome: str, confidence: float, days_ago: int) -> None:
        store.record_question(
            question=f"q {outcome} {confidence} {days_ago}",
            outcome=outcome,
            entry_id="what-is-ring" if outcome != "declined" else None,
            confidence=confidence,
            user_id=1,
            guild_id=7,
            at=T0 - timedelta(days=days_ago),
        )

    record("answered", 0.95, 1)
    record("answered", LOW_CONFIDENCE - 0.05, 2)  # got through, but only just
    record("quotes", 0.9, 3)
    record("declined", 0.2, 4)
    record("declined", 0.3, 20)
    record("answered", 0.5, 20)

    week = store.rates(since=T0 - timedelta(days=7))
    assert (week.asked, week.answered, week.declined, week.low_confidence) == (4, 3, 1, 1)
    assert week.share(week.answered) == 0.75
    month = store.rates(since=T0 - timedelta(days=30))
    assert (month.asked, month.answered, month.declined, month.low_confidence) == (6, 4, 2, 2)
    assert store.rates() == replace(month, since=None)
    empty = store.rates(since=T0 + timedelta(days=1))
    assert (empty.asked, empty.share(empty.answered)) == (0, 0.0)


def test_a_period_needs_a_timezone(store: Store) -> None:
    with pytest.raises(ValueError, match="timezone"):
        store.stats(since=datetime(2026, 3, 1))  # noqa: DTZ001 - the mistake under test


def change_number(record_change: RecordChange, store: Store, n: int) -> int:
    return record_change(store, f"change {n}", at=T0, before=f"before {n}", after=f"after {n}")


def test_questions_and_changes_are_bounded_keeping_the_newest(tmp_path: Path, record_change: RecordChange) -> None:
    store = Store(tmp_path / "s.db", max_questions=5, max_changes=3)
    for n in range(12):
        ask(store, f"question number {n}", at=T0 + timedelta(minutes=n))
    ids = [change_number(record_change, store, n) for n in range(7)]

    assert store.counts() == (5, 3)
    assert store.stats().asked == 5
    assert [c.summary for c in store.changes(10)] == ["change 6", "change 5", "change 4"]
    assert store.change(ids[0]) is None  # pruned
    # Ids are never reused, so "undo #N" can never name a different change later.
    assert change_number(record_change, store, 7) == ids[-1] + 1
    store.close()


def test_everything_survives_a_restart_in_wal_mode(tmp_path: Path, record_change: RecordChange) -> None:
    path = tmp_path / "nested" / "data" / "storybot.db"
    store = Store(path)
    ask(store, "Is there a transcript?")
    ident = change_number(record_change, store, 1)
    store.close()

    reopened = Store(path)
    assert reopened.stats().declined == 1
    change = reopened.change(ident)
    assert change is not None
    assert (change.before, change.after, change.user_name, change.at) == ("before 1", "after 1", "mod", T0)
    reopened.close()
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_similar_declined_questions_group_most_frequent_first(store: Store, story_engine: Engine) -> None:
    for question in [
        "Did Google pause facial recognition?",
        "did google pause facial recognition",
        "Has Google paused its facial recognition?",
        "Did Google pause facial recognition too?",
    ]:
        ask(store, question)
    for question in ["Is there a transcript of the interview?", "is there a transcript of the interview"]:
        ask(store, question)
    ask(store, "Who wrote the article?")
    ask(store, "What is Ring?", "answered", "what-is-ring")  # answered: never on the list

    groups = store.unanswered_groups(story_engine)

    assert [g.count for g in groups] == [4, 2, 1]
    google, transcript, author = groups
    # The representative is the most asked wording (the two spellings of it count as one).
    assert google.question.lower().rstrip("?") == "did google pause facial recognition"
    assert "Has Google paused its facial recognition?" in google.examples
    assert transcript.question.lower().startswith("is there a transcript")
    assert author.question == "Who wrote the article?"
    assert len(google.question_ids) == 4
    # The nearest entries are where a moderator would teach the question.
    assert 1 <= len(google.nearest) <= 3
    assert "which-companies-paused" in [s.entry_id for s in google.nearest]
    assert all(s.question == story_engine.kb.entries[s.entry_id].questions[0] for s in google.nearest)


def test_dismissed_and_taught_questions_leave_the_list(store: Store, story_engine: Engine) -> None:
    for question in ["Who wrote the article?", "who wrote this article", "Is there a transcript?"]:
        ask(store, question)
    author, transcript = store.unanswered_groups(story_engine)

    assert store.dismiss(author.question_ids) == 2
    assert [g.question for g in store.unanswered_groups(story_engine)] == [transcript.question]
    assert store.resolve(transcript.question_ids, "what-is-the-story") == 1
    assert store.unanswered_groups(story_engine) == []
    assert store.dismiss(author.question_ids) == 0  # already off the list


def test_the_unanswered_list_can_be_limited_to_a_period(store: Store, story_engine: Engine) -> None:
    ask(store, "Is there a transcript?", at=T0 - timedelta(days=10))
    ask(store, "Who wrote the article?", at=T0)
    groups = store.unanswered_groups(story_engine, since=T0 - timedelta(days=1))
    assert [g.question for g in groups] == ["Who wrote the article?"]
    assert groups[0].last_asked == T0


def test_changes_newest_first_pending_ones_hidden_until_written(store: Store, record_change: RecordChange) -> None:
    first, second = change_number(record_change, store, 1), change_number(record_change, store, 2)
    undo = record_change(
        store, "undid #2", user_id=2, user_name="other mod", action="undo", reverts=second, pending=True
    )
    # Recorded before its file is written: not in the history yet.
    assert [c.id for c in store.changes(10)] == [second, first]
    assert [c.id for c in store.pending_changes()] == [undo]

    store.finish_change(undo)

    assert [c.id for c in store.changes(10)] == [undo, second, first]
    assert store.changes(10)[1].undone_by == undo
    # A plain "undo" next reverts the first change: undone ones and undos themselves are skipped.
    last = store.last_undoable()
    assert last is not None
    assert last.id == first
    assert [c.id for c in store.changes(10, file="entries/ring.yaml", after_id=first)] == [undo, second]


def test_a_pending_change_that_was_never_written_is_dropped(store: Store, record_change: RecordChange) -> None:
    ident = record_change(store, "never written", pending=True)
    store.drop_change(ident)
    assert store.pending_changes() == []
    assert store.change(ident) is None


# ------------------------------------------------------------------ feedback on answers


def give_feedback(
    store: Store, helpful: bool, *, user_id: int = 7, question_id: int | None = 1, at: datetime = T0
) -> int:
    return store.record_feedback(
        question_id=question_id,
        question="what did the mayor say?",
        entry_id="greer-city-councils",
        speaker_id=None,
        answer="Evan Greer said city councils...",
        confidence=0.82,
        helpful=helpful,
        user_id=user_id,
        guild_id=99,
        at=at,
    )


def test_not_right_feedback_waits_for_review_with_what_was_asked_and_answered(store: Store) -> None:
    ident = give_feedback(store, helpful=False)
    store.add_wanted(ident, "  the mayor's own words  ")
    [item] = store.feedback_to_review()
    assert (item.question, item.entry_id, item.confidence, item.guild_id) == (
        "what did the mayor say?",
        "greer-city-councils",
        0.82,
        99,
    )
    assert item.wanted == "the mayor's own words"
    assert store.settle_feedback(ident) == 1
    assert store.feedback_to_review() == []
    assert store.settle_feedback(ident) == 0, "settled twice"


def test_pressing_again_changes_the_verdict_instead_of_counting_twice(store: Store) -> None:
    first = give_feedback(store, helpful=False)
    again = give_feedback(store, helpful=True)
    assert first == again
    assert store.feedback_to_review() == []
    give_feedback(store, helpful=True, user_id=8)  # another reader's verdict on the same answer counts
    stats = store.stats()
    assert (stats.helpful, stats.not_right) == (2, 0)


def test_stats_count_feedback_within_the_period(store: Store) -> None:
    give_feedback(store, helpful=False, question_id=1, at=T0 - timedelta(days=10))
    give_feedback(store, helpful=True, question_id=2, at=T0)
    give_feedback(store, helpful=False, question_id=3, at=T0)
    recent = store.stats(since=T0 - timedelta(days=1))
    assert (recent.helpful, recent.not_right) == (1, 1)
    everything = store.stats()
    assert (everything.helpful, everything.not_right) == (1, 2)


def test_recording_a_question_returns_its_id_for_the_feedback_buttons(store: Store) -> None:
    first = store.record_question(
        question="q1", outcome="answered", entry_id="x", confidence=0.9, user_id=1, guild_id=None
    )
    second = store.record_question(
        question="q2", outcome="answered", entry_id="x", confidence=0.5, user_id=1, guild_id=None
    )
    assert second == first + 1
    assert store.question_asked(second) == ("q2", 0.5)
    assert store.question_asked(second + 1) is None
