"""Questions: /ask, the "Ask StoryBot" message menu command, and mentions of the bot."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.question_log import AskedQuestion, worth_recording
from bot.discord_app.embeds import Reply, answer_reply, cooldown_text
from bot.discord_app.safety import mention_pattern, strip_mention
from bot.discord_app.views import reply_to_message, respond_privately, send_reply

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

    async def answer(self, question: str, user_id: int, guild_id: int | None) -> Reply:
        """Ask the engine; the question and what became of it are noted for moderators."""
        me = self.bot.user
        names = tuple(dict.fromkeys((me.name, me.display_name))) if me else ()  # "hey storybot, ..." is address
        answer = self.bot.engine.ask(question, names)
        recorded = False
        if worth_recording(answer):
            recorded = await self.record(AskedQuestion.of(answer, user_id, guild_id))
        return answer_reply(answer, recorded=recorded)

    async def record(self, item: AskedQuestion) -> bool:
        try:
            # A database write: off the event loop, so a busy disk never delays anyone's answer.
            await asyncio.to_thread(self.bot.questions.record, item)
        except Exception:
            # Losing the note must not cost the reader their reply; the log still has it.
            log.exception("could not record a question: %r", item.question)
            return False
        return True

    @app_commands.command(name="ask", description="Ask a question about the story.")
    @app_commands.describe(question="What you want to know about the story, in your own words.")
    @app_commands.allowed_contexts(guilds=True, dms=True)
    @app_commands.allowed_installs(guilds=True)
    async def ask(self, interaction: discord.Interaction[StoryBot], question: str) -> None:
        wait = self.bot.cooldown.retry_after(interaction.user.id)
        if wait:
            await respond_privately(interaction, cooldown_text(wait))
            return
        await send_reply(interaction, await self.answer(question, interaction.user.id, interaction.guild_id))

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
        await send_reply(interaction, await self.answer(question, interaction.user.id, interaction.guild_id))

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
        await reply_to_message(message, await self.answer(question, message.author.id, guild_id))


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
