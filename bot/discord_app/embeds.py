"""Turning engine results into Discord messages: the one module that knows both sides.

Pure: no client, no network. Everything returned fits Discord's limits (see `limits`), so a long answer
or a prolific speaker is shortened here, visibly, rather than rejected by Discord.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import discord

from bot.answering.answer import LOW_CONFIDENCE, Answer, Outcome, QuoteResult, QuoteView, Suggestion
from bot.answering.help_text import ABOUT
from bot.answering.language import polite_reply
from bot.discord_app import limits
from bot.discord_app.limits import trim
from bot.discord_app.safety import escape_knowledge_text, escape_user_text, neutralise_fences
from bot.knowledge.model import KnowledgeBase, Source

FAIRLY_SURE = 0.6  # an answer under LOW_CONFIDENCE says "Fairly sure" above this, "Not sure" below
MAX_SUGGESTIONS = 3
QUOTES_PER_PAGE = 5

# Room for each part of an answer embed, chosen so that the answer, its evidence, its source and a few
# quotes always fit together in Discord's 6,000 characters per message, however long any one of them is.
ANSWER_ROOM = 1500
EVIDENCE_ROOM = 1500
QUESTION_ROOM = 300
QUOTE_BLOCK_ROOM = 3000  # one quote on a /quote page
# The first view of an answer fits a phone screen without scrolling: about 600 characters in all.
FIRST_VIEW_ROOM = 600
FIRST_ANSWER_ROOM = 450  # the answer itself; the longest curated answers (~500) are cut at a sentence
MIN_EVIDENCE_ROOM = 100  # a sentence of evidence is always shown, even after a long answer
STORY_ROOM = 100  # the story's title, named under the answer

_SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"'”’)\]]))\s+(?=[\"“‘(\[]?[A-Z0-9])")
_STRAIGHT = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
_WORDS = re.compile(r"[a-z0-9']+")
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
    topic: str | None = None  # for an answer: what it is about ("e:<entry>", "s:<speaker>"), for feedback
    expandable: bool = False  # for an answer: "Show evidence and quotes" has more to show


def percent(confidence: float) -> str:
    return f"{round(max(0.0, min(1.0, confidence)) * 100)}%"


def block_quote(text: str) -> str:
    """Markdown block quote; every line needs its own marker."""
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.splitlines() or [""])


def attribution(view: QuoteView, *, with_name: bool = True) -> str:
    """'— **Ana Reyes**, deputy director, Friends of the River', then the source's own wording when it has one."""
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


def answer_reply(answer: Answer, *, recorded: bool = False, locale: str | None = None) -> Reply:
    """The whole reply to a question, whatever the engine made of it.

    `recorded` says the question was noted for moderators, which a declined reply tells the reader;
    `locale` (Discord's, e.g. "es-ES") chooses the language of the note for questions not in English.
    """
    if answer.parts:
        return parts_reply(answer)
    if answer.answered:
        return Reply(embeds=(answer_embed(answer),), topic=answer_topic(answer), expandable=bool(more_of(answer)))
    if answer.outcome is Outcome.DECLINED:
        return decline_reply(answer, recorded=recorded)
    if answer.outcome is Outcome.OTHER_LANGUAGE:  # a short note for the asker alone, nothing to press
        return Reply(content=polite_reply(locale), private=True)
    # Small talk and unusable input: a plain, friendly line; unusable input only to the person who sent it.
    text = trim(escape_knowledge_text(answer.text), limits.CONTENT)
    if answer.outcome is Outcome.INVALID:
        return Reply(content=text, private=True)
    return Reply(content=text, suggestions=answer.suggestions[:MAX_SUGGESTIONS])


def answer_topic(answer: Answer) -> str | None:
    """ "e:<entry id>" or "s:<speaker id>": what an answer is about, which its buttons carry."""
    if answer.outcome is Outcome.QUOTES and answer.speaker_id:
        return f"s:{answer.speaker_id}"
    return f"e:{answer.entry.id}" if answer.entry is not None else None


def parts_reply(answer: Answer) -> Reply:
    """A message that asked several things: the first view of each answered part, and one line per part the
    story does not answer, all in one message (first views are short: three fit well within 6,000)."""
    answered = [part for part in answer.parts if part.answered]
    declined = [part for part in answer.parts if not part.answered]
    embeds = [answer_embed(part) for part in answered]
    if declined:
        lines = "\n".join(f"• {trim(escape_user_text(part.question), 150)}" for part in declined)
        text = trim(f"**The story doesn't say, as far as I can tell:**\n{lines}", UNANSWERED_ROOM - 10)
        embeds.append(discord.Embed(description=text, colour=COLOUR_DECLINE))
    return Reply(embeds=tuple(embeds))


# ---------------------------------------------------------------------- sentences, each shown once


def sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_BREAK.split(text.strip()) if part.strip()]


def _plain(text: str) -> str:
    """A sentence as compared for repeats: case, curly quotes, spacing and outer punctuation folded away."""
    text = text.translate(_STRAIGHT).lower()
    return " ".join(text.split()).strip(" .,;:!?\"'…")


def _shown_in(sentence: str, shown: Sequence[str]) -> bool:
    plain = _plain(sentence)
    return bool(plain) and any(plain in seen for seen in shown)


def best_evidence(answer: Answer) -> tuple[str, Source] | None:
    """The evidence sentence that backs the answer best, and is not already part of it.

    Curators put an entry's main evidence first, so the first excerpt with anything new is the one read;
    of its sentences, the one sharing most words with the answer.
    """
    said = [_plain(answer.text)]
    answer_words = set(_WORDS.findall(said[0]))
    for view in answer.evidence:
        fresh = [s for s in sentences(view.excerpt) if not _shown_in(s, said)]
        if fresh:
            best = max(fresh, key=lambda s: len(set(_WORDS.findall(_plain(s))) & answer_words))
            return best, view.source
    return None


@dataclass(frozen=True, slots=True)
class More:
    """What "Show evidence and quotes" adds to the first view: nothing the reader has already seen."""

    evidence: tuple[tuple[str, Source], ...]  # excerpts, less sentences already shown
    quotes: tuple[QuoteView, ...]

    def __bool__(self) -> bool:
        return bool(self.evidence or self.quotes)


def first_view_sentences(answer: Answer) -> list[str]:
    if answer.outcome is Outcome.QUOTES:
        return [answer.text, *(sentences(answer.quotes[0].quote.text) if answer.quotes else [])]  # shown whole
    best = best_evidence(answer)
    return [trim(answer.text, FIRST_ANSWER_ROOM), *([best[0]] if best else [])]


def more_of(answer: Answer) -> More:
    """The evidence and quotes not in the first view, each sentence once (a quote wins over the same excerpt)."""
    shown = [_plain(s) for s in first_view_sentences(answer)]
    quotes: list[QuoteView] = []
    for view in answer.quotes[1:] if answer.outcome is Outcome.QUOTES else answer.quotes:
        parts = sentences(view.quote.text)
        if parts and all(_shown_in(p, shown) for p in parts):
            continue
        quotes.append(view)
        shown += [_plain(p) for p in parts]
    evidence: list[tuple[str, Source]] = []
    for excerpt in answer.evidence:
        left = [p for p in sentences(excerpt.excerpt) if not _shown_in(p, shown)]
        if left:
            evidence.append((" ".join(left), excerpt.source))
            shown += [_plain(p) for p in left]
    return More(tuple(evidence), tuple(quotes))


# ---------------------------------------------------------------------- the answer, first view and more


def confidence_word(confidence: float) -> str | None:
    """A word a reader sees at a glance when an answer is not a sure one; None when it is."""
    if confidence >= LOW_CONFIDENCE:
        return None
    return "Fairly sure" if confidence >= FAIRLY_SURE else "Not sure"


def answer_embed(answer: Answer) -> discord.Embed:
    """The first view of an answer, sized for a phone: what was understood, the answer, the single best
    sentence of evidence (or the first quote), the story named, and a confidence word when not sure."""
    word = confidence_word(answer.confidence)
    title = f"Answering: {answer.matched_question}" if answer.matched_question else "From the story"
    embed = discord.Embed(title=trim(title, limits.EMBED_TITLE), colour=COLOUR_DOUBT if word else COLOUR_ANSWER)
    parts: list[str] = []
    if word:
        parts.append(f"⚠️ **{word}** this is what you asked (confidence {percent(answer.confidence)}); rephrase if not.")
    parts.append(trim(escape_knowledge_text(answer.text), FIRST_ANSWER_ROOM))
    source: Source | None = None
    if answer.outcome is Outcome.QUOTES and answer.quotes:
        first = answer.quotes[0]
        source = first.source
        backing = quote_block(first, _room_left(title, parts, source))
    else:
        best = best_evidence(answer)
        backing = ""
        if best is not None:
            sentence, source = best
            room = _room_left(title, parts, source) - 2
            spoken = _quote_saying(answer, sentence)  # a quote is never shown without who said it
            if spoken is not None:
                credit = attribution(spoken)
                backing = block_quote(trim(escape_knowledge_text(sentence), room - len(credit) - 1)) + f"\n{credit}"
            else:
                backing = block_quote(trim(escape_knowledge_text(sentence), room))
    if backing:
        parts.append(backing)
    if source is None and answer.evidence:
        source = answer.evidence[0].source
    if answer.story is not None and (source is None or answer.story.title != source.title):
        parts.append(f"📰 *{escape_knowledge_text(trim(answer.story.title, STORY_ROOM))}*")  # one of several stories
    elif source is not None:
        parts.append(story_line(source))
    embed.description = trim("\n".join(parts), limits.EMBED_DESCRIPTION)
    return embed


def _quote_saying(answer: Answer, sentence: str) -> QuoteView | None:
    """The answer's quote that an evidence sentence repeats (in part), if any."""
    plain = _plain(sentence)
    return next((view for view in answer.quotes if plain and plain in _plain(view.quote.text)), None)


def story_line(source: Source) -> str:
    return f"📰 *{escape_knowledge_text(trim(source.title, STORY_ROOM))}*"


def _room_left(title: str, parts: Sequence[str], source: Source | None) -> int:
    """Room for the evidence sentence within the first view's budget, and never less than a sentence needs."""
    used = len(title) + sum(len(p) + 1 for p in parts) + (len(story_line(source)) + 1 if source else 0)
    return max(FIRST_VIEW_ROOM - used, MIN_EVIDENCE_ROOM)


def more_embed(answer: Answer) -> discord.Embed:
    """Everything behind an answer the first view left out: the rest of the evidence, the quotes, the sources."""
    more = more_of(answer)
    title = f"Evidence and quotes: {answer.matched_question}" if answer.matched_question else "Evidence and quotes"
    embed = discord.Embed(title=trim(title, limits.EMBED_TITLE), colour=COLOUR_ANSWER)
    if more.evidence:
        room = EVIDENCE_ROOM // len(more.evidence)
        excerpts = [block_quote(trim(escape_knowledge_text(text), room - 8)) for text, _ in more.evidence]
        embed.description = trim("**What the story says:**\n" + "\n\n".join(excerpts), limits.EMBED_DESCRIPTION)
    elif more.quotes:
        embed.description = "**What was said, word for word:**"
    else:
        embed.description = "The first answer already showed everything the story says about this."
    embed.set_footer(text="Answers come only from the curated story, in its own words.")

    sources = _unique_sources([src for _, src in more.evidence] + [q.source for q in more.quotes])
    if not sources:
        sources = _unique_sources(e.source for e in answer.evidence)
    source_field = _sources_field(sources)
    reserve = sum(len(part) for part in source_field) if source_field else 0
    more_note_room = 80
    shown = 0
    for view in more.quotes:
        if len(embed.fields) >= limits.EMBED_FIELDS - 2:
            break
        name = trim(view.speaker, limits.FIELD_NAME)
        value = quote_block(view, limits.FIELD_VALUE, with_name=False)
        if not _fits(embed, name, value, reserve=reserve + more_note_room):
            break
        embed.add_field(name=name, value=value, inline=False)
        shown += 1
    if shown < len(more.quotes):
        missing = len(more.quotes) - shown
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


def sources_embed(kb: KnowledgeBase, *, title: str | None = None) -> discord.Embed:
    """Every source StoryBot answers from (`title`: the story they are of, when there are several)."""
    embed = discord.Embed(
        title=trim(f"Sources: {title}", limits.EMBED_TITLE) if title else "Sources",
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


def help_embed(examples: Sequence[str] = (), stories: Sequence[str] = ()) -> discord.Embed:
    """What StoryBot can do, questions to try, and with several stories which they are (their titles)."""
    embed = discord.Embed(title="StoryBot", description=ABOUT, colour=COLOUR_ANSWER)
    commands = [
        ("/ask question", "Ask about the story. If the story doesn't say, I'll say so and suggest what I can answer."),
        ("Follow-ups", 'Ask "what did she say?" or "tell me more" next, or reply to one of my answers.'),
        ("/quote person", "Everything someone in the story said, word for word. Names are suggested as you type."),
        ("/sources", "The sources I answer from."),
        ("@StoryBot question", "Mention me with a question, and I'll reply."),
        ("Apps → Ask StoryBot", "Right-click (or long-press) a message to ask its text as a question."),
        (
            "/kb …",
            "Moderators: /kb teach, /kb add, /kb quote, /kb edit, /kb remove, /kb undo and /kb history keep the "
            "knowledge base; /kb unanswered, /kb review and /kb stats show what readers asked and what they "
            "marked not right; /kb reload reloads it from disk.",
        ),
    ]
    for name, value in commands:
        embed.add_field(name=name, value=value, inline=False)
    if examples:
        shown = "\n".join(f"• {trim(escape_knowledge_text(example), 200)}" for example in examples[:5])
        embed.add_field(name="Try asking", value=trim(shown, limits.FIELD_VALUE), inline=False)
    if len(stories) > 1:
        listed = trim("\n".join(f"• {escape_knowledge_text(t)}" for t in stories), limits.FIELD_VALUE)
        embed.add_field(name="Stories (pick one with /ask story:)", value=listed, inline=False)
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
