"""/kb review: answers readers marked "Not right", to teach the question to the right entry or mark fine.

Like the unanswered list, the buttons live in memory, tied to one private message: a moderator uses them
within minutes, and after a restart `/kb review` lists what is still open (it is all in the store).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import discord

from bot.answering import Engine
from bot.answering.answer import Suggestion
from bot.curation.store import Feedback
from bot.discord_app import limits
from bot.discord_app.cogs.moderation._services import ModerationServices
from bot.discord_app.cogs.moderation._views import WorklistView, _Form, text_input
from bot.discord_app.curator import author_of
from bot.discord_app.embeds import percent
from bot.discord_app.kb_text import PERIOD_NAMES, moment, worklist_embed
from bot.discord_app.limits import trim
from bot.discord_app.safety import escape_knowledge_text, escape_user_text
from bot.discord_app.views import NO_MENTIONS

REVIEW_SHOWN = 5  # one row of buttons per answer, and a message holds five rows


def other_entry(engine: Engine, item: Feedback) -> Suggestion | None:
    """The entry the engine ranks closest to what the reader asked (or said they wanted), other than the one
    it answered with: the likeliest place to teach the question."""
    for text in (item.wanted, item.question):
        if not text:
            continue
        for scored in engine.rank(engine.analyse(text)):
            if scored.entry_id != item.entry_id and scored.entry_id in engine.kb.entries:
                return Suggestion(scored.entry_id, engine.kb.entries[scored.entry_id].questions[0])
    return None


def given(item: Feedback) -> str:
    """What the reader was given: `entry-id` and the answer's first words, or whose quotes."""
    if item.entry_id:
        return f"`{item.entry_id}` — {escape_knowledge_text(trim(item.answer, 160))}"
    if item.speaker_id:
        return f"the quotes of `{item.speaker_id}`"
    return escape_knowledge_text(trim(item.answer, 160)) or "*(nothing recorded)*"


def review_embed(items: Sequence[Feedback], period: str, done: dict[int, str]) -> discord.Embed:
    """The answers marked "Not right", newest first; `done` marks those handled."""
    how = (
        "**Teach** adds the question as a phrasing of another entry (the nearest, or one you choose); "
        "**Fine** means the answer was right after all."
    )
    rows = [(f"“{escape_user_text(item.question)}”", review_lines(item)) for item in items]
    empty = "Nothing to review: no reader has marked an answer as not right."
    return worklist_embed(f"Answers marked “Not right” ({PERIOD_NAMES[period]})", empty, how, rows, done)


def review_lines(item: Feedback) -> list[str]:
    """What the reader was given, what they wanted instead, and when they said so."""
    lines = [f"Answered with {given(item)} (confidence {percent(item.confidence)})"]
    if item.wanted:
        lines.append(f"They wanted: “{escape_user_text(trim(item.wanted, 300))}”")
    lines.append(f"Marked {moment(item.at)}")
    return lines


class ReviewView(WorklistView):
    """One row of buttons per answer marked "Not right": teach to the nearest other entry, choose one, fine."""

    purpose = "review list"

    def __init__(
        self, services: ModerationServices, items: Sequence[Feedback], period: str, story: str | None = None
    ) -> None:
        super().__init__(services)
        self.story = story  # the story of the answers reviewed, and taught to (None: the default story)
        self.items = list(items)[:REVIEW_SHOWN]
        self.period = period
        engine = services.engine(story)
        for index, item in enumerate(self.items):
            number = index + 1
            nearest = other_entry(engine, item)
            if nearest is not None:
                label = f"{number} · Teach to {nearest.entry_id}"
                self.add_item(ReviewButton(index, "teach", label, discord.ButtonStyle.primary, nearest.entry_id))
            self.add_item(ReviewButton(index, "choose", f"{number} · Teach to…", discord.ButtonStyle.secondary))
            self.add_item(ReviewButton(index, "fine", f"{number} · Fine", discord.ButtonStyle.secondary))

    def embed(self) -> discord.Embed:
        return review_embed(self.items, self.period, self.done)

    async def teach(self, interaction: discord.Interaction[Any], index: int, entry_id: str, question: str) -> None:
        """Teach the question to `entry_id`; `interaction` was deferred as an update of the list's message."""
        item = self.items[index]
        phrasing = question.strip() or item.question
        who = author_of(interaction)
        change = await self.services.curator.change(
            interaction, lambda editor: editor.teach(entry_id, phrasing, **who), self.story
        )
        if change is None:
            return
        await asyncio.to_thread(self.services.store.settle_feedback, item.id, taught_to=change.target)
        self.mark(index, f"taught to `{change.target}` (change {change.id})")
        await interaction.edit_original_response(embed=self.embed(), view=self, allowed_mentions=NO_MENTIONS)

    async def fine(self, interaction: discord.Interaction[Any], index: int) -> None:
        await asyncio.to_thread(self.services.store.settle_feedback, self.items[index].id)
        self.mark(index, "marked fine")
        await interaction.edit_original_response(embed=self.embed(), view=self, allowed_mentions=NO_MENTIONS)


class ReviewButton(discord.ui.Button[ReviewView]):
    def __init__(
        self, index: int, action: str, label: str, style: discord.ButtonStyle, entry_id: str | None = None
    ) -> None:
        super().__init__(label=limits.trim(label, limits.BUTTON_LABEL), style=style, row=index)
        self.index = index
        self.action = action
        self.entry_id = entry_id

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        view = self.view
        if view is None:
            return
        item = view.items[self.index]
        if self.action == "choose":
            await interaction.response.send_modal(ReviewTeachModal(view, self.index))
            return
        await interaction.response.defer()  # an update of the list's message, which follows below
        if self.action == "fine":
            await view.fine(interaction, self.index)
        elif self.entry_id is not None:
            await view.teach(interaction, self.index, self.entry_id, item.question)


class ReviewTeachModal(_Form):
    """Teach a reviewed question to the entry of the moderator's choice, with the wording adjustable."""

    def __init__(self, view: ReviewView, index: int) -> None:
        super().__init__(view.services, title="Teach this question")
        self.view = view
        self.index = index
        item = view.items[index]
        nearest = other_entry(view.services.engine(view.story), item)
        self.question = text_input("question", default=item.question, max_length=300)
        self.entry_id = text_input(
            "entry", default=nearest.entry_id if nearest else None, max_length=100, placeholder="an entry id"
        )
        self.field("Question", self.question, "As the reader asked it; tidy it if you like.")
        self.field("Entry", self.entry_id, "The id of the entry that should answer it.")

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        await interaction.response.defer()  # the form came from the list's button: this updates the list
        await self.view.teach(interaction, self.index, self.entry_id.value.strip(), self.question.value)
