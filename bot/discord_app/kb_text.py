"""What moderators read: changes, history, refusals, statistics and the unanswered list, fitted to Discord.

Pure: no client, no network. The moderators' counterpart of `embeds`; everything returned fits Discord's limits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import discord

from bot.answering.answer import LOW_CONFIDENCE
from bot.curation.store import Change, Rates, Stats, UnansweredGroup
from bot.curation.teaching import TeachPreview
from bot.discord_app import limits
from bot.discord_app.embeds import COLOUR_ANSWER, COLOUR_DECLINE, block_quote, percent
from bot.discord_app.limits import trim
from bot.discord_app.safety import escape_knowledge_text, escape_user_text, neutralise_fences, quiet_mentions
from bot.knowledge.loader import Problem
from bot.knowledge.verbatim import Alignment

PERIODS: dict[str, timedelta | None] = {
    "day": timedelta(days=1),
    "week": timedelta(days=7),
    "month": timedelta(days=30),
    "all": None,
}
PERIOD_NAMES = {"day": "the last 24 hours", "week": "the last 7 days", "month": "the last 30 days", "all": "all time"}
PROBLEM_ROOM = 300  # characters of one problem line
UNDO_HINT = "`/kb undo` reverts it"


def since(period: str, now: datetime | None = None) -> datetime | None:
    """The start of a named period ("day", "week", "month"; "all": None), in UTC."""
    length = PERIODS[period]
    return None if length is None else (now or datetime.now(UTC)) - length


def problem_line(problem: Problem, directory: Path) -> str:
    """'entries/companies.yaml:12:5: …': a file named inside the knowledge folder, which is what moderators edit."""
    try:
        file = Path(problem.file).resolve().relative_to(directory.resolve()).as_posix()
    except ValueError:
        file = problem.file
    return f"{file}:{problem.line}:{problem.column}: {problem.message}"


def problems_block(lines: Sequence[str], room: int) -> str:
    """Problems in a code block, as many as fit in `room` characters, then how many more there are."""
    shown: list[str] = []
    used = len("```\n\n```") + 40  # 40: the "… and N more" line
    for line in lines:
        line = trim(neutralise_fences(line), PROBLEM_ROOM)
        if used + len(line) + 1 > room:
            break
        shown.append(line)
        used += len(line) + 1
    hidden = len(lines) - len(shown)
    if hidden:
        shown.append(f"… and {hidden} more")
    return "```\n" + "\n".join(shown) + "\n```"


def problems_text(head: str, lines: Sequence[str]) -> str:
    """A heading and the problems under it, within one message."""
    head = trim(head, limits.CONTENT // 2)
    return head + "\n" + problems_block(lines, limits.CONTENT - len(head) - 1)


def moment(at: datetime) -> str:
    """A time every reader sees in their own time zone and language, e.g. "3 minutes ago"."""
    return f"<t:{int(at.timestamp())}:R>"


def author(change: Change) -> str:
    name = escape_user_text(change.user_name) if change.user_name else "someone"
    return f"{name} (<@{change.user_id}>)" if change.user_id else name


def change_line(change: Change) -> str:
    """One line of /kb history: id, when, who, what."""
    undone = f" *(undone by change {change.undone_by})*" if change.undone_by else ""
    summary = quiet_mentions(trim(change.summary, 300))
    return f"`{change.id}` · {moment(change.at)} · {author(change)}: {summary}{undone}"


def change_note(change: Change) -> str:
    """The moderators' log line for a change (mentions render as names and ping nobody)."""
    return trim(
        f"📝 {author(change)} — {quiet_mentions(change.summary)} (change {change.id}; "
        f"`/kb undo change:{change.id}` reverts it)",
        limits.CONTENT,
    )


def done_text(change: Change, *, live: bool = True, problems: Sequence[str] = ()) -> str:
    """What the moderator who made a change reads."""
    text = f"**Saved:** {quiet_mentions(trim(change.summary, 1000))} (change {change.id}; {UNDO_HINT})."
    if live:
        return text + " It is live now."
    return problems_text(
        text + "\nIt is **not live yet**: other files in the knowledge folder have problems, so I keep answering "
        "from the previous version until they are fixed:",
        problems,
    )


def rejected_text(message: str, problems: Sequence[str], closest: str | None) -> str:
    """Why an edit was refused, with the closest passage of the source when words were not verbatim."""
    parts = [f"**Not saved:** {quiet_mentions(trim(message, 1200))}"]
    if closest and " ".join(closest.split()) not in " ".join(message.split()):
        parts.append(
            "The closest passage in the source is:\n"
            + block_quote(escape_knowledge_text(trim(closest, 500)))
            + "\nCopy the words exactly (only spacing and straight or curly quotes may differ), then try again."
        )
    text = "\n".join(parts)
    if problems:
        text = problems_text(trim(text, limits.CONTENT // 2), problems)
    return trim(text, limits.CONTENT)


def history_embed(changes: Sequence[Change]) -> discord.Embed:
    embed = discord.Embed(title="Recent changes to the knowledge base", colour=COLOUR_ANSWER)
    if not changes:
        embed.description = "No changes yet. Edits from `/kb` commands are listed here."
        return embed
    lines: list[str] = []
    for change in changes:
        line = change_line(change)
        if sum(len(s) + 1 for s in lines) + len(line) + 60 > limits.EMBED_DESCRIPTION:
            lines.append(f"… and {len(changes) - len(lines)} older")
            break
        lines.append(line)
    embed.description = "\n".join(lines)
    embed.set_footer(text="Newest first. /kb undo reverts the last change, or one by its number.")
    return embed


def stats_embed(
    stats: Stats,
    period: str,
    entry_labels: dict[str, str],
    *,
    rates: Rates | None = None,
    declined: Sequence[UnansweredGroup] = (),
) -> discord.Embed:
    """Questions asked, answered and declined over a period, the entries that answered most, and, given
    `rates` and `declined`, the low-confidence share and the declined questions asked most."""
    embed = discord.Embed(title=f"Questions in {PERIOD_NAMES[period]}", colour=COLOUR_ANSWER)
    if rates is not None and rates.asked:
        embed.description = (
            f"**{rates.asked}** asked · **{rates.answered}** answered ({percent(rates.share(rates.answered))}) · "
            f"**{rates.declined}** declined ({percent(rates.share(rates.declined))}) · "
            f"**{rates.low_confidence}** answered with low confidence ({percent(rates.share(rates.low_confidence))}"
            f", under {percent(LOW_CONFIDENCE)} sure)"
        )
    elif stats.asked:
        share = percent(stats.answered / stats.asked)
        embed.description = (
            f"**{stats.asked}** asked · **{stats.answered}** answered ({share}) · **{stats.declined}** declined"
        )
    else:
        embed.description = "No questions in this period."
    verdicts = stats.helpful + stats.not_right
    if verdicts:
        embed.add_field(
            name="Readers' feedback",
            value=f"**{stats.helpful}** helpful · **{stats.not_right}** not right "
            f"({percent(stats.helpful / verdicts)} helpful)"
            + (" · `/kb review` lists them" if stats.not_right else ""),
            inline=False,
        )
    if stats.top_entries:
        lines = []
        for entry_id, count in stats.top_entries:
            label = entry_labels.get(entry_id)
            shown = f"`{entry_id}`" + (f" — {escape_knowledge_text(trim(label, 80))}" if label else " *(removed)*")
            lines.append(f"**{count}×** {shown}")
        embed.add_field(name="Answered most often", value=trim("\n".join(lines), limits.FIELD_VALUE), inline=False)
    if declined:
        lines = [f"**{g.count}×** “{escape_user_text(trim(g.question, 120))}”" for g in declined]
        embed.add_field(
            name="Declined most often (waiting to be taught or dismissed)",
            value=trim("\n".join(lines), limits.FIELD_VALUE),
            inline=False,
        )
    if stats.declined:
        embed.set_footer(text="/kb unanswered lists the declined questions, to teach or dismiss.")
    return embed


def worklist_embed(
    title: str, empty: str, how: str, rows: Sequence[tuple[str, list[str]]], done: dict[int, str]
) -> discord.Embed:
    """A numbered list for moderators to work through (`how` says what its buttons do; `empty` what an empty
    list means): each row a field of its name and lines, and those in `done` (by index) marked with a note."""
    embed = discord.Embed(title=title, colour=COLOUR_DECLINE)
    embed.description = how if rows else empty
    for index, (name, lines) in enumerate(rows):
        marked = [f"✅ {done[index]}"] if index in done else []
        embed.add_field(
            name=trim(f"{index + 1}. {name}", limits.FIELD_NAME),
            value=trim("\n".join([*marked, *lines]), limits.FIELD_VALUE),
            inline=False,
        )
    return embed


def unanswered_embed(groups: Sequence[UnansweredGroup], period: str, done: dict[int, str]) -> discord.Embed:
    """The declined questions, most asked first, with their nearest entries; `done` marks handled groups."""
    how = (
        "Questions I declined, grouped when they ask the same thing. **Teach** adds the question as a phrasing "
        "of an entry (the nearest, or one you choose); **Dismiss** takes it off this list."
    )
    rows = [
        (f"“{escape_user_text(group.question)}” — asked {asked_times(group.count)}", unanswered_lines(group))
        for group in groups
    ]
    empty = "Nothing waiting: every question was answered, taught or dismissed."
    return worklist_embed(f"Unanswered questions ({PERIOD_NAMES[period]})", empty, how, rows, done)


def asked_times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def unanswered_lines(group: UnansweredGroup) -> list[str]:
    """How one group of declined questions was asked, what comes near it, and when."""
    lines = []
    if group.examples:
        wordings = "; ".join(f"“{escape_user_text(trim(e, 120))}”" for e in group.examples)
        lines.append(f"Also asked as: {wordings}")
    if group.nearest:
        nearest = ", ".join(f"`{s.entry_id}`" for s in group.nearest)
        lines.append(f"Nearest entries: {nearest}")
    else:
        lines.append("No entry comes close: `/kb add` makes a new one.")
    lines.append(f"Last asked {moment(group.last_asked)}")
    return lines


def teach_preview_text(preview: TeachPreview) -> str:
    """What teaching a question will do, for the moderator to confirm: the answer readers will get."""
    question = escape_user_text(trim(preview.question, 300))
    answer = block_quote(escape_knowledge_text(trim(preview.answer, 1200)))
    return trim(
        f"**Teach** “{question}” to `{preview.entry.id}`? It is {preview.now} now; once taught, readers who ask "
        f"it get:\n{answer}\nConfirm to save it, or cancel.",
        limits.CONTENT,
    )


def premise_warning_text(preview: TeachPreview) -> str:
    """The second, explicit confirmation a likely false premise needs."""
    warning = preview.warning
    if warning is None:  # pragma: no cover - only called with a warning
        return teach_preview_text(preview)
    names = ", ".join(f"“{escape_user_text(trim(n, 60))}”" for n in warning.names)
    about = ", ".join(escape_knowledge_text(n) for n in warning.about)
    return trim(
        f"⚠️ **Likely false premise.** The question names {names}, which the story never mentions, and "
        f"`{preview.entry.id}` is about {about}. Taught, I would answer it as if the story said so:\n"
        + block_quote(escape_knowledge_text(trim(preview.answer, 800)))
        + "\nTeach it anyway only if the question really asks what this entry answers.",
        limits.CONTENT,
    )


def not_verbatim_text(what: str, words: str, found: Alignment | None) -> str:
    """Why words are not taken as the source's own, with the best-aligned passage and what differs in bold."""
    text = f"**Not saved:** {what} is not word for word in the source:\n" + block_quote(
        escape_user_text(trim(words, 600))
    )
    if found is not None:
        text += (
            "\nThe passage of the source that lines up best, with the words that differ in bold:\n"
            + block_quote(found.marked("**", "**", escape=escape_knowledge_text))
            + "\nCopy the words exactly (only spacing and straight or curly quotes may differ), then try again."
        )
    else:
        text += "\nNothing in the source lines up with it; copy a sentence of the source exactly."
    return trim(text, limits.CONTENT)
