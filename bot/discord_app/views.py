"""Buttons, and sending a reply together with its buttons.

Both kinds of button keep their state in the custom id ("storybot:answer:<entry id>",
"storybot:quotes:<speaker id>:<page>:<direction>") and are registered as dynamic items, so they keep
working after a restart or a knowledge-base reload and the bot holds nothing in memory per message.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Self, cast

import discord

from bot.answering import Suggestion
from bot.app.lookup import quotes_of_speaker
from bot.discord_app import limits
from bot.discord_app.embeds import APOLOGY, Reply, answer_reply, quote_pages

if TYPE_CHECKING:
    from bot.discord_app.bot import StoryBot

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
ID = r"[a-z0-9-]+"  # the loader's alphabet for ids
SUGGESTION_PREFIX = "storybot:answer:"
QUOTES_PREFIX = "storybot:quotes:"
SUGGESTION_GONE = "That question is no longer in the knowledge base (it was reloaded). Try `/ask` again."
QUOTES_GONE = "Those quotes are no longer in the knowledge base (it was reloaded). Try `/quote` again."


def _bot(interaction: discord.Interaction[Any]) -> StoryBot:
    return cast("StoryBot", interaction.client)


class SuggestionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"{SUGGESTION_PREFIX}(?P<entry>{ID})"):
    """Answers one entry of the knowledge base: a question the bot offered when it declined."""

    def __init__(self, entry_id: str, label: str = "Answer this") -> None:
        super().__init__(
            discord.ui.Button(
                label=limits.trim(label, limits.BUTTON_LABEL),
                style=discord.ButtonStyle.secondary,
                custom_id=SUGGESTION_PREFIX + entry_id,
            )
        )
        self.entry_id = entry_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        label = item.label if isinstance(item, discord.ui.Button) and item.label else "Answer this"
        return cls(match["entry"], label)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot = _bot(interaction)
        try:
            # Pressing a suggestion is not rate limited: it can only follow a question that was.
            try:
                answer = bot.holder.engine.answer_entry(self.entry_id)
            except KeyError:
                await respond_privately(interaction, SUGGESTION_GONE)
                return
            await send_reply(interaction, answer_reply(answer))
        except Exception:
            log.exception("answering suggestion %s failed", self.entry_id)
            await respond_privately(interaction, APOLOGY)


class QuotePageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"{QUOTES_PREFIX}(?P<speaker>{ID}):(?P<page>\d{{1,4}}):(?P<direction>prev|next)",
):
    """Turns a /quote reply to another page, by editing it in place."""

    def __init__(self, speaker_id: str, page: int, direction: str, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="◀ Previous" if direction == "prev" else "Next ▶",
                style=discord.ButtonStyle.secondary,
                custom_id=f"{QUOTES_PREFIX}{speaker_id}:{page}:{direction}",
                disabled=disabled,
            )
        )
        self.speaker_id = speaker_id
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(match["speaker"], int(match["page"]), match["direction"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot = _bot(interaction)
        try:
            result = quotes_of_speaker(bot.holder.engine, self.speaker_id)
            if result is None or not result.quotes:
                await respond_privately(interaction, QUOTES_GONE)
                return
            pages = quote_pages(result)
            page = max(0, min(self.page, len(pages) - 1))
            await interaction.response.edit_message(
                embeds=[pages[page]],
                view=pager_view(self.speaker_id, page, len(pages)),
                allowed_mentions=NO_MENTIONS,
            )
        except Exception:
            log.exception("turning quotes of %s to page %d failed", self.speaker_id, self.page)
            await respond_privately(interaction, APOLOGY)


def suggestion_view(suggestions: Sequence[Suggestion]) -> discord.ui.View | None:
    """One button per suggestion (one row), or None when there is nothing to offer."""
    buttons = [
        SuggestionButton(s.entry_id, s.question)
        for s in suggestions[: limits.BUTTONS_PER_ROW]
        if re.fullmatch(ID, s.entry_id) and len(SUGGESTION_PREFIX + s.entry_id) <= limits.CUSTOM_ID
    ]
    if not buttons:
        return None
    view = discord.ui.View(timeout=None)
    for button in buttons:
        view.add_item(button)
    return view


def pager_view(speaker_id: str, page: int, pages: int) -> discord.ui.View | None:
    """Previous / Next buttons for page `page` (from 0) of `pages`; None when one page holds everything."""
    longest = f"{QUOTES_PREFIX}{speaker_id}:{pages}:next"
    if pages <= 1 or not re.fullmatch(ID, speaker_id) or len(longest) > limits.CUSTOM_ID:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(QuotePageButton(speaker_id, max(page - 1, 0), "prev", disabled=page == 0))
    view.add_item(QuotePageButton(speaker_id, min(page + 1, pages - 1), "next", disabled=page >= pages - 1))
    return view


async def send_reply(
    interaction: discord.Interaction[Any],
    reply: Reply,
    *,
    private: bool | None = None,
    view: discord.ui.View | None = None,
) -> None:
    """Answer an interaction with `reply` and its suggestion buttons (or `view`), pinging nobody."""
    view = view if view is not None else suggestion_view(reply.suggestions)
    ephemeral = reply.private if private is None else private
    kwargs = _message_parts(reply, view, ephemeral=ephemeral)
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)
    else:
        await interaction.response.send_message(**kwargs)


def _message_parts(reply: Reply, view: discord.ui.View | None, **extra: Any) -> dict[str, Any]:
    """The keyword arguments of a send: what the reply holds, and never a ping."""
    parts: dict[str, Any] = {"allowed_mentions": NO_MENTIONS, **extra}
    if reply.content:
        parts["content"] = reply.content
    if reply.embeds:
        parts["embeds"] = list(reply.embeds)
    if view is not None:
        parts["view"] = view
    return parts


async def respond_privately(interaction: discord.Interaction[Any], text: str) -> None:
    """A short note only the person who acted can see; never raises (it is used on the way out of errors)."""
    text = limits.trim(text, limits.CONTENT)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException:
        log.warning("could not tell the user about a problem (interaction %s)", interaction.id, exc_info=True)


async def reply_to_message(message: discord.Message, reply: Reply, *, delete_after: float | None = None) -> None:
    """Reply to a message with `reply` and its suggestion buttons, pinging nobody (not even the author)."""
    kwargs = _message_parts(reply, suggestion_view(reply.suggestions), mention_author=False)
    if delete_after is not None:
        kwargs["delete_after"] = delete_after
    await message.reply(**kwargs)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (SuggestionButton, QuotePageButton)
