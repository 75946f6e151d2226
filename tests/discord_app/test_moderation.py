from dataclasses import replace
from pathlib import Path
from unittest.mock import MagicMock

import discord
import pytest

from bot.answering import Engine
from bot.app.live_engine import EngineHolder
from bot.discord_app.bot import StoryBot
from bot.discord_app.cogs.moderation import Moderation
from bot.discord_app.permissions import NotModerator, is_moderator
from bot.discord_app.runner import create_bot
from bot.knowledge import KnowledgeError, load_knowledge
from bot.settings import Settings

from .conftest import fake_interaction, run_command, sent_kwargs, sent_text, with_ids


def member(*role_ids: int) -> MagicMock:
    user = MagicMock(spec_set=discord.Member)
    user.roles = with_ids(discord.Role, role_ids)
    return user


def test_manage_server_makes_a_moderator() -> None:
    assert is_moderator(member(), discord.Permissions(manage_guild=True), frozenset())


def test_a_configured_role_makes_a_moderator() -> None:
    assert is_moderator(member(7, 42), discord.Permissions.none(), frozenset({42}))


def test_everyone_else_is_not_a_moderator() -> None:
    assert not is_moderator(member(7), discord.Permissions(send_messages=True), frozenset({42}))
    dm_user = MagicMock(spec_set=discord.User)
    assert not is_moderator(dm_user, discord.Permissions.all(), frozenset({42}))


async def test_every_kb_command_refuses_non_moderators(story_bot: StoryBot) -> None:
    cog = Moderation(story_bot)
    interaction = fake_interaction(story_bot)
    interaction.user.roles = []
    interaction.permissions = discord.Permissions.none()
    with pytest.raises(NotModerator):
        await cog.interaction_check(interaction)
    interaction.user.roles = [MagicMock(spec_set=discord.Role, id=42)]
    assert await cog.interaction_check(interaction)
    # The check is the cog's, so it covers every subcommand, including ones added later.
    assert {command.name for command in cog.kb.commands} >= {
        "reload",
        "teach",
        "add",
        "quote",
        "edit",
        "remove",
        "history",
        "undo",
        "unanswered",
        "stats",
    }
    assert all(command.binding is cog for command in cog.walk_app_commands() if hasattr(command, "binding"))


def test_kb_is_for_servers_and_hidden_from_members_without_manage_server(story_bot: StoryBot) -> None:
    data = Moderation.kb.to_dict(story_bot.tree)
    assert data["contexts"] == [0]
    assert int(data["default_member_permissions"]) == discord.Permissions(manage_guild=True).value


async def test_a_valid_reload_swaps_the_engine(story_bot: StoryBot, kb_dir: Path) -> None:
    story_bot.holder = EngineHolder(story_bot.engine, kb_dir)
    before = story_bot.engine
    sources = kb_dir / "sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    cog = Moderation(story_bot)
    interaction = fake_interaction(story_bot)
    await run_command(cog.reload, cog, interaction)
    assert story_bot.engine is not before
    assert story_bot.holder.version == 1
    text = sent_text(interaction.followup.send)
    assert text.startswith("Knowledge base reloaded:")
    assert sent_kwargs(interaction.followup.send)["ephemeral"] is True


async def test_an_invalid_reload_keeps_the_old_engine_and_lists_the_problems(story_bot: StoryBot, kb_dir: Path) -> None:
    (kb_dir / "extra.yaml").write_text("nonsense: 1\n", encoding="utf-8")
    story_bot.holder = EngineHolder(story_bot.engine, kb_dir)
    before = story_bot.engine
    cog = Moderation(story_bot)
    interaction = fake_interaction(story_bot)
    await run_command(cog.reload, cog, interaction)
    assert story_bot.engine is before
    text = sent_text(interaction.followup.send)
    assert text.startswith("**Not reloaded:**")
    assert "1 problem," in text
    assert "\nextra.yaml:1:1: unknown section `nonsense`" in text  # named as moderators see it in the folder
    assert len(text) <= 2000
    assert sent_kwargs(interaction.followup.send)["ephemeral"] is True


async def test_holder_reload_raises_and_keeps_the_engine_when_invalid(tmp_path: Path, story_engine: Engine) -> None:
    holder = EngineHolder(story_engine, tmp_path / "missing")
    with pytest.raises(KnowledgeError):
        await holder.reload()
    assert holder.engine is story_engine


async def test_holder_reload_of_unchanged_files_reports_no_change(kb_dir: Path) -> None:
    holder = EngineHolder(Engine(load_knowledge(kb_dir)), kb_dir)
    reloaded = await holder.reload()
    assert not reloaded.changed
    (kb_dir / "sources.yaml").write_text(
        (kb_dir / "sources.yaml").read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8"
    )
    assert (await holder.reload()).changed


async def test_a_reload_is_announced_in_the_moderators_log_channel(
    settings: Settings, story_engine: Engine, kb_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = create_bot(replace(settings, mod_log_channel_id=99, knowledge_dir=kb_dir), story_engine)
    channel = MagicMock(spec_set=discord.TextChannel)
    monkeypatch.setattr(bot, "get_channel", lambda channel_id: channel if channel_id == 99 else None)
    cog = Moderation(bot)
    await run_command(cog.reload, cog, fake_interaction(bot))
    announcement = sent_text(channel.send)
    assert announcement.startswith("Knowledge base reloaded:")
    assert "Requested by" in announcement
    assert channel.send.await_args.kwargs["allowed_mentions"].everyone is False
