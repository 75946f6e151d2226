"""The Discord client: one `StoryBot` per process, built by `runner.create_bot` with its dependencies."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.answering import Engine
from bot.answering.startup import warm_up
from bot.answering.stories import StoryEngines, one_story
from bot.app.conversation import Conversations
from bot.app.live_engine import EngineHolder, LibraryHolder
from bot.app.question_log import QuestionLog, StoreQuestionLog
from bot.app.watcher import DEFAULT_QUIET
from bot.curation.store import Store
from bot.discord_app import limits
from bot.discord_app.cooldown import Cooldown
from bot.discord_app.curator import Curator
from bot.discord_app.embeds import APOLOGY, GUILD_ONLY, NOT_MODERATOR, cooldown_text
from bot.discord_app.endpoints import configure_endpoints, use_gateway
from bot.discord_app.permissions import ModerationOff, NotModerator
from bot.discord_app.story_choice import StorySuggestionButton
from bot.discord_app.views import DYNAMIC_ITEMS, NO_MENTIONS, respond_privately
from bot.knowledge.library import is_story_folder
from bot.settings import Settings

log = logging.getLogger(__name__)

STORE_FILE = "storybot.sqlite3"  # in the data directory: the audit trail and the questions asked

EXTENSIONS = (
    "bot.discord_app.cogs.ask",
    "bot.discord_app.cogs.quotes",
    "bot.discord_app.cogs.info",
    "bot.discord_app.cogs.moderation",
    "bot.discord_app.cogs.channels",  # after moderation: adds /kb channel to its /kb group
)


def bot_intents() -> discord.Intents:
    """Only what StoryBot uses. No message content (mentions and DMs carry their text anyway), no members."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    return intents


def shard_count(shards: int | None) -> int | None:
    """The `shard_count` for discord.py's AutoShardedBot from the `shards` setting.

    None (unset) runs one shard; 0 lets Discord recommend a count (GET /gateway/bot); N runs N shards.
    Always using the auto-sharded client keeps one code path from a single server to thousands.
    """
    if shards is None:
        return 1
    return None if shards == 0 else shards


class StoryTree(app_commands.CommandTree["StoryBot"]):
    async def on_error(
        self, interaction: discord.Interaction[StoryBot], error: app_commands.AppCommandError, /
    ) -> None:
        await report_command_error(interaction, error)


async def report_command_error(interaction: discord.Interaction[Any], error: app_commands.AppCommandError) -> None:
    """Tell the person what went wrong, privately; log a traceback for anything unexpected."""
    if isinstance(error, app_commands.CommandOnCooldown):
        text = cooldown_text(error.retry_after)
    elif isinstance(error, NotModerator):
        text = NOT_MODERATOR
    elif isinstance(error, ModerationOff):
        text = str(error)
    elif isinstance(error, app_commands.NoPrivateMessage):
        text = GUILD_ONLY
    elif isinstance(error, app_commands.CheckFailure):
        text = "You can't use that here."
    else:
        name = interaction.command.qualified_name if interaction.command else "?"
        log.error("command %r failed", name, exc_info=error)
        text = APOLOGY
    if interaction.type is discord.InteractionType.autocomplete:
        return  # an autocomplete cannot be answered with a message; the person just sees no choices
    await respond_privately(interaction, text)


class StoryBot(commands.AutoShardedBot):
    """StoryBot on Discord: slash commands, a message menu command, mentions and buttons over one engine."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        *,
        questions: QuestionLog | None = None,
        store: Store | None = None,
        cooldown: Cooldown | None = None,
        sync_on_start: bool = True,
        watch_quiet: float | None = DEFAULT_QUIET,
        stories: StoryEngines | None = None,
    ) -> None:
        """`watch_quiet`: seconds the knowledge folder must stay still after a change before a reload;
        None does not watch it (a reload then needs `/kb reload`)."""
        configure_endpoints(settings)
        super().__init__(
            # No prefix commands: mentions are questions, answered by the Ask cog (see on_message below).
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=bot_intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            shard_count=shard_count(settings.shards),
            tree_cls=StoryTree,
            max_messages=None,  # nothing here reads old messages; no need to cache them
            chunk_guilds_at_startup=False,
        )
        if settings.shard_ids:  # several processes share one bot, each running some of the shards
            self.shard_ids = list(settings.shard_ids)
        self.settings = settings
        # One holder per story: reloads, the watcher and /kb edits each reach the story they are about.
        cache = settings.data_dir if settings.engine_cache else None  # where reloads keep what they build
        if stories is None:
            configured = settings.knowledge_dir
            single = configured if configured is not None and is_story_folder(configured) else None
            self.library = LibraryHolder(one_story(engine), single_dir=single, data_dir=cache)
        else:
            self.library = LibraryHolder(stories, settings.knowledge_dir, data_dir=cache)
        self._store = store
        self._questions = questions
        # The curator is handed what it uses, not the bot: the live engines, the audit trail, the log channel.
        self.curator = Curator(self.library, lambda: self.store, self.tell_moderators)
        self.watch_quiet = watch_quiet
        self.cooldown = cooldown if cooldown is not None else Cooldown(settings.ask_rate, settings.ask_per)
        self.sync_on_start = sync_on_start
        self.conversations = Conversations()  # each person's last answer per channel, for follow-ups
        if settings.gateway_url:
            use_gateway(self.http, settings.gateway_url)

    @property
    def holder(self) -> EngineHolder:
        """The default story's live engine (the only story's, in a one-story library)."""
        return self.library.default

    @holder.setter
    def holder(self, holder: EngineHolder) -> None:
        self.library.holders[self.stories.default] = holder

    @property
    def engine(self) -> Engine:
        return self.holder.engine

    @property
    def stories(self) -> StoryEngines:
        """Every story's live engine, and the router between them."""
        return self.library.stories

    @property
    def store(self) -> Store:
        """The audit trail and the questions asked, opened on first use (a bot that only syncs never needs it)."""
        if self._store is None:
            self._store = Store(self.settings.data_dir / STORE_FILE)
        return self._store

    @property
    def questions(self) -> QuestionLog:
        if self._questions is None:
            self._questions = StoreQuestionLog(self.store)
        return self._questions

    @questions.setter
    def questions(self, log: QuestionLog) -> None:
        self._questions = log

    async def setup_hook(self) -> None:
        # What answering reads lazily (word lists, tables, patterns for the bot's own names) takes about half a
        # second: paid here, in a worker thread, rather than on the event loop when the first reader asks.
        me = self.user
        names = tuple(dict.fromkeys((me.name, me.display_name))) if me else ()
        await asyncio.to_thread(warm_up, self.stories, names)
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        self.add_dynamic_items(*DYNAMIC_ITEMS, StorySuggestionButton)
        if self.watch_quiet is not None:
            await self.curator.start_watching(self.watch_quiet)
        # Never a global sync on start (slow to propagate, rate limited): only to the development server.
        if self.sync_on_start and self.settings.dev_guild_id is not None:
            try:
                synced = await self.sync_commands(self.settings.dev_guild_id)
            except discord.HTTPException:
                log.exception(
                    "could not register commands in development server %s; was the bot invited with the "
                    "applications.commands scope?",
                    self.settings.dev_guild_id,
                )
            else:
                log.info("registered %d commands in development server %s", len(synced), self.settings.dev_guild_id)

    async def sync_commands(self, guild_id: int | None) -> list[app_commands.AppCommand]:
        """Register the commands with Discord: in one server (at once), or globally (None; slower to show)."""
        if guild_id is None:
            return await self.tree.sync()
        guild = discord.Object(id=guild_id)
        self.tree.copy_global_to(guild=guild)
        return await self.tree.sync(guild=guild)

    async def on_message(self, message: discord.Message, /) -> None:
        """Replaces the prefix-command processing of `commands.Bot`; the Ask cog listens for mentions."""

    async def on_ready(self) -> None:
        user = self.user
        log.info("connected as %s (%s) to %d servers", user, user.id if user else "?", len(self.guilds))

    async def close(self) -> None:
        await self.curator.close()  # first: no reload or edit may start while the connection goes away
        await super().close()
        if self._store is not None:
            self._store.close()
            self._store = None

    async def tell_moderators(self, text: str, *, guild_id: int | None = None) -> None:
        """Post to the moderators' log channel when one is configured; never fails the caller.

        `guild_id`: the note is about that server's doings (a change its moderator made), so it is posted
        only when the log channel is in that server.
        """
        channel_id = self.settings.mod_log_channel_id
        if channel_id is None:
            return
        try:
            channel = self.get_channel(channel_id) or await self.fetch_channel(channel_id)
            channel_guild = getattr(getattr(channel, "guild", None), "id", None)
            if guild_id is not None and isinstance(channel_guild, int) and channel_guild != guild_id:
                log.info("not noting a change from server %s in the log channel of server %s", guild_id, channel_guild)
                return
            if isinstance(channel, discord.abc.Messageable):
                await channel.send(limits.trim(text, limits.CONTENT), allowed_mentions=NO_MENTIONS)
            else:
                log.warning("the moderators' log channel %s is not a text channel", channel_id)
        except Exception:
            # A note for moderators is worth less than the command that made it: log it, carry on.
            log.warning("could not post to the moderators' log channel %s", channel_id, exc_info=True)

    async def on_error(self, event_method: str, /, *args: Any, **kwargs: Any) -> None:
        # An exception in an event handler must not stop the bot: log it whole and carry on.
        log.exception("unhandled error in %s", event_method)
