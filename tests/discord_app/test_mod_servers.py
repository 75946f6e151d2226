"""Which servers' moderators may change the shared knowledge base, and what each server's moderators see."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path
from unittest.mock import MagicMock

import discord
import pytest
from curation_fixtures import RecordChange

from bot.answering import Engine
from bot.curation.store import Store
from bot.discord_app.bot import StoryBot
from bot.discord_app.cogs.moderation import Moderation
from bot.discord_app.curator import author_of
from bot.discord_app.permissions import ModerationOff, moderation_refusal
from bot.discord_app.runner import create_bot
from bot.knowledge import bundled_knowledge_dir

from .conftest import GUILD_ID, fake_interaction

OTHER_GUILD = GUILD_ID + 1


@pytest.mark.parametrize(
    ("guild", "listed", "present", "allowed"),
    [
        (GUILD_ID, frozenset(), {GUILD_ID}, True),  # unset, in exactly one server: that server moderates
        (GUILD_ID, frozenset(), {GUILD_ID, OTHER_GUILD}, False),  # unset, in two: nobody until it is set
        (GUILD_ID, frozenset({GUILD_ID}), {GUILD_ID, OTHER_GUILD}, True),
        (OTHER_GUILD, frozenset({GUILD_ID}), {GUILD_ID, OTHER_GUILD}, False),
        (None, frozenset({GUILD_ID}), {GUILD_ID}, False),  # a DM
    ],
)
def test_who_may_moderate(guild: int | None, listed: frozenset[int], present: set[int], allowed: bool) -> None:
    refusal = moderation_refusal(guild, listed, frozenset(present), sees_every_server=True)
    assert (refusal is None) == allowed


def test_in_several_servers_unset_says_what_to_set() -> None:
    refusal = moderation_refusal(GUILD_ID, frozenset(), frozenset({GUILD_ID, OTHER_GUILD}), sees_every_server=True)
    assert refusal is not None
    assert "I'm in 2 servers" in refusal and "STORYBOT_MOD_GUILD_IDS" in refusal


def test_a_process_running_some_shards_cannot_count_servers() -> None:
    refusal = moderation_refusal(GUILD_ID, frozenset(), frozenset({GUILD_ID}), sees_every_server=False)
    assert refusal is not None and "STORYBOT_MOD_GUILD_IDS" in refusal


async def test_manage_server_in_another_server_does_not_edit_the_knowledge_base(story_bot: StoryBot) -> None:
    cog = Moderation(story_bot)
    interaction = fake_interaction(story_bot, guild_id=OTHER_GUILD)
    interaction.user.roles = []
    interaction.permissions = discord.Permissions(manage_guild=True)
    with pytest.raises(ModerationOff, match="STORYBOT_MOD_GUILD_IDS"):
        await cog.interaction_check(interaction)
    assert not cog.moderates(interaction)  # nor does autocomplete offer it anything
    interaction.guild_id = GUILD_ID
    assert await cog.interaction_check(interaction)


def ask(store: Store, question: str, guild_id: int | None, outcome: str = "declined") -> None:
    store.record_question(
        question=question, outcome=outcome, entry_id=None, confidence=0.1, user_id=7, guild_id=guild_id
    )


def test_each_server_sees_only_its_own_questions(tmp_path: Path, story_engine: Engine) -> None:
    store = Store(tmp_path / "store.sqlite3")
    ask(store, "what is the weather on mars?", GUILD_ID)
    ask(store, "who won the football?", OTHER_GUILD)
    ask(store, "what did my neighbour say?", None)  # a DM: nobody's list
    mine = store.unanswered_groups(story_engine, guild_id=GUILD_ID)
    assert [g.question for g in mine] == ["what is the weather on mars?"]
    assert [g.question for g in store.unanswered_groups(story_engine, guild_id=OTHER_GUILD)] == [
        "who won the football?"
    ]
    assert store.stats(guild_id=GUILD_ID).asked == 1
    assert store.stats(guild_id=OTHER_GUILD).declined == 1
    assert store.stats().asked == 3  # the operator's view, from the CLI
    store.close()


def test_the_audit_trail_records_the_server_and_shows_it_only_there(
    tmp_path: Path, record_change: RecordChange
) -> None:
    store = Store(tmp_path / "store.sqlite3")
    with store.acting_for(GUILD_ID):
        mine = record_change(store, "taught here")
    with store.acting_for(OTHER_GUILD):
        theirs = record_change(store, "taught there")
    assert [c.summary for c in store.changes(guild_id=GUILD_ID)] == ["taught here"]
    assert store.change(theirs, guild_id=GUILD_ID) is None  # another server's change is not ours to undo
    assert store.change(mine, guild_id=GUILD_ID) is not None
    last = store.last_undoable(guild_id=GUILD_ID)
    assert last is not None and last.id == mine and last.guild_id == GUILD_ID
    store.close()


V1_CHANGES = """
CREATE TABLE changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, user_id INTEGER, user_name TEXT,
    action TEXT NOT NULL, target TEXT NOT NULL, summary TEXT NOT NULL, file TEXT NOT NULL,
    before BLOB NOT NULL, after BLOB NOT NULL, undone_by INTEGER, reverts INTEGER,
    state TEXT NOT NULL DEFAULT 'done'
);
INSERT INTO changes (at, action, target, summary, file, before, after)
    VALUES ('2026-01-01T00:00:00.000000+00:00', 'teach', 'e', 'an old change', 'entries/a.yaml', x'789c030000000001',
            x'789c030000000001');
PRAGMA user_version = 1;
"""


def test_an_existing_store_gains_the_server_column(tmp_path: Path, record_change: RecordChange) -> None:
    path = tmp_path / "store.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(V1_CHANGES)
    store = Store(path)
    [old] = store.changes()
    assert (old.summary, old.guild_id) == ("an old change", None)
    with store.acting_for(GUILD_ID):
        record_change(store, "a new one")
    assert [c.summary for c in store.changes(guild_id=GUILD_ID)] == ["a new one"]
    store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (3,)  # and every later migration ran too


async def test_a_change_made_from_discord_is_recorded_with_its_server(story_bot: StoryBot, tmp_path: Path) -> None:
    knowledge = Path(shutil.copytree(bundled_knowledge_dir(), tmp_path / "knowledge"))
    bot = create_bot(replace(story_bot.settings, knowledge_dir=knowledge), story_bot.engine, watch_quiet=None)
    interaction = fake_interaction(bot, guild_id=GUILD_ID)
    who = author_of(interaction)
    change = await bot.curator.change(interaction, lambda e: e.teach("what-is-mijente", "who runs mijente", **who))
    assert change is not None
    [recorded] = bot.store.changes(guild_id=GUILD_ID)
    assert recorded.id == change.id
    assert bot.store.changes(guild_id=OTHER_GUILD) == []
    await bot.curator.close()
    bot.store.close()


async def test_a_change_is_noted_only_in_its_own_servers_log_channel(
    story_bot: StoryBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    channel = MagicMock(spec_set=discord.TextChannel)
    channel.guild = MagicMock(spec_set=discord.Guild)
    channel.guild.id = GUILD_ID
    story_bot.settings = replace(story_bot.settings, mod_log_channel_id=99)
    monkeypatch.setattr(story_bot, "get_channel", lambda channel_id: channel if channel_id == 99 else None)
    await story_bot.tell_moderators("a change from elsewhere", guild_id=OTHER_GUILD)
    channel.send.assert_not_awaited()
    await story_bot.tell_moderators("a change from here", guild_id=GUILD_ID)
    channel.send.assert_awaited_once()
