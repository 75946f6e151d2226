"""The pieces behind /kb: the holder's reloads, the curator's handling of an edit, and what moderators read."""

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock

import discord
import pytest

from bot.answering import Engine, Suggestion
from bot.answering.stories import one_story
from bot.app import live_engine as holder_module
from bot.app.live_engine import EngineHolder, LibraryHolder
from bot.curation.editing import EditRejected
from bot.curation.store import Change, Stats, Store, UnansweredGroup
from bot.discord_app import limits
from bot.discord_app.bot import StoryBot
from bot.discord_app.curator import BUSY, Curator, author_of, split_lines, split_phrasings
from bot.discord_app.kb_text import (
    change_note,
    done_text,
    history_embed,
    problems_text,
    rejected_text,
    stats_embed,
    unanswered_embed,
)
from bot.discord_app.runner import create_bot
from bot.knowledge import load_knowledge
from bot.knowledge.files import write_atomically
from bot.knowledge.loader import Problem
from bot.settings import Settings

from .conftest import discord_problems, fake_interaction, sent_text


def make_change(number: int = 7, summary: str = "added phrasing 'who runs mijente' to what-is-mijente") -> Change:
    return Change(
        id=number,
        at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        user_id=1234,
        user_name="mod",
        action="teach",
        target="what-is-mijente",
        summary=summary,
        file="entries/activism.yaml",
        before="",
        after="",
    )


# ---------------------------------------------------------------------------------------------- the holder


async def test_concurrent_reloads_share_reads_of_the_disk(kb_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    holder = EngineHolder(Engine(load_knowledge(kb_dir)), kb_dir)
    loads = 0
    real_load = load_knowledge

    def counting_load(directory: Path) -> Any:
        nonlocal loads
        loads += 1
        return real_load(directory)

    monkeypatch.setattr(holder_module, "load_knowledge", counting_load)
    results = await asyncio.gather(*(holder.reload() for _ in range(20)))
    assert len(results) == 20
    assert loads <= 2, "every caller read the disk on its own"
    assert holder.version == 0, "unchanged files were swapped in"


async def test_a_reload_after_an_edit_sees_the_edit_even_while_another_runs(kb_dir: Path) -> None:
    holder = EngineHolder(Engine(load_knowledge(kb_dir)), kb_dir)
    first = asyncio.ensure_future(holder.reload())
    await asyncio.sleep(0)  # let the first reload begin reading
    sources = kb_dir / "sources.yaml"
    # Replaced whole, as an editor saves: the first reload reads the old file or the new one.
    write_atomically(sources, sources.read_text(encoding="utf-8") + "# an edit\n")
    second = await holder.reload()
    await first
    on_disk = load_knowledge(kb_dir).fingerprint
    assert second.current.fingerprint == on_disk  # the reload asked for after the edit returned it
    assert holder.version == 1  # swapped in once, whichever reload read it
    assert holder.engine.kb.fingerprint == load_knowledge(kb_dir).fingerprint


# ---------------------------------------------------------------------------------------------- the curator


@pytest.fixture
def curated_bot(settings: Settings, story_engine: Engine, kb_dir: Path) -> StoryBot:
    return create_bot(replace(settings, knowledge_dir=kb_dir), story_engine, watch_quiet=None)


def curator_of(bot: StoryBot) -> Curator:
    """A curator handed the bot's services as the bot hands them to its own."""
    return Curator(bot.library, lambda: bot.store, bot.tell_moderators)


async def test_a_refused_edit_is_explained_privately_and_changes_nothing(curated_bot: StoryBot) -> None:
    curator = curator_of(curated_bot)
    interaction = fake_interaction(curated_bot)
    problem = Problem(str(curator.directory / "entries" / "x.yaml"), 3, 5, "the phrasing is taken.")

    def refuse(editor: Any) -> Change:
        raise EditRejected("It would clash.", [problem], closest=None)

    assert await curator.change(interaction, refuse) is None
    text = sent_text(interaction.followup.send)
    assert text.startswith("**Not saved:** It would clash.")
    assert "entries/x.yaml:3:5: the phrasing is taken." in text
    assert interaction.followup.send.await_args.kwargs["ephemeral"] is True
    assert curated_bot.holder.version == 0
    await curator.close()


@pytest.mark.parametrize(
    ("error", "expected"),
    [(TimeoutError(), BUSY), (PermissionError(13, "Permission denied"), "STORYBOT_KB")],
    ids=["lock timeout", "read-only folder"],
)
async def test_a_failed_write_says_what_to_do(curated_bot: StoryBot, error: Exception, expected: str) -> None:
    curator = curator_of(curated_bot)
    interaction = fake_interaction(curated_bot)

    def fail(editor: Any) -> Change:
        raise error

    assert await curator.change(interaction, fail) is None
    assert expected in sent_text(interaction.followup.send)
    await curator.close()


async def test_a_saved_change_is_made_live_and_noted_for_moderators(
    curated_bot: StoryBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    channel = MagicMock(spec_set=discord.TextChannel)
    curated_bot.settings = replace(curated_bot.settings, mod_log_channel_id=99)
    monkeypatch.setattr(curated_bot, "get_channel", lambda channel_id: channel if channel_id == 99 else None)
    curator = curator_of(curated_bot)
    interaction = fake_interaction(curated_bot)
    interaction.user.name = "mod"

    who = author_of(interaction)
    change = await curator.change(
        interaction, lambda editor: editor.teach("what-is-mijente", "who runs mijente", **who)
    )

    assert change is not None
    assert "who runs mijente" in curated_bot.engine.kb.entries["what-is-mijente"].questions
    assert sent_text(interaction.followup.send).endswith("It is live now.")
    note = sent_text(channel.send)
    assert note.startswith(f"📝 mod (<@{interaction.user.id}>)") and f"`/kb undo change:{change.id}`" in note
    await curator.close()
    curated_bot.store.close()


async def test_a_curator_needs_no_bot_and_opens_the_store_only_to_edit(kb_dir: Path, tmp_path: Path) -> None:
    library = LibraryHolder(one_story(Engine(load_knowledge(kb_dir))), single_dir=kb_dir)
    opened: list[Store] = []

    def open_store() -> Store:
        opened.append(Store(tmp_path / "data" / "store.sqlite3"))
        return opened[-1]

    notes: list[tuple[str, int | None]] = []

    async def notify(text: str, *, guild_id: int | None = None) -> None:
        notes.append((text, guild_id))

    curator = Curator(library, open_store, notify)
    interaction = fake_interaction(None)
    await curator.reload_for(interaction)
    assert not opened, "a reload opened the audit trail"
    assert [guild for _, guild in notes] == [None], "a reload is noted for every server's moderators"

    who = author_of(interaction)
    change = await curator.change(interaction, lambda e: e.teach("what-is-mijente", "who runs mijente", **who))
    assert change is not None and len(opened) == 1
    assert "who runs mijente" in library.default.engine.kb.entries["what-is-mijente"].questions
    assert notes[-1] == (change_note(change), interaction.guild_id), "the change is noted for its own server"
    assert [c.id for c in opened[0].changes()] == [change.id], "the change is in the audit trail it was handed"
    await curator.close()
    opened[0].close()


def test_lists_typed_into_forms_and_options() -> None:
    assert split_lines("  one\n\n two  \n") == ["one", "two"]
    assert split_phrasings("Who leads it? | Who runs it?\nWho is behind it?") == [
        "Who leads it?",
        "Who runs it?",
        "Who is behind it?",
    ]


# ---------------------------------------------------------------------------------------------- texts


def test_what_moderators_read_fits_discord_however_long_it_gets() -> None:
    many = [f"entries/file-{n}.yaml:{n}:1: " + "a long explanation of what is wrong " * 10 for n in range(200)]
    assert len(problems_text("**Not reloaded:** 200 problems.", many)) <= limits.CONTENT
    assert "… and" in problems_text("head", many)
    long_change = make_change(summary="added phrasing " + "'x' " * 800)
    assert len(done_text(long_change)) <= limits.CONTENT
    assert len(done_text(long_change, live=False, problems=many)) <= limits.CONTENT
    assert len(rejected_text("word " * 1000, many, "closest " * 200)) <= limits.CONTENT
    assert len(change_note(long_change)) <= limits.CONTENT
    assert discord_problems(None, [history_embed([long_change] * 25)]) == []

    groups = [
        UnansweredGroup(
            question="why " * 300,
            count=n,
            question_ids=(n,),
            nearest=tuple(Suggestion(f"entry-{k}", "q?") for k in range(3)),
            examples=("and " * 100, "or " * 100, "but " * 100),
            last_asked=datetime(2026, 1, 1, tzinfo=UTC),
        )
        for n in range(5)
    ]
    assert discord_problems(None, [unanswered_embed(groups, "all", {0: "dismissed"})]) == []
    stats = Stats(None, 10, 7, 3, tuple((f"entry-{n}", 10 - n) for n in range(10)))
    assert discord_problems(None, [stats_embed(stats, "week", {"entry-0": "What is it? " * 50})]) == []


def test_notes_never_ping_and_name_the_change() -> None:
    change = make_change(summary="added phrasing '@everyone <@99> look' to what-is-mijente")
    note = change_note(change)
    assert "@everyone" not in note and "<@99>" not in note
    assert "<@1234>" in note  # the moderator, shown by name (the log message pings nobody)
    assert "change 7" in note


def test_a_refusal_shows_the_closest_passage_once() -> None:
    closest = "We can't survive without these technologies"
    separate = rejected_text("This quote is not word for word in the source.", [], closest)
    assert separate.count(closest) == 1 and "> We can" in separate
    included = rejected_text(f"Not word for word. The closest passage is: {closest!r}.", [], closest)
    assert included.count(closest) == 1
