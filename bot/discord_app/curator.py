"""Moderators' edits to the knowledge base, and reloads: made safely while the bot keeps answering.

Every change goes through the engine's `KnowledgeEditor` (validated, file-locked, atomic, audited) on one
worker thread of its own, so edits queue behind each other without tying up the threads that answer
questions. After a change the knowledge base is reloaded (validated again, swapped in whole) before the
moderator is told, so the next question already uses it; the change is noted in the moderators' log channel.

Reloads also follow edits made by hand: the watcher calls `files_changed`, and an invalid folder is reported
to the moderators' log channel once per distinct set of problems, and again when it is fixed.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, overload

import discord

from bot.app.watcher import KnowledgeWatcher
from bot.curation.editing import EditRejected, KnowledgeEditor
from bot.curation.store import Change, Store
from bot.discord_app import limits
from bot.discord_app.embeds import reload_done_text, reload_failed_text
from bot.discord_app.kb_text import change_note, done_text, problems_text, rejected_text
from bot.discord_app.safety import escape_user_text
from bot.discord_app.views import NO_MENTIONS
from bot.knowledge import KnowledgeError
from bot.knowledge.files import real_path
from bot.knowledge.loader import Problem, problem_count

if TYPE_CHECKING:
    from bot.discord_app.bot import StoryBot

log = logging.getLogger(__name__)

T = TypeVar("T")

BUSY = "Another edit is holding the knowledge base right now; nothing was changed. Please try again in a moment."
NOT_WRITABLE = (
    "I cannot write to the knowledge folder ({reason}); nothing was changed. The operator should point "
    "STORYBOT_KB at a copy of the knowledge base that the bot may write."
)


def author_of(interaction: discord.Interaction[Any]) -> dict[str, Any]:
    """Who is making a change, as the audit trail records it: the user id and their username."""
    return {"user_id": interaction.user.id, "user_name": interaction.user.name}


class Curator:
    """Keeps the live knowledge base in step with the files: edits for moderators, reloads, reports."""

    def __init__(self, bot: StoryBot) -> None:
        self.bot = bot
        self._editor: KnowledgeEditor | None = None
        # One thread: edits from this process queue here in order; the editor's file lock covers other processes.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storybot-edit")
        self._watcher: KnowledgeWatcher | None = None
        self._reported: tuple[Problem, ...] | None = None  # the problems last reported from the watcher
        self._queued = 0  # edits handed to the editing thread so far
        self._done = 0  # edits it has finished (saved or refused)
        self._progress = asyncio.Condition()

    @property
    def directory(self) -> Path:
        return self.bot.holder.directory()

    @property
    def editor(self) -> KnowledgeEditor:
        if self._editor is None:
            self._editor = KnowledgeEditor(self.directory, self.bot.store)
        return self._editor

    async def run(self, work: Callable[[KnowledgeEditor], T], guild_id: int | None = None) -> T:
        """Run blocking editor work (file lock, fsync) on the editing thread; changes it records are
        noted as made from server `guild_id`."""
        editor = self.editor

        def on_behalf() -> T:
            with Store.acting_for(guild_id):
                return work(editor)

        self._queued += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, on_behalf)
        finally:
            self._done += 1
            async with self._progress:
                self._progress.notify_all()

    async def settle(self) -> None:
        """Wait until the edits queued behind one that just finished are done too.

        One reload then makes them all live: validating and indexing the knowledge base takes longer than
        an edit, so reloading after each of fifty queued edits would keep every moderator waiting longer.
        Only edits already queued are waited for, so a steady stream of new ones never holds a reply back.
        """
        target = self._queued
        async with self._progress:
            await self._progress.wait_for(lambda: self._done >= target)

    # ------------------------------------------------------------------ edits

    async def change(
        self, interaction: discord.Interaction[Any], work: Callable[[KnowledgeEditor], Change]
    ) -> Change | None:
        """Make one change for the moderator behind `interaction` (already deferred), then make it live.

        The moderator is told the outcome privately (saved and live, or why not); a saved change is noted in
        the moderators' log channel. Returns the change, or None when nothing was changed.
        """
        try:
            change = await self.run(work, interaction.guild_id)
        except EditRejected as error:
            lines = ProblemLines(error.problems, self.directory)
            await self.tell(interaction, rejected_text(error.message, lines, error.closest))
            return None
        except TimeoutError:
            await self.tell(interaction, BUSY)
            return None
        except OSError as error:
            log.exception("could not write to the knowledge folder %s", self.directory)
            await self.tell(interaction, NOT_WRITABLE.format(reason=error.strerror or error.__class__.__name__))
            return None
        log.info("change %s by %s: %s", change.id, change.user_name, change.summary)
        await self.settle()
        problems = await self.go_live()
        await self.tell(interaction, done_text(change, live=not problems, problems=problems))
        await self.bot.tell_moderators(change_note(change), guild_id=interaction.guild_id)
        return change

    async def go_live(self) -> Sequence[str]:
        """Reload after a change; the problems on disk if the folder as a whole does not validate."""
        try:
            await self.bot.holder.reload()
        except KnowledgeError as error:
            log.warning("a change was saved but the folder does not validate: %d problems", error.total)
            return ProblemLines(error.problems, self.directory, error.total)
        return []

    async def tell(self, interaction: discord.Interaction[Any], text: str) -> None:
        """A private reply to a deferred interaction."""
        await interaction.followup.send(limits.trim(text, limits.CONTENT), ephemeral=True, allowed_mentions=NO_MENTIONS)

    # ------------------------------------------------------------------ reloads

    async def reload_for(self, interaction: discord.Interaction[Any]) -> None:
        """/kb reload: reload now, and tell the moderator (and the log channel) how it went."""
        who = f"{escape_user_text(interaction.user.name)} (<@{interaction.user.id}>)"
        try:
            reloaded = await self.bot.holder.reload(full=True)
        except KnowledgeError as error:
            log.warning("reload by %s refused: %d problems", interaction.user.id, error.total)
            lines = ProblemLines(error.problems, self.directory, error.total)
            await self.tell(interaction, reload_failed_text(lines))
            await self.bot.tell_moderators(
                problems_text(f"Reload requested by {who}: {refused_head(len(lines))}", lines)
            )
            return
        text = reload_done_text(reloaded.current)
        if not reloaded.changed:
            text += " (Nothing had changed on disk.)"
        log.info("reload by %s: %s", interaction.user.id, text)
        await self.tell(interaction, text)
        await self.bot.tell_moderators(f"{text} Requested by {who}.")
        self._reported = None

    async def files_changed(self, paths: set[Path]) -> None:
        """The watcher saw files change: reload, and report a broken folder (once) or its repair."""
        try:
            reloaded = await self.bot.holder.reload()
        except KnowledgeError as error:
            if error.problems == self._reported:
                return  # already reported; the moderators know
            self._reported = error.problems
            lines = ProblemLines(error.problems, self.directory, error.total)
            log.warning("knowledge files changed but do not validate: %s", "; ".join(lines[:5]))
            head = f"⚠️ Knowledge files changed on disk ({self.names(paths)}): {refused_head(len(lines))}"
            await self.bot.tell_moderators(problems_text(head + " Fix them and save; I reload by myself.", lines))
            return
        if self._reported is not None:
            self._reported = None
            await self.bot.tell_moderators(
                f"✅ The knowledge files are valid again. {reload_done_text(reloaded.current)}"
            )
        elif reloaded.changed:
            log.info("reloaded after a change on disk: %s", self.names(paths))

    def names(self, paths: set[Path]) -> str:
        """A few changed files, named inside the knowledge folder."""
        root = real_path(self.directory)
        names = sorted(
            real.relative_to(root).as_posix() if (real := real_path(p)).is_relative_to(root) else p.name for p in paths
        )
        shown = ", ".join(names[:3])
        return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")

    async def start_watching(self, quiet: float) -> None:
        directory = self.directory
        if not directory.is_dir():
            log.warning("not watching %s: no such folder", directory)
            return
        self._watcher = KnowledgeWatcher(directory, self.files_changed, quiet=quiet)
        await self._watcher.start()

    async def close(self) -> None:
        """Stop watching, drop queued edits and let the one in progress finish: no file is left half-written."""
        if self._watcher is not None:
            await self._watcher.stop()
            self._watcher = None
        await asyncio.to_thread(self._executor.shutdown, wait=True, cancel_futures=True)


def refused_head(count: int) -> str:
    return (
        f"the knowledge base on disk has {count} problem{'s' if count != 1 else ''}, "
        "so I'm still answering from the previous one."
    )


def split_lines(text: str) -> list[str]:
    """One item a line, as moderators type lists into a form; blank lines are ignored."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def split_phrasings(text: str) -> list[str]:
    """Phrasings typed into one command option, separated by `|` (or new lines, from a form)."""
    return [part.strip() for line in text.splitlines() for part in line.split("|") if part.strip()]


class ProblemLines(Sequence[str]):
    """Problems as moderators read them, each line made only when it is shown.

    A hand edit can leave a million problems; a message shows a dozen. Formatting all of them on the event
    loop froze the bot for ~45 s, so a line is made (and its file named inside the folder, once per file)
    only when read. `len` is the count of every problem, including those the loader counted but did not
    keep, so "… and N more" stays true; iteration ends with the kept ones.
    """

    def __init__(self, problems: Sequence[Problem], directory: Path, total: int | None = None) -> None:
        self._problems = problems
        self._directory = directory
        self._total = max(len(problems), problem_count(problems) if total is None else total)
        self._names: dict[str, str] = {}

    def __len__(self) -> int:
        return self._total

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self._line(i) for i in range(*index.indices(len(self._problems)))]
        return self._line(index)

    def __iter__(self) -> Iterator[str]:
        return (self._line(i) for i in range(len(self._problems)))

    def _line(self, index: int) -> str:
        problem = self._problems[index]  # IndexError past the kept problems
        name = self._names.get(problem.file)
        if name is None:  # named as the folder holds it: links are not followed, nor is the disk read
            root, file = Path(os.path.abspath(self._directory)), Path(os.path.abspath(problem.file))
            name = self._names[problem.file] = (
                file.relative_to(root).as_posix() if file.is_relative_to(root) else problem.file
            )
        return f"{name}:{problem.line}:{problem.column}: {problem.message}"


def problem_lines(problems: Sequence[Problem], directory: Path) -> ProblemLines:
    return ProblemLines(problems, directory)
