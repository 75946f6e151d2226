"""Questions: /ask, the "Ask StoryBot" message menu command, and mentions of the bot.

Each question may follow up the conversation. Its context comes from, in order: the bot answer a reply
points to (the answer's buttons carry it), the bot answer a thread was started from, or the same
person's last answer in the same channel within ten minutes (`bot.conversations`). Never from another
person's conversation: the map is keyed by who asked, and a reply or thread names its own answer.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.answering.followup import Context
from bot.answering.stories import with_story
from bot.app.question_log import AskedQuestion, worth_recording
from bot.discord_app.embeds import Reply, answer_reply, answer_topic, cooldown_text
from bot.discord_app.safety import mention_pattern, strip_mention
from bot.discord_app.story_choice import (
    SWITCHED_OFF,
    channel_setting,
    story_choices,
    story_of_message,
    story_option,
    story_topic,
)
from bot.discord_app.views import (
    context_from_message,
    context_of_topic,
    reply_to_message,
    respond_privately,
    send_reply,
)

if TYPE_CHECKING:
    from bot.discord_app.bot import StoryBot

log = logging.getLogger(__name__)

EMPTY_MENTION = "Ask me something about the story right after mentioning me, or use `/ask`; `/help` has examples."
NO_TEXT = "That message has no text I can read as a question."


class Ask(commands.Cog):
    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot
        # Context menu commands cannot be declared with a decorator inside a cog; they are added to the tree here.
        self.menu = app_commands.ContextMenu(
            name="Ask StoryBot",
            callback=self.ask_message,
            allowed_contexts=app_commands.AppCommandContext(guild=True, dm_channel=True),
            allowed_installs=app_commands.AppInstallationType(guild=True),
        )

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    async def answer(
        self,
        question: str,
        user_id: int,
        guild_id: int | None,
        *,
        channel_id: int | None = None,
        context: Context | None = None,
        locale: str | None = None,
        story: str | None = None,
    ) -> tuple[Reply, int | None]:
        """Ask the engine (with the conversation's context) of the story chosen, or of every story; the question
        and what became of it are noted for moderators. Returns the reply and the recorded question's id (for
        the feedback buttons)."""
        if context is None and channel_id is not None:
            context = self.bot.conversations.recall(channel_id, user_id)
        me = self.bot.user
        names = tuple(dict.fromkeys((me.name, me.display_name))) if me else ()  # "hey storybot, ..." is address
        stories = self.bot.stories
        answer = stories.ask(question, context, story=story, names=names)
        engine = stories.engine(answer.story.id) if answer.story else self.bot.engine
        question_id: int | None = None
        if worth_recording(answer):
            question_id = await self.record(AskedQuestion.of(answer, user_id, guild_id))
        topic = answer_topic(answer) if answer.answered else None
        remembered = with_story(context_of_topic(engine, topic), answer, stories) if topic else None
        if remembered is not None and channel_id is not None:
            self.bot.conversations.remember(channel_id, user_id, remembered)
        reply = answer_reply(answer, recorded=question_id is not None, locale=locale)
        return story_topic(reply, answer, stories), question_id

    async def record(self, item: AskedQuestion) -> int | None:
        """The recorded question's id (0 if the log keeps none), or None if it could not be recorded."""
        try:
            # A database write: off the event loop, so a busy disk never delays anyone's answer.
            ident = await asyncio.to_thread(self.bot.questions.record, item)
        except Exception:
            # Losing the note must not cost the reader their reply; the log still has it.
            log.exception("could not record a question: %r", item.question)
            return None
        return ident or 0

    @app_commands.command(name="ask", description="Ask a question about the story.")
    @app_commands.describe(
        question="What you want to know about the story, in your own words.",
        story="Which story to ask about (when there are several); pick one as you type.",
    )
    @app_commands.allowed_contexts(guilds=True, dms=True)
    @app_commands.allowed_installs(guilds=True)
    async def ask(self, interaction: discord.Interaction[StoryBot], question: str, story: str | None = None) -> None:
        chosen, known = await story_option(interaction, self.bot.stories, story)
        if not known:
            return
        wait = self.bot.cooldown.retry_after(interaction.user.id)
        if wait:
            await respond_privately(interaction, cooldown_text(wait))
            return
        await self.answer_interaction(interaction, question, chosen)

    @ask.autocomplete("story")
    async def story_autocomplete(
        self, interaction: discord.Interaction[StoryBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return story_choices(self.bot.stories, current)

    async def answer_interaction(
        self, interaction: discord.Interaction[StoryBot], question: str, story: str | None = None
    ) -> None:
        setting = await channel_setting(self.bot, interaction.channel_id)
        if setting.off:
            await respond_privately(interaction, SWITCHED_OFF)
            return
        reply, question_id = await self.answer(
            question,
            interaction.user.id,
            interaction.guild_id,
            channel_id=interaction.channel_id,
            locale=locale_of(interaction),
            story=story or setting.story,
        )
        await send_reply(interaction, reply, question_id=question_id)

    async def ask_message(self, interaction: discord.Interaction[StoryBot], message: discord.Message) -> None:
        """The message menu command: the selected message's text, asked as a question."""
        me = self.bot.user
        question = strip_mention(message.content, me.id) if me else message.content.strip()
        if not question:
            await respond_privately(interaction, NO_TEXT)
            return
        wait = self.bot.cooldown.retry_after(interaction.user.id)
        if wait:
            await respond_privately(interaction, cooldown_text(wait))
            return
        await self.answer_interaction(interaction, question)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Answer a message that mentions the bot (or any direct message), in a reply.

        Discord delivers the text of such messages without the privileged message content intent.
        """
        me = self.bot.user
        if me is None or message.author.bot or not is_for_me(message, me.id):
            return
        try:
            await self.answer_mention(message, me.id)
        except Exception:
            log.exception("answering a mention failed (message %s)", message.id)
            try:
                await message.reply(
                    "Sorry, something went wrong on my side. Please try again in a moment.",
                    allowed_mentions=discord.AllowedMentions.none(),
                    mention_author=False,
                )
            except discord.HTTPException:
                log.warning("could not apologise for message %s", message.id, exc_info=True)

    async def answer_mention(self, message: discord.Message, my_id: int) -> None:
        question = strip_mention(message.content, my_id)
        if not question:
            await reply_to_message(message, Reply(content=EMPTY_MENTION))
            return
        wait = self.bot.cooldown.retry_after(message.author.id)
        if wait:
            # A reply cannot be private; this one tidies itself away once the wait is over.
            await reply_to_message(message, Reply(content=cooldown_text(wait)), delete_after=wait + 5)
            return
        guild_id = message.guild.id if message.guild else None
        setting = await channel_setting(self.bot, message.channel.id)
        if setting.off:  # switched off here by moderators: mentions go unanswered, quietly
            return
        context = await self.context_of_message(message, my_id)
        # A reply to an answer from one of several stories follows up that story.
        resolved = message.reference.resolved if message.reference is not None else None
        followed = story_of_message(resolved, my_id) if isinstance(resolved, discord.Message) else None
        reply, question_id = await self.answer(
            question,
            message.author.id,
            guild_id,
            channel_id=message.channel.id,
            context=context,
            story=followed or setting.story,
        )
        await reply_to_message(message, reply, question_id=question_id)

    async def context_of_message(self, message: discord.Message, my_id: int) -> Context | None:
        """The answer a message replies to, or the answer its thread was started from (None: use the map)."""
        engine = self.bot.engine
        reference = message.reference
        if reference is not None and isinstance(reference.resolved, discord.Message):
            followed = story_of_message(reference.resolved, my_id)
            if followed is not None and followed in self.bot.stories.engines:
                engine = self.bot.stories.engines[followed]
            found = context_from_message(reference.resolved, engine, my_id)
            if found is not None:
                return found
        channel = message.channel
        if isinstance(channel, discord.Thread):
            starter = channel.starter_message
            if starter is None and isinstance(channel.parent, discord.TextChannel):
                try:  # a thread started from a message has that message's id
                    starter = await channel.parent.fetch_message(channel.id)
                except discord.HTTPException:
                    starter = None
            return context_from_message(starter, engine, my_id)
        return None


def locale_of(interaction: discord.Interaction[StoryBot]) -> str | None:
    """The asker's Discord locale ("es-ES"), for the one note written in it."""
    locale = interaction.locale
    return locale.value if isinstance(locale, discord.Locale) else None


def is_for_me(message: discord.Message, my_id: int) -> bool:
    """A direct message, or one that mentions the bot by name or by replying to it with a ping."""
    if message.guild is None:
        return True
    if mention_pattern(my_id).search(message.content):
        return True
    # Replying to the bot with the ping on lists it in `mentions` without writing <@id> in the text.
    return any(user.id == my_id for user in message.mentions)


async def setup(bot: StoryBot) -> None:
    await bot.add_cog(Ask(bot))
