"""The rows the store keeps, as the rest of StoryBot reads them, and how a table row becomes one."""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar

from bot.answering.answer import Outcome, Suggestion

QUESTION_ROOM = 1000  # characters of a question kept; a longer one is cut
_ANSWERED = (Outcome.ANSWERED.value, Outcome.QUOTES.value)
ALL_SERVERS: Literal["all"] = "all"  # no server filter: the operator's view (CLI, editor, tests)
Server = int | None | Literal["all"]  # a server's id, None for direct messages, or every server
R = TypeVar("R")  # a record read from a row


@dataclass(frozen=True, slots=True)
class StoryScope:
    """Rows of one story. Rows that name no story (asked before stories were recorded, declined by every
    story, changes made with one story) belong to the library's default story: `default` says this is it."""

    id: str
    default: bool = False

    @property
    def clause(self) -> str:
        """The SQL condition, with one placeholder for `id`."""
        return " AND (story = ? OR story IS NULL)" if self.default else " AND story = ?"


@dataclass(frozen=True, slots=True)
class ChannelSetting:
    """What moderators set for a channel: its default story, and whether the bot is off there."""

    story: str | None = None
    off: bool = False


@dataclass(frozen=True, slots=True)
class Change:
    """One edit of the knowledge base, as the audit trail keeps it."""

    id: int
    at: datetime  # UTC
    user_id: int | None
    user_name: str | None
    action: str  # teach | add_entry | add_quote | edit_entry | remove_entry | remove_phrasing | undo
    target: str  # the entry or quote id
    summary: str  # one line a moderator reads: "added phrasing 'x' to ring-police-partnerships"
    file: str  # path relative to the knowledge directory
    before: str  # the whole file before the change ("" when it did not exist)
    after: str  # the whole file after it ("" when the change removed it)
    undone_by: int | None = None  # the id of the change that undid this one
    reverts: int | None = None  # for an undo: the id of the change it undid
    guild_id: int | None = None  # the server whose moderator made it
    story: str | None = None  # the story whose folder `file` is in (None: the default story)


@dataclass(frozen=True, slots=True)
class UnansweredGroup:
    """Declined questions that ask the same thing, for a moderator to teach or dismiss at once."""

    question: str  # the representative: the most often asked wording
    count: int  # how many times it was asked, in any of the wordings
    question_ids: tuple[int, ...]
    nearest: tuple[Suggestion, ...]  # the entries closest to it, best first
    examples: tuple[str, ...]  # other wordings, most frequent first
    last_asked: datetime


@dataclass(frozen=True, slots=True)
class Feedback:
    """A reader's verdict on one answer; "Not right" ones wait in `/kb review`."""

    id: int
    at: datetime
    question: str
    entry_id: str | None
    speaker_id: str | None
    answer: str
    confidence: float
    helpful: bool
    wanted: str | None
    user_id: int | None
    guild_id: int | None
    status: str
    story: str | None = None  # the story of the answer judged (None: the default story)


@dataclass(frozen=True, slots=True)
class Stats:
    since: datetime | None
    asked: int  # questions answered or declined (greetings and empty input are not recorded)
    answered: int  # by an entry or with someone's quotes
    declined: int
    top_entries: tuple[tuple[str, int], ...]  # (entry id, times it answered), most first
    helpful: int = 0  # answers readers marked "Helpful"...
    not_right: int = 0  # ...and "Not right"


@dataclass(frozen=True, slots=True)
class Rates:
    """How questions fared over a period: each count also as a share of those asked."""

    since: datetime | None
    asked: int
    answered: int
    declined: int
    low_confidence: int  # answered, but below `LOW_CONFIDENCE`

    def share(self, count: int) -> float:
        return count / self.asked if self.asked else 0.0


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware (UTC)")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def scoped(
    *, guild_id: Server = ALL_SERVERS, story: StoryScope | None = None, since: datetime | None = None
) -> tuple[str, list[object]]:
    """`" AND ..."` conditions, and their values, that keep the rows of one server (None: direct
    messages), of one story and from a moment on: how every list and count of the store is scoped."""
    conditions: list[str] = []
    params: list[object] = []
    if guild_id != ALL_SERVERS:
        conditions.append(" AND guild_id IS ?")
        params.append(guild_id)
    if story is not None:
        conditions.append(story.clause)
        params.append(story.id)
    if since is not None:
        conditions.append(" AND at >= ?")
        params.append(_iso(since))
    return "".join(conditions), params


def _pack(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 6)


def _unpack(blob: bytes) -> str:
    return zlib.decompress(blob).decode("utf-8")


def _record(kind: type[R], row: sqlite3.Row, **read: Callable[[Any], Any]) -> R:
    """A `kind` made of the row's columns named as its fields; `read` turns the columns that need it into
    their field's type."""
    names = (field.name for field in fields(kind))  # type: ignore[arg-type]
    return kind(**{name: read[name](row[name]) if name in read else row[name] for name in names})


def _change(row: sqlite3.Row) -> Change:
    return _record(Change, row, at=datetime.fromisoformat, before=_unpack, after=_unpack)


def _feedback(row: sqlite3.Row) -> Feedback:
    return _record(Feedback, row, at=datetime.fromisoformat, helpful=bool)
