"""Buttons, and sending a reply together with its buttons.

Every button keeps its state in the custom id and is registered as a dynamic item, so it keeps working
after a restart or a knowledge-base reload and the bot holds nothing in memory per message:
- "storybot:answer:<entry id>": a suggestion, answered when pressed;
- "storybot:quotes:<speaker id>:<page>:<direction>": turns a /quote reply's page (with several stories, the
  speaker of one not the default's says whose: "<story>/<speaker id>");
- "storybot:fb:<up|no>:<question id>:<topic>": "Helpful" / "Not right" under every answer;
- "storybot:more:<topic>": "Show evidence and quotes", privately.
A topic is "e:<entry id>" or "s:<speaker id>": what the answer was about. The feedback buttons are also how
a reply to an answer finds what it follows up (`context_from_message`): the message carries its context.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Self, cast

import discord

from bot.answering import Answer, Engine, Outcome, Suggestion
from bot.answering.followup import Context, entry_people
from bot.answering.stories import with_story
from bot.app.lookup import quotes_of_speaker
from bot.discord_app import limits
from bot.discord_app.embeds import APOLOGY, Reply, answer_reply, answer_topic, more_embed, quote_pages

if TYPE_CHECKING:
    from bot.curation.store import Store
    from bot.discord_app.bot import StoryBot

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
ID = r"[a-z0-9-]+"  # the loader's alphabet for ids
SUGGESTION_PREFIX = "storybot:answer:"
QUOTES_PREFIX = "storybot:quotes:"
FEEDBACK_PREFIX = "storybot:fb:"
MORE_PREFIX = "storybot:more:"
# "e:<entry>" / "s:<speaker>"; with several stories, one not the default's says whose: "e:<story>/<entry>".
TOPIC = rf"(?P<kind>[es]):(?P<id>(?:{ID}/)?{ID})"
SUGGESTION_GONE = "That question is no longer in the knowledge base (it was reloaded). Try `/ask` again."
ANSWER_GONE = "That answer is no longer in the knowledge base (it was reloaded). Try `/ask` again."
THANKS_HELPFUL = "Thanks for saying so! It helps the moderators see what works."
THANKS_NOT_RIGHT = "Thanks: the moderators will see that this answer was not right."
THANKS_WANTED = "Thanks: the moderators will see what you wanted to know."
ANSWER_THIS = "Answer this"  # a suggestion button's label when its question cannot be read back
QUOTES_GONE = "Those quotes are no longer in the knowledge base (it was reloaded). Try `/quote` again."


def _bot(interaction: discord.Interaction[Any]) -> StoryBot:
    return cast("StoryBot", interaction.client)


def suggestion_button(label: str, custom_id: str) -> discord.ui.Button[Any]:
    """How every "answer this question" button looks: its question as the label, trimmed to fit."""
    return discord.ui.Button(
        label=limits.trim(label, limits.BUTTON_LABEL), style=discord.ButtonStyle.secondary, custom_id=custom_id
    )


def pressed_label(item: discord.ui.Item[Any]) -> str:
    """The label of a suggestion button pressed (after a restart, read back from the message)."""
    return item.label if isinstance(item, discord.ui.Button) and item.label else ANSWER_THIS


async def answer_suggestion(
    interaction: discord.Interaction[Any],
    what: str,
    answer_of: Callable[[StoryBot], Answer],
    shown: Callable[[StoryBot, Reply, Answer], Reply] = lambda bot, reply, answer: reply,
) -> None:
    """Reply with the answer a pressed suggestion (`what`, for the log) stands for, or say privately that it
    is gone.

    Pressing a suggestion is not rate limited: it can only follow a question that was."""
    bot = _bot(interaction)
    try:
        try:
            answer = answer_of(bot)
        except KeyError:
            await respond_privately(interaction, SUGGESTION_GONE)
            return
        remember_answer(interaction, answer)
        await send_reply(interaction, shown(bot, answer_reply(answer), answer))
    except Exception:
        log.exception("answering suggestion %s failed", what)
        await respond_privately(interaction, APOLOGY)


class SuggestionButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"{SUGGESTION_PREFIX}(?P<entry>{ID})"):
    """Answers one entry of the knowledge base: a question the bot offered when it declined."""

    def __init__(self, entry_id: str, label: str = ANSWER_THIS) -> None:
        super().__init__(suggestion_button(label, SUGGESTION_PREFIX + entry_id))
        self.entry_id = entry_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(match["entry"], pressed_label(item))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await answer_suggestion(interaction, self.entry_id, lambda bot: bot.holder.engine.answer_entry(self.entry_id))


class QuotePageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"{QUOTES_PREFIX}(?P<speaker>(?:{ID}/)?{ID}):(?P<page>\d{{1,4}}):(?P<direction>prev|next)",
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
        story, slash, speaker_id = self.speaker_id.rpartition("/")
        try:
            engine = bot.stories.engines.get(story) if slash else bot.holder.engine
            result = quotes_of_speaker(engine, speaker_id) if engine is not None else None  # None: story gone
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
    from bot.discord_app.story_choice import story_button

    buttons: list[discord.ui.DynamicItem[discord.ui.Button[Any]]] = []
    for s in suggestions[: limits.BUTTONS_PER_ROW]:
        if s.story is not None:  # a suggestion from one of several stories answers from that story
            story_item = story_button(s.story, s.entry_id, s.question)
            if story_item is not None:
                buttons.append(story_item)
        elif re.fullmatch(ID, s.entry_id) and len(SUGGESTION_PREFIX + s.entry_id) <= limits.CUSTOM_ID:
            buttons.append(SuggestionButton(s.entry_id, s.question))
    if not buttons:
        return None
    view = discord.ui.View(timeout=None)
    for button in buttons:
        view.add_item(button)
    return view


def answer_for_topic(engine: Engine, topic: str) -> Answer | None:
    """The answer a topic stands for now ("e:<entry>": that entry; "s:<speaker>": their quotes), if it still exists."""
    kind, _, ident = topic.partition(":")
    if kind == "e":
        entry = engine.kb.entries.get(ident)
        return engine.answer_entry(ident, entry.questions[0]) if entry else None
    result = quotes_of_speaker(engine, ident)
    if result is None or not result.quotes or result.speaker is None:
        return None
    return Answer(
        question=f"What did {result.speaker} say?",
        outcome=Outcome.QUOTES,
        text=result.message,
        confidence=1.0,
        matched_question=f"What did {result.speaker} say?",
        quotes=result.quotes,
        speaker_id=result.speaker_id,
    )


def topic_engine(bot: StoryBot, topic: str) -> tuple[Engine | None, str]:
    """The engine a topic's answer comes from (None: its story is gone), and the topic without its story."""
    kind, _, ident = topic.partition(":")
    story, slash, plain = ident.rpartition("/")
    if not slash:
        return bot.engine, topic
    return bot.stories.engines.get(story), f"{kind}:{plain}"


def topic_story(bot: StoryBot, topic: str) -> str:
    """The story a topic's answer comes from: the one it names, else the default story."""
    story, slash, _ = topic.partition(":")[2].rpartition("/")
    return story if slash else bot.stories.default


def context_of_topic(engine: Engine, topic: str) -> Context | None:
    kind, _, ident = topic.partition(":")
    if kind == "e" and ident in engine.kb.entries:
        return Context(ident, entry_people(engine.kb, ident))
    if kind == "s" and ident in engine.kb.speakers:
        return Context(None, (ident,))
    return None


def context_from_message(message: discord.Message | None, engine: Engine, my_id: int) -> Context | None:
    """The context a bot answer carries in its buttons; None for any other message."""
    if message is None or message.author.id != my_id:
        return None
    for row in message.components:
        for component in getattr(row, "children", ()):
            custom_id = getattr(component, "custom_id", None) or ""
            found = re.fullmatch(rf"(?:{FEEDBACK_PREFIX}(?:up|no):\d+|{MORE_PREFIX[:-1]}):{TOPIC}", custom_id)
            if found:
                # The caller picked the engine of the answer's story; the topic's own id follows any "<story>/".
                return context_of_topic(engine, f"{found['kind']}:{found['id'].rpartition('/')[2]}")
    return None


def remember_answer(interaction: discord.Interaction[Any], answer: Answer) -> None:
    """Keep what this person was just told about, for their follow-up in this channel."""
    bot = _bot(interaction)
    topic = answer_topic(answer) if answer.answered else None
    engine = bot.stories.engine(answer.story.id) if answer.story else bot.engine
    context = with_story(context_of_topic(engine, topic), answer, bot.stories) if topic else None
    if context is not None and interaction.channel_id is not None:
        bot.conversations.remember(interaction.channel_id, interaction.user.id, context)


class FeedbackButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"{FEEDBACK_PREFIX}(?P<verdict>up|no):(?P<question>\d{{1,19}}):{TOPIC}",
):
    """ "Helpful" or "Not right" under an answer; "Not right" lands in the moderators' `/kb review`."""

    def __init__(self, verdict: str, question_id: int, topic: str) -> None:
        helpful = verdict == "up"
        super().__init__(
            discord.ui.Button(
                label="Helpful" if helpful else "Not right",
                emoji="👍" if helpful else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=f"{FEEDBACK_PREFIX}{verdict}:{question_id}:{topic}",
            )
        )
        self.helpful = helpful
        self.question_id = question_id
        self.topic = topic

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(match["verdict"], int(match["question"]), f"{match['kind']}:{match['id']}")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot = _bot(interaction)
        try:
            feedback_id = await asyncio.to_thread(self._record, bot, interaction)
            if self.helpful or feedback_id is None:
                await respond_privately(interaction, THANKS_HELPFUL if self.helpful else THANKS_NOT_RIGHT)
            else:
                await interaction.response.send_modal(WantedModal(bot.store, feedback_id))
        except Exception:
            log.exception("recording feedback on question %d failed", self.question_id)
            await respond_privately(interaction, APOLOGY)

    def _record(self, bot: StoryBot, interaction: discord.Interaction[Any]) -> int | None:
        """A database write: run it in a thread."""
        asked = bot.store.question_asked(self.question_id) if self.question_id else None
        engine, topic = topic_engine(bot, self.topic)
        answer = answer_for_topic(engine, topic) if engine is not None else None
        kind, _, ident = topic.partition(":")
        question, confidence = asked or (_title_of(interaction.message), answer.confidence if answer else 0.0)
        return bot.store.record_feedback(
            question_id=self.question_id or None,
            question=question,
            entry_id=ident if kind == "e" else None,
            speaker_id=ident if kind == "s" else None,
            answer=answer.text if answer else "",
            confidence=confidence,
            helpful=self.helpful,
            user_id=interaction.user.id,
            guild_id=interaction.guild_id,
            story=topic_story(bot, self.topic),
        )


def _title_of(message: discord.Message | None) -> str:
    """What an answer said it understood ("Answering: …"), when the question itself was not kept."""
    if message is None or not message.embeds or not message.embeds[0].title:
        return ""
    return message.embeds[0].title.removeprefix("Answering: ")


class WantedModal(discord.ui.Modal):
    """The optional "what did you want to know?" after "Not right"."""

    def __init__(self, store: Store, feedback_id: int) -> None:
        super().__init__(title="What did you want to know?", timeout=15 * 60)
        self.store = store  # where the feedback was recorded; the answer is added to it
        self.feedback_id = feedback_id
        self.wanted: discord.ui.TextInput[Any] = discord.ui.TextInput(
            custom_id="wanted",
            label="Your question, as you meant it (optional)",
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=500,
        )
        self.add_item(self.wanted)

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        if self.wanted.value.strip():
            await asyncio.to_thread(self.store.add_wanted, self.feedback_id, self.wanted.value)
        await respond_privately(interaction, THANKS_WANTED)

    async def on_error(self, interaction: discord.Interaction[Any], error: Exception, /) -> None:  # type: ignore[override]
        log.error("feedback form failed", exc_info=error)
        await respond_privately(interaction, APOLOGY)


class MoreButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"{MORE_PREFIX}{TOPIC}"):
    """ "Show evidence and quotes": the rest of what backs an answer, to the person who pressed it only."""

    def __init__(self, topic: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Show evidence and quotes",
                style=discord.ButtonStyle.primary,
                custom_id=f"{MORE_PREFIX}{topic}",
            )
        )
        self.topic = topic

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(f"{match['kind']}:{match['id']}")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            engine, topic = topic_engine(_bot(interaction), self.topic)
            answer = answer_for_topic(engine, topic) if engine is not None else None
            if answer is None:
                await respond_privately(interaction, ANSWER_GONE)
                return
            await send_reply(interaction, Reply(embeds=(more_embed(answer),)), private=True, view=EMPTY_VIEW)
        except Exception:
            log.exception("showing more of %s failed", self.topic)
            await respond_privately(interaction, APOLOGY)


EMPTY_VIEW = discord.ui.View(timeout=None)  # "no buttons", where a reply would otherwise get its own


def reply_view(reply: Reply, question_id: int | None = None) -> discord.ui.View | None:
    """A reply's buttons: its suggestions (one row), and under an answer "Helpful", "Not right" and
    "Show evidence and quotes" (when there is more to show). None when there is nothing to press."""
    view = suggestion_view(reply.suggestions)
    topic = reply.topic
    if topic is None or not re.fullmatch(TOPIC, topic):
        return view
    items: list[discord.ui.Item[Any]] = []
    feedback = [FeedbackButton(verdict, question_id or 0, topic) for verdict in ("up", "no")]
    if all(len(b.item.custom_id or "") <= limits.CUSTOM_ID for b in feedback):
        items += feedback
    if reply.expandable and len(MORE_PREFIX + topic) <= limits.CUSTOM_ID:
        items.append(MoreButton(topic))
    if not items:
        return view
    view = view or discord.ui.View(timeout=None)
    for item in items:
        item.row = 1 if reply.suggestions else 0
        view.add_item(item)
    return view


def pager_view(speaker_id: str, page: int, pages: int, story: str | None = None) -> discord.ui.View | None:
    """Previous / Next buttons for page `page` (from 0) of `pages`; None when one page holds everything.

    `story`: the story the quotes are from, when it is not the default story (the buttons then say whose).
    """
    if story is not None:
        if not re.fullmatch(ID, story):
            return None
        speaker_id = f"{story}/{speaker_id.rpartition('/')[2]}"
    plain = speaker_id.rpartition("/")[2]
    longest = f"{QUOTES_PREFIX}{speaker_id}:{pages}:next"
    if pages <= 1 or not re.fullmatch(ID, plain) or len(longest) > limits.CUSTOM_ID:
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
    question_id: int | None = None,
) -> None:
    """Answer an interaction with `reply` and its buttons (or `view`), pinging nobody.

    `question_id` is the recorded question an answer replies to, which its feedback buttons carry.
    """
    view = view if view is not None else reply_view(reply, question_id)
    if view is EMPTY_VIEW:
        view = None
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


async def reply_to_message(
    message: discord.Message, reply: Reply, *, delete_after: float | None = None, question_id: int | None = None
) -> None:
    """Reply to a message with `reply` and its buttons, pinging nobody (not even the author)."""
    kwargs = _message_parts(reply, reply_view(reply, question_id), mention_author=False)
    if delete_after is not None:
        kwargs["delete_after"] = delete_after
    await message.reply(**kwargs)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    SuggestionButton,
    QuotePageButton,
    FeedbackButton,
    MoreButton,
)
