"""Turning engine results into Discord messages: the one module that knows both sides.

Pure: no client, no network. Everything returned fits Discord's limits (see `limits`), so a long answer
or a prolific speaker is shortened here, visibly, rather than rejected by Discord.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import discord

from bot.answering.answer import Answer, Outcome, QuoteResult, QuoteView, Suggestion
from bot.discord_app import limits
from bot.discord_app.limits import trim
from bot.discord_app.safety import escape_knowledge_text, escape_user_text, neutralise_fences
from bot.knowledge.model import KnowledgeBase, Source

LOW_CONFIDENCE = 0.75  # below this an answer carries a visible caution
MAX_SUGGESTIONS = 3
QUOTES_PER_PAGE = 5

# Room for each part of an answer embed, chosen so that the answer, its evidence, its source and a few
# quotes always fit together in Discord's 6,000 characters per message, however long any one of them is.
ANSWER_ROOM = 1500
EVIDENCE_ROOM = 1500
QUESTION_ROOM = 300
QUOTE_BLOCK_ROOM = 3000  # one quote on a /quote page
UNANSWERED_ROOM = 700  # in a reply to several questions, the list of those the story does not answer

COLOUR_ANSWER = discord.Colour.blurple()
COLOUR_DOUBT = discord.Colour.gold()
COLOUR_DECLINE = discord.Colour.light_grey()

OUTLET_UNKNOWN = "outlet not stated"
APOLOGY = "Sorry, something went wrong on my side. It has been logged; please try again in a moment."
NOT_MODERATOR = "Only moderators (Manage Server permission or a moderator role) can do that."
GUILD_ONLY = "That only works in a server."


@dataclass(frozen=True, slots=True)
class Reply:
    """What to send back: text and/or embeds, and any suggestions to offer as buttons."""

    content: str | None = None
    embeds: tuple[discord.Embed, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    private: bool = False  # ephemeral, where the reply answers an interaction


def percent(confidence: float) -> str:
    return f"{round(max(0.0, min(1.0, confidence)) * 100)}%"


def block_quote(text: str) -> str:
    """Markdown block quote; every line needs its own marker."""
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.splitlines() or [""])


def attribution(view: QuoteView, *, with_name: bool = True) -> str:
    """'— **Evan Greer**, deputy director, Fight for Our Future', then the source's own wording when it has one."""
    parts = [f"**{escape_knowledge_text(view.speaker)}**"] if with_name else []
    if view.role:
        parts.append(escape_knowledge_text(view.role))
    credit = f"— {', '.join(parts)}" if parts else ""
    if view.quote.attribution_note:
        credit += f"\n*{escape_knowledge_text(view.quote.attribution_note)}*"
    return credit.strip()


def quote_block(view: QuoteView, room: int, *, with_name: bool = True) -> str:
    """A verbatim quote as a block quote with its attribution, in at most `room` characters.

    Only the quote's words are shortened (with an ellipsis); the attribution always stays whole.
    `with_name=False` leaves the speaker's name out, for a field whose name already says it.
    """
    credit = attribution(view, with_name=with_name)
    words_room = max(room - len(credit) - 8, 16)
    words = trim(escape_knowledge_text(view.quote.text), words_room)
    block = block_quote(f"“{words}”")
    return trim(f"{block}\n{credit}" if credit else block, room)


def describe_source(source: Source, *, with_title: bool = True) -> str:
    """Title, outlet (or that the story does not say), author, date and link where known."""
    lines = [f"**{escape_knowledge_text(source.title)}**"] if with_title else []
    details = [escape_knowledge_text(source.outlet) if source.outlet else OUTLET_UNKNOWN]
    if source.author:
        details.append(f"by {escape_knowledge_text(source.author)}")
    if source.date:
        details.append(escape_knowledge_text(source.date))
    lines.append(" · ".join(details))
    if source.url:
        lines.append(f"<{source.url}>")
    return trim("\n".join(lines), limits.FIELD_VALUE)


def _unique_sources(sources: Iterable[Source]) -> list[Source]:
    seen: dict[str, Source] = {}
    for source in sources:
        seen.setdefault(source.id, source)
    return list(seen.values())


def _sources_field(sources: Sequence[Source]) -> tuple[str, str] | None:
    if not sources:
        return None
    name = "Source" if len(sources) == 1 else "Sources"
    return name, trim("\n\n".join(describe_source(s) for s in sources), limits.FIELD_VALUE)


def _fits(embed: discord.Embed, *extra: str, reserve: int = 0) -> bool:
    return len(embed) + sum(len(part) for part in extra) + reserve <= limits.EMBED_TOTAL


def answer_reply(answer: Answer, *, recorded: bool = False) -> Reply:
    """The whole reply to a question, whatever the engine made of it.

    `recorded` says the question was noted for moderators, which a declined reply tells the reader.
    """
    if answer.parts:
        return parts_reply(answer)
    if answer.answered:
        return Reply(embeds=(answer_embed(answer),))
    if answer.outcome is Outcome.DECLINED:
        return decline_reply(answer, recorded=recorded)
    # Small talk and unusable input: a plain, friendly line; unusable input only to the person who sent it.
    text = trim(escape_knowledge_text(answer.text), limits.CONTENT)
    if answer.outcome is Outcome.INVALID:
        return Reply(content=text, private=True)
    return Reply(content=text, suggestions=answer.suggestions[:MAX_SUGGESTIONS])


def parts_reply(answer: Answer) -> Reply:
    """A message that asked several things: an embed per answered part, and one line per part the story
    does not answer, all in one message (Discord's 6,000 characters shared out between them)."""
    answered = [part for part in answer.parts if part.answered]
    declined = [part for part in answer.parts if not part.answered]
    room = (limits.EMBED_TOTAL - (UNANSWERED_ROOM if declined else 0)) // max(len(answered), 1)
    embeds = [answer_embed(part, room=room) for part in answered]
    if declined:
        lines = "\n".join(f"• {trim(escape_user_text(part.question), 150)}" for part in declined)
        text = trim(f"**The story doesn't say, as far as I can tell:**\n{lines}", UNANSWERED_ROOM - 10)
        embeds.append(discord.Embed(description=text, colour=COLOUR_DECLINE))
    return Reply(embeds=tuple(embeds))


def _shrink(embed: discord.Embed, room: int) -> discord.Embed:
    """Fit an embed into `room` characters: quotes go first, then the source, then the description shortens."""
    while len(embed) > room and embed.fields:
        embed.remove_field(len(embed.fields) - 2 if len(embed.fields) > 1 else 0)
    if len(embed) > room and embed.description:
        embed.description = trim(embed.description, max(len(embed.description) - (len(embed) - room), 1))
    return embed


def answer_embed(answer: Answer, *, room: int = limits.EMBED_TOTAL) -> discord.Embed:
    """An answer with what the bot understood, its evidence, related quotes and the source named.

    `room` is the share of a message's characters it may take (several answers can share one message).
    """
    if room < limits.EMBED_TOTAL:
        return _shrink(answer_embed(answer), room)
    doubtful = answer.confidence < LOW_CONFIDENCE
    title = f"Answering: {answer.matched_question}" if answer.matched_question else "From the story"
    embed = discord.Embed(
        title=trim(title, limits.EMBED_TITLE),
        colour=COLOUR_DOUBT if doubtful else COLOUR_ANSWER,
    )
    parts: list[str] = []
    if doubtful:
        parts.append(
            f"⚠️ *I'm not sure this is what you asked (confidence {percent(answer.confidence)}). "
            "Check the question above; rephrase if it is not yours.*"
        )
    parts.append(trim(escape_knowledge_text(answer.text), ANSWER_ROOM))
    if answer.evidence:
        room = EVIDENCE_ROOM // len(answer.evidence)
        excerpts = [block_quote(trim(escape_knowledge_text(e.excerpt), room - 8)) for e in answer.evidence]
        parts.append("**What the story says:**\n" + "\n\n".join(excerpts))
    embed.description = trim("\n\n".join(parts), limits.EMBED_DESCRIPTION)
    embed.set_footer(text=f"Confidence {percent(answer.confidence)} · answers come only from the curated story")

    sources = _unique_sources([e.source for e in answer.evidence] + [q.source for q in answer.quotes])
    source_field = _sources_field(sources)
    reserve = sum(len(part) for part in source_field) if source_field else 0
    more_note_room = 80
    shown = 0
    for view in answer.quotes:
        if len(embed.fields) >= limits.EMBED_FIELDS - 2:
            break
        name = trim(view.speaker, limits.FIELD_NAME)
        value = quote_block(view, limits.FIELD_VALUE, with_name=False)
        if not _fits(embed, name, value, reserve=reserve + more_note_room):
            break
        embed.add_field(name=name, value=value, inline=False)
        shown += 1
    if shown < len(answer.quotes):
        missing = len(answer.quotes) - shown
        embed.add_field(
            name="More quotes",
            value=f"{missing} more not shown here; `/quote` lists everything a person said.",
            inline=False,
        )
    if source_field:
        embed.add_field(name=source_field[0], value=source_field[1], inline=False)
    return embed


def decline_reply(answer: Answer, *, recorded: bool = False) -> Reply:
    """A kind 'the story does not say', with up to three questions it can answer instead."""
    suggestions = answer.suggestions[:MAX_SUGGESTIONS]
    parts = []
    if answer.question.strip():
        parts.append(f"**You asked:** {trim(escape_user_text(answer.question), QUESTION_ROOM)}")
    parts.append(escape_knowledge_text(answer.text))
    if suggestions:
        offers = "\n".join(f"• {trim(escape_knowledge_text(s.question), 300)}" for s in suggestions)
        parts.append(f"{offers}\n*Press a button below to get that answer.*")
    embed = discord.Embed(description=trim("\n\n".join(parts), limits.EMBED_DESCRIPTION), colour=COLOUR_DECLINE)
    if recorded:
        embed.set_footer(text="Your question was noted (without your messages) so moderators can see what is missing.")
    return Reply(embeds=(embed,), suggestions=suggestions)


def quote_pages(result: QuoteResult) -> list[discord.Embed]:
    """Everything a person said, verbatim and attributed, a few quotes per page; or who to try instead."""
    if not result.quotes:
        return [no_quotes_embed(result)]
    title = trim(f"Quotes: {result.speaker}" if result.speaker else "Quotes", limits.EMBED_TITLE)
    pages: list[list[QuoteView]] = []
    blocks: list[list[str]] = []
    for view in result.quotes:
        block = quote_block(view, QUOTE_BLOCK_ROOM)
        if pages and len(pages[-1]) < QUOTES_PER_PAGE:
            length = sum(len(b) + 2 for b in blocks[-1]) + len(block)
            if length <= limits.EMBED_DESCRIPTION:
                pages[-1].append(view)
                blocks[-1].append(block)
                continue
        pages.append([view])
        blocks.append([block])
    embeds = []
    for number, (views, page_blocks) in enumerate(zip(pages, blocks, strict=True), start=1):
        description = "\n\n".join(page_blocks)
        embed = discord.Embed(title=title, description=description, colour=COLOUR_ANSWER)
        source_field = _sources_field(_unique_sources(v.source for v in views))
        if source_field:
            embed.add_field(name=source_field[0], value=source_field[1], inline=False)
        count = len(result.quotes)
        embed.set_footer(
            text=f"Page {number} of {len(pages)} · {count} quote{'s' if count != 1 else ''}, verbatim from the source"
        )
        embeds.append(embed)
    return embeds


def no_quotes_embed(result: QuoteResult) -> discord.Embed:
    parts = [escape_knowledge_text(result.message)]
    if result.suggestions:
        names = "\n".join(f"• {trim(escape_knowledge_text(name), 200)}" for name in result.suggestions[:10])
        parts.append(f"**Did you mean:**\n{names}")
    if result.query.strip():
        parts.append(f"**You looked up:** {trim(escape_user_text(result.query), QUESTION_ROOM)}")
    embed = discord.Embed(
        title=trim(f"No quotes from {result.speaker}" if result.speaker else "Nobody by that name", limits.EMBED_TITLE),
        description=trim("\n\n".join(parts), limits.EMBED_DESCRIPTION),
        colour=COLOUR_DECLINE,
    )
    embed.set_footer(text="Pick a name from the list that /quote offers as you type.")
    return embed


def sources_embed(kb: KnowledgeBase) -> discord.Embed:
    """Every source StoryBot answers from."""
    embed = discord.Embed(
        title="Sources",
        description="Every answer and quote comes word for word from these.",
        colour=COLOUR_ANSWER,
    )
    sources = list(kb.sources.values())
    room = limits.EMBED_FIELDS - 1
    for source in sources[:room]:
        value = describe_source(source, with_title=False)
        if source.note:
            value = trim(f"{value}\n{escape_knowledge_text(source.note)}", limits.FIELD_VALUE)
        name = trim(source.title, limits.FIELD_NAME)
        if not _fits(embed, name, value, reserve=100):
            break
        embed.add_field(name=name, value=value, inline=False)
    if len(embed.fields) < len(sources):
        embed.add_field(name="…", value=f"and {len(sources) - len(embed.fields)} more.", inline=False)
    return embed


def help_embed(examples: Sequence[str] = ()) -> discord.Embed:
    embed = discord.Embed(
        title="StoryBot",
        description=(
            "I answer questions about one news story, only from what the story says, "
            "with the sentences and quotes that back each answer."
        ),
        colour=COLOUR_ANSWER,
    )
    commands = [
        ("/ask question", "Ask about the story. If the story doesn't say, I'll say so and suggest what I can answer."),
        ("/quote person", "Everything someone in the story said, word for word. Names are suggested as you type."),
        ("/sources", "The sources I answer from."),
        ("@StoryBot question", "Mention me with a question, and I'll reply."),
        ("Apps → Ask StoryBot", "Right-click (or long-press) a message to ask its text as a question."),
        (
            "/kb …",
            "Moderators: /kb teach, /kb add, /kb quote, /kb edit, /kb remove, /kb undo and /kb history keep the "
            "knowledge base; /kb unanswered and /kb stats show what readers asked; /kb reload reloads it from disk.",
        ),
    ]
    for name, value in commands:
        embed.add_field(name=name, value=value, inline=False)
    if examples:
        shown = "\n".join(f"• {trim(escape_knowledge_text(example), 200)}" for example in examples[:5])
        embed.add_field(name="Try asking", value=trim(shown, limits.FIELD_VALUE), inline=False)
    return embed


def cooldown_text(seconds: float) -> str:
    wait = max(1, math.ceil(seconds))
    return f"You're asking quickly; please wait {wait} second{'s' if wait != 1 else ''} and try again."


def reload_done_text(kb: KnowledgeBase) -> str:
    return (
        f"Knowledge base reloaded: {len(kb.sources)} sources, {len(kb.speakers)} people, "
        f"{len(kb.quotes)} quotes, {len(kb.entries)} entries."
    )


def reload_failed_text(problems: Sequence[str]) -> str:
    """Why a reload was refused, as many problems as fit in one message, in a code block."""
    count = len(problems)
    head = (
        f"**Not reloaded:** the knowledge base on disk has {count} problem{'s' if count != 1 else ''}, "
        "so I'm still answering from the previous one.\n"
    )
    room = limits.CONTENT - len(head) - len("```\n\n```") - 40  # 40: the "… and N more" line
    shown: list[str] = []
    for problem in problems:
        line = trim(neutralise_fences(problem), 300)
        if sum(len(s) + 1 for s in shown) + len(line) > room:
            break
        shown.append(line)
    hidden = count - len(shown)
    if hidden:
        shown.append(f"… and {hidden} more")
    return head + "```\n" + "\n".join(shown) + "\n```"
