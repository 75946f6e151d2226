"""The moderators' forms (modals) and the unanswered list's buttons.

These live in memory, tied to one private message or form: a moderator opens them and uses them within
minutes. After a restart `/kb unanswered` shows the list again; nothing is lost, because the questions and
every change are in the store and the files.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord

from bot.answering import Engine
from bot.curation import teaching
from bot.curation.store import Change, UnansweredGroup
from bot.discord_app import limits
from bot.discord_app.cogs.moderation._services import ModerationServices, Refusal
from bot.discord_app.curator import author_of, split_lines
from bot.discord_app.embeds import APOLOGY
from bot.discord_app.kb_text import not_verbatim_text, premise_warning_text, teach_preview_text, unanswered_embed
from bot.discord_app.views import NO_MENTIONS, respond_privately
from bot.knowledge.verbatim import SourceText

log = logging.getLogger(__name__)

FORM_TIMEOUT = 15 * 60  # how long Discord keeps an interaction's token; a form left open longer cannot reply
TEXT_MAX = 4000  # Discord's limit for a text input
NOT_TAUGHT = "Not taught: nothing was changed."
NO_SUCH_ENTRY = "No entry has the id `{entry}`; nothing was taught. Pick one from `/kb teach`'s list."

# Called once a confirmed question is taught, with the confirming interaction and the change.
OnTaught = Callable[[discord.Interaction[Any], Change], Awaitable[None]]


def text_input(
    custom_id: str,
    *,
    paragraph: bool = False,
    required: bool = True,
    default: str | None = None,
    placeholder: str | None = None,
    max_length: int = TEXT_MAX,
) -> discord.ui.TextInput[Any]:
    return discord.ui.TextInput(
        custom_id=custom_id,
        style=discord.TextStyle.paragraph if paragraph else discord.TextStyle.short,
        required=required,
        default=limits.trim(default, max_length) if default else None,
        placeholder=limits.trim(placeholder, 100) if placeholder else None,
        max_length=max_length,
    )


async def moderator_check(interaction: discord.Interaction[Any], refusal: Refusal) -> bool:
    """Forms and buttons check again: a role can be taken away while a form is open."""
    refused = refusal(interaction)
    if refused is not None:
        await respond_privately(interaction, refused)
        return False
    return True


def first_not_verbatim(engine: Engine, source: str | None, texts: Sequence[str], what: str) -> str | None:
    """A refusal for the first of `texts` that is not word for word in the source (of `engine`'s story), or None."""
    sources = engine.kb.sources
    source_id = source if source is not None else (next(iter(sources)) if len(sources) == 1 else None)
    if source_id not in sources:
        return None  # the editor says which source to name
    text = SourceText.of(sources[source_id].text)
    for words in texts:
        if not text.contains(words):
            return not_verbatim_text(what, words, text.align(words))
    return None


class _Form(discord.ui.Modal):
    def __init__(self, services: ModerationServices, *, title: str) -> None:
        super().__init__(title=limits.trim(title, 45), timeout=FORM_TIMEOUT)
        self.services = services

    def field(self, label: str, text_input: discord.ui.TextInput[Any], description: str | None = None) -> None:
        self.add_item(discord.ui.Label(text=label, component=text_input, description=description))

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        return await moderator_check(interaction, self.services.refusal)

    # A modal's on_error takes no item (discord.py types it like a view's).
    async def on_error(self, interaction: discord.Interaction[Any], error: Exception, /) -> None:  # type: ignore[override]
        log.error("form %s failed", type(self).__name__, exc_info=error)
        await respond_privately(interaction, APOLOGY)


class EntryFormModal(_Form):
    """/kb add: a new entry. Evidence must be the article's own words; the editor checks it."""

    def __init__(self, services: ModerationServices, *, source: str | None = None, story: str | None = None) -> None:
        super().__init__(services, title="Add an entry")
        self.source = source
        self.story = story  # None: the default story
        self.questions = text_input("phrasings", paragraph=True, placeholder="One way readers ask it a line.")
        self.answer = text_input("answer", paragraph=True, placeholder="The answer, in a sentence or two.")
        self.evidence = text_input("evidence", paragraph=True, placeholder="Copy sentences from the article exactly.")
        self.entry_id = text_input("entry-id", required=False, max_length=80, placeholder="e.g. who-votes-first")
        self.field("Phrasings", self.questions, "Questions readers ask, one a line.")
        self.field("Answer", self.answer, "Only what the story says.")
        self.field("Evidence", self.evidence, "Excerpts word for word from the source, one a line.")
        self.field(
            "Entry id (optional)", self.entry_id, "Lower case and hyphens; made from the first phrasing if empty."
        )

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        who = author_of(interaction)
        questions = split_lines(self.questions.value)
        answer = self.answer.value.strip()
        evidence = split_lines(self.evidence.value)
        entry_id = self.entry_id.value.strip() or None
        refusal = first_not_verbatim(self.services.engine(self.story), self.source, evidence, "This excerpt")
        if refusal is not None:  # the editor would refuse it too; this shows the passage with what differs
            await self.services.curator.tell(interaction, refusal)
            return
        await self.services.curator.change(
            interaction,
            lambda editor: editor.add_entry(
                questions=questions, answer=answer, evidence=evidence, source=self.source, entry_id=entry_id, **who
            ),
            self.story,
        )


class EditEntryModal(_Form):
    """/kb edit without options: the current answer to change, and room for new phrasings."""

    def __init__(
        self, services: ModerationServices, entry_id: str, current_answer: str, story: str | None = None
    ) -> None:
        super().__init__(services, title=f"Edit {entry_id}")
        self.entry_id = entry_id
        self.story = story  # None: the default story
        self.current_answer = current_answer
        self.answer = text_input("answer", paragraph=True, default=current_answer)
        self.questions = text_input("phrasings", paragraph=True, required=False, placeholder="One new phrasing a line.")
        self.field("Answer", self.answer, "Change it here; it must stay backed by the evidence.")
        self.field("New phrasings (optional)", self.questions, "Questions to add, one a line.")

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        who = author_of(interaction)
        answer = self.answer.value.strip()
        new_answer = answer if answer != self.current_answer.strip() else None
        added = split_lines(self.questions.value)
        await self.services.curator.change(
            interaction,
            lambda editor: editor.edit_entry(self.entry_id, answer=new_answer, add_questions=added, **who),
            self.story,
        )


# ---------------------------------------------------------------------- the unanswered list


class ModeratorView(discord.ui.View):
    """Buttons in a moderator's private message: only moderators may press them, and a failure is logged
    (under `purpose`) and apologised for."""

    purpose = "moderator buttons"

    def __init__(self, services: ModerationServices) -> None:
        super().__init__(timeout=FORM_TIMEOUT)
        self.services = services

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        return await moderator_check(interaction, self.services.refusal)

    async def on_error(self, interaction: discord.Interaction[Any], error: Exception, item: Any, /) -> None:
        log.error("%s: %s failed", self.purpose, getattr(item, "custom_id", item), exc_info=error)
        await respond_privately(interaction, APOLOGY)


class WorklistView(ModeratorView):
    """One row of buttons per item of a list to work through; each button knows its row's `index`."""

    def __init__(self, services: ModerationServices) -> None:
        super().__init__(services)
        self.done: dict[int, str] = {}  # row index -> what was done with it

    def mark(self, index: int, note: str) -> None:
        """Record what was done with a row and retire its buttons."""
        self.done[index] = note
        for item in self.children:
            if isinstance(item, discord.ui.Button) and getattr(item, "index", None) == index:
                item.disabled = True


class UnansweredView(WorklistView):
    """One row of buttons per group of declined questions: teach to the nearest entry, choose one, dismiss."""

    purpose = "unanswered list"

    def __init__(
        self,
        services: ModerationServices,
        groups: Sequence[UnansweredGroup],
        period: str,
        *,
        more: bool = False,
        story: str | None = None,
    ) -> None:
        super().__init__(services)
        self.story = story  # the story the questions were asked of, and are taught to (None: the default)
        self.groups = list(groups)
        self.period = period
        self.more = more  # more groups are waiting than one message can offer buttons for
        self.message: discord.WebhookMessage | None = None  # the list, once sent: edited as groups are handled
        for index, group in enumerate(self.groups[:5]):
            number = index + 1
            if group.nearest:
                nearest = group.nearest[0].entry_id
                self.add_item(
                    GroupButton(index, "teach", f"{number} · Teach to {nearest}", discord.ButtonStyle.primary)
                )
            self.add_item(GroupButton(index, "choose", f"{number} · Teach to…", discord.ButtonStyle.secondary))
            self.add_item(GroupButton(index, "dismiss", f"{number} · Dismiss", discord.ButtonStyle.secondary))

    def embed(self) -> discord.Embed:
        embed = unanswered_embed(self.groups, self.period, self.done)
        if self.more:
            embed.set_footer(text="More questions are waiting; teach or dismiss these, then run /kb unanswered again.")
        return embed

    async def offer_teach(
        self, interaction: discord.Interaction[Any], index: int, entry_id: str, question: str | None = None
    ) -> None:
        """Show what teaching a group's question to `entry_id` will do, to confirm; once taught, update the list.

        `interaction` (a button press or the "Teach to…" form) must not have been responded to yet.
        """
        group = self.groups[index]
        phrasing = " ".join((question or group.question).split())
        engine = self.services.engine(self.story)
        if entry_id not in engine.kb.entries:
            await respond_privately(interaction, NO_SUCH_ENTRY.format(entry=limits.trim(entry_id, 100)))
            return
        preview = await asyncio.to_thread(teaching.preview, engine, entry_id, phrasing)

        async def taught(_: discord.Interaction[Any], change: Change) -> None:
            await asyncio.to_thread(self.services.store.resolve, group.question_ids, change.target)
            self.mark(index, f"taught to `{change.target}` (change {change.id})")
            if self.message is not None:
                await self.message.edit(embed=self.embed(), view=self, allowed_mentions=NO_MENTIONS)

        await interaction.response.send_message(
            teach_preview_text(preview),
            view=TeachConfirmView(self.services, preview, taught, story=self.story),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    async def dismiss(self, interaction: discord.Interaction[Any], index: int) -> None:
        group = self.groups[index]
        await asyncio.to_thread(self.services.store.dismiss, group.question_ids)
        self.mark(index, "dismissed")
        await interaction.edit_original_response(embed=self.embed(), view=self, allowed_mentions=NO_MENTIONS)


class GroupButton(discord.ui.Button[UnansweredView]):
    def __init__(self, index: int, action: str, label: str, style: discord.ButtonStyle) -> None:
        super().__init__(label=limits.trim(label, limits.BUTTON_LABEL), style=style, row=index)
        self.index = index
        self.action = action

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        view = self.view
        if view is None:
            return
        group = view.groups[self.index]
        if self.action == "choose":
            nearest = group.nearest[0].entry_id if group.nearest else ""
            await interaction.response.send_modal(TeachModal(view, self.index, nearest))
            return
        if self.action == "dismiss":
            await interaction.response.defer()  # an update of the list's message, which follows below
            await view.dismiss(interaction, self.index)
        else:
            await view.offer_teach(interaction, self.index, group.nearest[0].entry_id)


class TeachModal(_Form):
    """Teach an unanswered question to an entry of the moderator's choice, with the wording adjustable."""

    def __init__(self, view: UnansweredView, index: int, entry_id: str) -> None:
        super().__init__(view.services, title="Teach this question")
        self.view = view
        self.index = index
        group = view.groups[index]
        self.question = text_input("question", default=group.question, max_length=300)
        self.entry_id = text_input("entry", default=entry_id or None, max_length=100, placeholder="an entry id")
        self.field("Question", self.question, "As readers ask it; tidy it if you like.")
        self.field("Entry", self.entry_id, "The id of the entry that answers it (see /kb teach's list).")

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        await self.view.offer_teach(interaction, self.index, self.entry_id.value.strip(), self.question.value)


# ---------------------------------------------------------------------- confirming a teach


class TeachConfirmView(ModeratorView):
    """Confirm or cancel teaching a question. A likely false premise asks again, explicitly, before it is taught."""

    purpose = "teach confirmation"

    def __init__(
        self,
        services: ModerationServices,
        preview: teaching.TeachPreview,
        on_taught: OnTaught | None = None,
        *,
        story: str | None = None,
    ) -> None:
        super().__init__(services)
        self.story = story  # the story taught (None: the default story)
        self.preview = preview
        self.on_taught = on_taught
        self.warned = False  # the false-premise warning has been shown, and needs its own confirmation
        self.change: Change | None = None

    def retire(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        self.stop()

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.primary)
    async def confirm(self, interaction: discord.Interaction[Any], button: discord.ui.Button[Any]) -> None:
        if self.preview.warning is not None and not self.warned:
            self.warned = True
            button.label = "Teach anyway"
            button.style = discord.ButtonStyle.danger
            await interaction.response.edit_message(
                content=premise_warning_text(self.preview), view=self, allowed_mentions=NO_MENTIONS
            )
            return
        self.retire()  # at once, so a second press cannot teach it twice
        await interaction.response.edit_message(view=self)
        entry_id, question, who = self.preview.entry.id, self.preview.question, author_of(interaction)
        self.change = await self.services.curator.change(
            interaction, lambda editor: editor.teach(entry_id, question, **who), self.story
        )
        if self.change is not None and self.on_taught is not None:
            await self.on_taught(interaction, self.change)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction[Any], button: discord.ui.Button[Any]) -> None:
        self.retire()
        await interaction.response.edit_message(content=NOT_TAUGHT, view=self, allowed_mentions=NO_MENTIONS)
