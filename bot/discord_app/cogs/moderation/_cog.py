"""/kb: the moderators' commands. Every reply is private; every change goes through the `Curator`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import discord
from discord import app_commands
from discord.ext import commands

from bot.answering import Engine
from bot.app.lookup import closest_entry_ids, find_entries, find_phrasings
from bot.curation import teaching
from bot.discord_app import limits
from bot.discord_app.cogs.moderation._review import REVIEW_SHOWN, ReviewView, review_embed
from bot.discord_app.cogs.moderation._services import ModerationServices
from bot.discord_app.cogs.moderation._story import STORY_OPTION, scope, story_for, typed_story
from bot.discord_app.cogs.moderation._views import (
    EditEntryModal,
    EntryFormModal,
    TeachConfirmView,
    UnansweredView,
    first_not_verbatim,
)
from bot.discord_app.cogs.quotes import speaker_choices
from bot.discord_app.curator import author_of, split_phrasings
from bot.discord_app.embeds import NOT_MODERATOR
from bot.discord_app.kb_text import history_embed, since, stats_embed, teach_preview_text, unanswered_embed
from bot.discord_app.permissions import ModerationOff, NotModerator, is_moderator, refusal_for
from bot.discord_app.safety import quiet_mentions
from bot.discord_app.story_choice import story_choices
from bot.discord_app.views import NO_MENTIONS, respond_privately

if TYPE_CHECKING:
    from bot.discord_app.bot import StoryBot

log = logging.getLogger(__name__)

T = TypeVar("T")
Period = Literal["day", "week", "month", "all"]
UNATTRIBUTED = "unattributed"  # the speaker choice for words the story does not attribute
UNANSWERED_SHOWN = 5  # one row of buttons per question, and a message holds five rows
QUESTION_OPTION_MAX = 300  # a phrasing longer than this is not a question readers type
HISTORY_DEFAULT = 10
TOP_DECLINED = 5  # declined questions shown in /kb stats; /kb unanswered has them all
STATS_PERIODS = (("week", "Last 7 days"), ("month", "Last 30 days"), ("day", "Last 24 hours"), ("all", "All time"))


def unknown_entry_text(entry_id: str, engine: Engine) -> str:
    close = closest_entry_ids(engine, entry_id)
    hint = f" Did you mean {', '.join(f'`{c}`' for c in close)}?" if close else ""
    return limits.trim(
        f"No entry has the id `{quiet_mentions(entry_id[:100])}`.{hint} Pick one from the list as you type.",
        limits.CONTENT,
    )


def entry_label(entry_id: str, answer: str) -> str:
    """'which-firms-paused — Acme, Globex and Initech…': what a moderator sees in the entry picker."""
    return limits.trim(f"{entry_id} — {answer}", limits.CHOICE_NAME)


class Moderation(commands.Cog):
    kb = app_commands.Group(
        name="kb",
        description="Moderators: manage the knowledge base.",
        guild_only=True,
        allowed_contexts=app_commands.AppCommandContext(guild=True),
        # Hidden from members without Manage Server unless a server admin allows more; checked again below,
        # because admins can change who sees a command and because moderator roles come from the settings.
        default_permissions=discord.Permissions(manage_guild=True),
        allowed_installs=app_commands.AppInstallationType(guild=True),
    )

    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot
        # The forms and buttons are handed what they use, not the bot.
        self.services = ModerationServices(bot.curator, bot.library, lambda: bot.store, self.refusal)

    def refusal(self, interaction: discord.Interaction[Any]) -> str | None:
        """Why the person may not moderate here (not a moderator, or not in a moderating server), or None."""
        if not is_moderator(interaction.user, interaction.permissions, self.bot.settings.mod_role_ids):
            return NOT_MODERATOR
        return refusal_for(interaction)

    def moderates(self, interaction: discord.Interaction[StoryBot]) -> bool:
        return self.refusal(interaction) is None

    async def interaction_check(self, interaction: discord.Interaction[StoryBot], /) -> bool:  # type: ignore[override]
        """Runs before every /kb command: one place, so a new subcommand cannot forget it."""
        if not is_moderator(interaction.user, interaction.permissions, self.bot.settings.mod_role_ids):
            raise NotModerator("moderators only")
        refusal = refusal_for(interaction)
        if refusal is not None:  # a moderator, but of a server that may not change the shared knowledge base
            raise ModerationOff(refusal)
        return True

    # ------------------------------------------------------------------ the shape every command shares

    async def begin(self, interaction: discord.Interaction[StoryBot], story: str | None) -> str | None:
        """Answer privately later (the store and engine may take a moment) and pick the story the command is
        about; None after telling the moderator that `story` names none."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        return await story_for(self.bot, interaction, story)

    async def query(
        self, interaction: discord.Interaction[StoryBot], story: str, read: Callable[..., T], *args: Any, **kwargs: Any
    ) -> T:
        """`read(*args, **kwargs)` off the event loop, limited to this server's rows of `story`."""
        return await asyncio.to_thread(
            read, *args, guild_id=interaction.guild_id, story=scope(self.bot, story), **kwargs
        )

    async def send(
        self,
        interaction: discord.Interaction[StoryBot],
        text: str | None = None,
        *,
        embed: discord.Embed | None = None,
        view: discord.ui.View | None = None,
    ) -> discord.WebhookMessage | None:
        """A follow-up only the moderator sees, pinging nobody; with a view, the message sent (for the view to
        edit later)."""
        parts: dict[str, Any] = {"content": text, "embed": embed}
        if view is not None:
            parts.update(view=view, wait=True)
        given = {name: value for name, value in parts.items() if value is not None}
        sent: discord.WebhookMessage | None = await interaction.followup.send(
            ephemeral=True, allowed_mentions=NO_MENTIONS, **given
        )
        return sent

    async def typed_engine(self, interaction: discord.Interaction[StoryBot]) -> Engine:
        """For autocomplete: the live engine of the story chosen so far."""
        return self.bot.stories.engine(await typed_story(self.bot, interaction))

    # ------------------------------------------------------------------ reload

    @kb.command(name="reload", description="Reload the knowledge base from disk, checking it first.")
    async def reload(self, interaction: discord.Interaction[StoryBot]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.bot.curator.reload_for(interaction)

    # ------------------------------------------------------------------ teaching and editing

    @kb.command(name="teach", description="Teach a new way of asking: add a phrasing to an entry.")
    @app_commands.describe(
        question="The question as readers ask it, in their words.",
        entry="The entry that answers it; type part of its id or answer.",
        story=STORY_OPTION,
    )
    async def teach(
        self,
        interaction: discord.Interaction[StoryBot],
        question: app_commands.Range[str, 1, QUESTION_OPTION_MAX],
        entry: str,
        story: str | None = None,
    ) -> None:
        chosen = await self.begin(interaction, story)
        if chosen is None:
            return
        engine = self.bot.stories.engine(chosen)
        if entry not in engine.kb.entries:
            await self.send(interaction, unknown_entry_text(entry, engine))
            return
        preview = await asyncio.to_thread(teaching.preview, engine, entry, " ".join(question.split()))
        await self.send(
            interaction, teach_preview_text(preview), view=TeachConfirmView(self.services, preview, story=chosen)
        )

    @kb.command(name="add", description="Add an entry: phrasings, answer and the article's own words as evidence.")
    @app_commands.describe(
        source="The source the evidence is quoted from (when there is more than one).", story=STORY_OPTION
    )
    async def add(
        self, interaction: discord.Interaction[StoryBot], source: str | None = None, story: str | None = None
    ) -> None:
        chosen = await story_for(self.bot, interaction, story)
        if chosen is not None:
            await interaction.response.send_modal(EntryFormModal(self.services, source=source, story=chosen))

    @kb.command(name="quote", description="Add a quote, word for word from the source.")
    @app_commands.describe(
        speaker=f"Who said it (pick a name), or '{UNATTRIBUTED}' when the story does not say.",
        text="The quote exactly as the source has it, without the quotation marks.",
        note="What the source says about who spoke, e.g. for an unattributed quote.",
        source="The source it is quoted from (when there is more than one).",
        story=STORY_OPTION,
    )
    async def quote(
        self,
        interaction: discord.Interaction[StoryBot],
        speaker: str,
        text: app_commands.Range[str, 1, 4000],
        note: str | None = None,
        source: str | None = None,
        story: str | None = None,
    ) -> None:
        chosen = await self.begin(interaction, story)
        if chosen is None:
            return
        who = author_of(interaction)
        speaker_id = None if speaker.strip().lower() == UNATTRIBUTED else speaker.strip()
        words = text.strip().strip('"“”„')
        refusal = first_not_verbatim(self.bot.stories.engine(chosen), source, [words], "This quote")
        if refusal is not None:
            await self.bot.curator.tell(interaction, refusal)
            return
        await self.bot.curator.change(
            interaction,
            lambda editor: editor.add_quote(
                speaker=speaker_id, text=text, source=source, attribution_note=note or None, **who
            ),
            chosen,
        )

    @kb.command(name="edit", description="Change an entry's answer or add phrasings (a form opens without options).")
    @app_commands.describe(
        entry="The entry to change; type part of its id or answer.",
        answer="The new answer (it must still be backed by the entry's evidence).",
        phrasings="New phrasings to add, separated by |",
        story=STORY_OPTION,
    )
    async def edit(
        self,
        interaction: discord.Interaction[StoryBot],
        entry: str,
        answer: str | None = None,
        phrasings: str | None = None,
        story: str | None = None,
    ) -> None:
        chosen = await story_for(self.bot, interaction, story)
        if chosen is None:
            return
        if not answer and not phrasings:
            engine = self.bot.stories.engine(chosen)
            current = engine.kb.entries.get(entry)
            if current is None:
                await respond_privately(interaction, unknown_entry_text(entry, engine))
                return
            await interaction.response.send_modal(EditEntryModal(self.services, entry, current.answer, chosen))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        who = author_of(interaction)
        added = split_phrasings(phrasings or "")
        await self.bot.curator.change(
            interaction,
            lambda editor: editor.edit_entry(entry, answer=answer or None, add_questions=added, **who),
            chosen,
        )

    @kb.command(name="remove", description="Remove an entry, or one phrasing of it.")
    @app_commands.describe(
        entry="The entry; type part of its id or answer.", phrasing="Only this phrasing of it.", story=STORY_OPTION
    )
    async def remove(
        self,
        interaction: discord.Interaction[StoryBot],
        entry: str,
        phrasing: str | None = None,
        story: str | None = None,
    ) -> None:
        chosen = await self.begin(interaction, story)
        if chosen is None:
            return
        who = author_of(interaction)
        if phrasing:
            await self.bot.curator.change(
                interaction, lambda editor: editor.remove_phrasing(entry, phrasing, **who), chosen
            )
        else:
            await self.bot.curator.change(interaction, lambda editor: editor.remove_entry(entry, **who), chosen)

    @kb.command(name="history", description="Recent changes to the knowledge base: who, when, what.")
    @app_commands.describe(count="How many changes to show (newest first).", story=STORY_OPTION)
    async def history(
        self,
        interaction: discord.Interaction[StoryBot],
        count: app_commands.Range[int, 1, 25] = HISTORY_DEFAULT,
        story: str | None = None,
    ) -> None:
        chosen = await self.begin(interaction, story)
        if chosen is None:
            return
        changes = await self.query(interaction, chosen, self.bot.store.changes, count)
        await self.send(interaction, embed=history_embed(changes))

    @kb.command(name="undo", description="Revert the last change, or the one you name.")
    @app_commands.describe(
        change="The change to revert (see /kb history); empty: the last one.",
        story="The story whose last change to revert (a change named by its number is undone in its own story).",
    )
    async def undo(
        self, interaction: discord.Interaction[StoryBot], change: int | None = None, story: str | None = None
    ) -> None:
        chosen = await self.begin(interaction, story)
        if chosen is None:
            return
        who = author_of(interaction)
        # Only this server's changes: found here, then undone by id (the editor knows nothing of servers).
        if change is None:
            target = await self.query(interaction, chosen, self.bot.store.last_undoable)
        else:
            target = await asyncio.to_thread(self.bot.store.change, change, guild_id=interaction.guild_id)
        if target is None:
            missing = "Nothing to undo" if change is None else f"There is no change #{change}"
            await self.bot.curator.tell(interaction, f"{missing} in this server's history (`/kb history`).")
            return
        own = target.story if target.story in self.bot.stories.refs else None  # None: the default story's
        await self.bot.curator.change(interaction, lambda editor: editor.undo(target.id, **who), own)

    # ------------------------------------------------------------------ what readers asked

    @kb.command(name="unanswered", description="Questions I declined, most asked first, to teach or dismiss.")
    @app_commands.describe(period="Questions asked in this period.", story=STORY_OPTION)
    async def unanswered(
        self, interaction: discord.Interaction[StoryBot], period: Period = "all", story: str | None = None
    ) -> None:
        chosen = await self.begin(interaction, story)
        if chosen is None:
            return
        engine = self.bot.stories.engine(chosen)
        groups = await self.query(
            interaction,
            chosen,
            self.bot.store.unanswered_groups,
            engine,
            since=since(period),
            limit=UNANSWERED_SHOWN + 1,
        )
        if not groups:
            await self.send(interaction, embed=unanswered_embed(groups, period, {}))
            return
        more = len(groups) > UNANSWERED_SHOWN
        view = UnansweredView(self.services, groups[:UNANSWERED_SHOWN], period, more=more, story=chosen)
        view.message = await self.send(interaction, embed=view.embed(), view=view)

    @kb.command(name="stats", description="Answered, declined and low-confidence rates, top entries and declines.")
    @app_commands.describe(period="The period to count: the last 7 days unless you choose another.", story=STORY_OPTION)
    @app_commands.choices(period=[app_commands.Choice(name=name, value=value) for value, name in STATS_PERIODS])
    async def stats(
        self, interaction: discord.Interaction[StoryBot], period: str = "week", story: str | None = None
    ) -> None:
        chosen = await self.begin(interaction, story)
        if chosen is None:
            return
        start, store, engine = since(period), self.bot.store, self.bot.stories.engine(chosen)
        counted = await self.query(interaction, chosen, store.stats, since=start)
        rates = await self.query(interaction, chosen, store.rates, since=start)
        declined = await self.query(
            interaction, chosen, store.unanswered_groups, engine, since=start, limit=TOP_DECLINED
        )
        labels = {entry.id: entry.questions[0] for entry in engine.kb.entries.values()}
        await self.send(interaction, embed=stats_embed(counted, period, labels, rates=rates, declined=declined))

    @kb.command(name="review", description="Answers readers marked “Not right”, to teach elsewhere or mark fine.")
    @app_commands.describe(period="Feedback given in this period.", story=STORY_OPTION)
    async def review(
        self, interaction: discord.Interaction[StoryBot], period: Period = "all", story: str | None = None
    ) -> None:
        chosen = await self.begin(interaction, story)
        if chosen is None:
            return
        store = self.bot.store
        items = await self.query(interaction, chosen, store.feedback_to_review, since=since(period), limit=REVIEW_SHOWN)
        if not items:
            await self.send(interaction, embed=review_embed(items, period, {}))
            return
        view = ReviewView(self.services, items, period, chosen)
        await self.send(interaction, embed=view.embed(), view=view)

    # ------------------------------------------------------------------ autocomplete

    @teach.autocomplete("entry")
    @edit.autocomplete("entry")
    @remove.autocomplete("entry")
    async def entry_autocomplete(
        self, interaction: discord.Interaction[StoryBot], current: str
    ) -> list[app_commands.Choice[str]]:
        if not self.moderates(interaction):
            return []
        engine = await self.typed_engine(interaction)
        found = find_entries(engine, current[: limits.CHOICE_NAME], limits.CHOICES)
        return limits.text_choices((entry_label(entry.id, entry.answer), entry.id) for entry in found)

    @remove.autocomplete("phrasing")
    async def phrasing_autocomplete(
        self, interaction: discord.Interaction[StoryBot], current: str
    ) -> list[app_commands.Choice[str]]:
        entry_id = getattr(interaction.namespace, "entry", None)
        if not self.moderates(interaction) or not isinstance(entry_id, str):
            return []
        engine = await self.typed_engine(interaction)
        # A phrasing too long to travel as a value is left out: remove it by hand.
        return limits.text_choices((p, p) for p in find_phrasings(engine, entry_id, current, limits.CHOICES))

    @quote.autocomplete("speaker")
    async def speaker_autocomplete(
        self, interaction: discord.Interaction[StoryBot], current: str
    ) -> list[app_commands.Choice[str]]:
        if not self.moderates(interaction):
            return []
        unattributed = app_commands.Choice(name="Unattributed (the story does not say who)", value=UNATTRIBUTED)
        choices = speaker_choices(await self.typed_engine(interaction), current)
        if not current.strip() or UNATTRIBUTED.startswith(current.strip().lower()):
            choices = [unattributed, *choices]
        return choices[: limits.CHOICES]

    @add.autocomplete("source")
    @quote.autocomplete("source")
    async def source_autocomplete(
        self, interaction: discord.Interaction[StoryBot], current: str
    ) -> list[app_commands.Choice[str]]:
        if not self.moderates(interaction):
            return []
        typed = current.strip().lower()
        engine = await self.typed_engine(interaction)
        return limits.text_choices(
            (f"{source.id} — {source.title}", source.id)
            for source in engine.kb.sources.values()
            if typed in source.id or typed in source.title.lower()
        )

    @undo.autocomplete("change")
    async def change_autocomplete(
        self, interaction: discord.Interaction[StoryBot], current: str
    ) -> list[app_commands.Choice[int]]:
        if not self.moderates(interaction):
            return []
        story = await typed_story(self.bot, interaction)
        recent = await self.query(interaction, story, self.bot.store.changes, limits.CHOICES * 4)
        typed = current.strip().lower()
        choices = []
        for change in recent:
            if change.undone_by is not None or change.action == "undo":
                continue
            label = f"{change.id}: {change.summary}"
            if typed and typed not in label.lower():
                continue
            choices.append(app_commands.Choice(name=limits.trim(label, limits.CHOICE_NAME), value=change.id))
        return choices[: limits.CHOICES]

    @teach.autocomplete("story")
    @add.autocomplete("story")
    @quote.autocomplete("story")
    @edit.autocomplete("story")
    @remove.autocomplete("story")
    @history.autocomplete("story")
    @undo.autocomplete("story")
    @unanswered.autocomplete("story")
    @stats.autocomplete("story")
    @review.autocomplete("story")
    async def story_autocomplete(
        self, interaction: discord.Interaction[StoryBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return story_choices(self.bot.stories, current) if self.moderates(interaction) else []
