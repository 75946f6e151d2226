"""The store records each question, verdict and change with its story, and lists one story's rows."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from curation_fixtures import RecordChange

from bot.answering import Engine
from bot.curation.store import Store, StoryScope
from bot.knowledge import bundled_knowledge_dir, load_knowledge

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DEFAULT = StoryScope("shipped", default=True)  # the library's first story: also the rows that name none
WATER = StoryScope("water")


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_knowledge(bundled_knowledge_dir()))


def declined(store: Store, question: str, story: str | None) -> None:
    store.record_question(
        question=question, outcome="declined", entry_id=None, confidence=0.2, user_id=1, guild_id=7, story=story
    )


def test_unanswered_questions_are_listed_by_story(store: Store, engine: Engine) -> None:
    declined(store, "who designed the county logo", "water")
    declined(store, "how tall is the police chief", "shipped")
    declined(store, "what is the weather like", None)  # declined by every story: shown with the first story

    def listed(scope: StoryScope | None) -> set[str]:
        return {g.question for g in store.unanswered_groups(engine, story=scope)}

    assert listed(WATER) == {"who designed the county logo"}
    assert listed(DEFAULT) == {"how tall is the police chief", "what is the weather like"}
    assert len(listed(None)) == 3
    assert store.stats(story=WATER).declined == 1 and store.rates(story=DEFAULT).declined == 2


def test_feedback_is_reviewed_by_story(store: Store) -> None:
    for story in ("water", None):
        store.record_feedback(
            question_id=None,
            question=f"asked of {story}",
            entry_id="fines",
            speaker_id=None,
            answer="an answer",
            confidence=0.8,
            helpful=False,
            user_id=hash(story) % 1000,
            guild_id=7,
            story=story,
        )
    assert [f.story for f in store.feedback_to_review(story=WATER)] == ["water"]
    assert [f.question for f in store.feedback_to_review(story=DEFAULT)] == ["asked of None"]


def test_a_file_history_is_one_story_s_though_two_stories_share_the_file_name(
    store: Store, record_change: RecordChange
) -> None:
    with Store.acting_for(7, "water"):
        water = record_change(store, "taught water", file="entries/rationing.yaml")
    with Store.acting_for(7, None):
        record_change(store, "taught the first story", file="entries/rationing.yaml")
    assert [c.summary for c in store.changes(story=WATER)] == ["taught water"]
    assert store.last_undoable(story=WATER).id == water  # type: ignore[union-attr]
    with Store.acting_for(7, "water"):  # the editor of the water story asks after its own file's changes
        assert [c.summary for c in store.changes(file="entries/rationing.yaml")] == ["taught water"]
    assert [c.summary for c in store.changes(file="entries/rationing.yaml")] == ["taught the first story"]


V2_QUESTIONS = """
CREATE TABLE questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, question TEXT NOT NULL, cleaned TEXT NOT NULL,
    outcome TEXT NOT NULL, entry_id TEXT, confidence REAL NOT NULL, user_id INTEGER, guild_id INTEGER,
    suggestions TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open', resolved_entry TEXT
);
INSERT INTO questions (at, question, cleaned, outcome, confidence, suggestions)
    VALUES ('2026-01-01T00:00:00.000000+00:00', 'an old question', 'an old question', 'declined', 0.2, '[]');
PRAGMA user_version = 2;
"""


def test_a_store_from_before_stories_gains_the_column_and_keeps_its_rows(tmp_path: Path, engine: Engine) -> None:
    path = tmp_path / "storybot.db"
    with sqlite3.connect(path) as db:  # as StoryBot wrote it before questions recorded their story
        db.executescript(V2_QUESTIONS)
    reopened = Store(path)
    declined(reopened, "a water question", "water")
    assert {g.question for g in reopened.unanswered_groups(engine, story=DEFAULT)} == {"an old question"}
    assert {g.question for g in reopened.unanswered_groups(engine, story=WATER)} == {"a water question"}
    reopened.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (3,)
