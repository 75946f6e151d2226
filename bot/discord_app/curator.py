"""Moderators' edits to the knowledge base, and reloads: made safely while the bot keeps answering.

Every change goes through the engine's `KnowledgeEditor` (validated, file-locked, atomic, audited) on one
worker thread of its own, so edits queue behind each other without tying up the threads that answer
questions. After a change the knowledge base is reloaded (validated again, swapped in whole) before the
moderator is told, so the next question already uses it; the change is noted in the moderators' log channel.

Reloads also follow edits made by hand: the watcher calls `files_changed`, and an invalid folder is reported
to the moderators' log channel once per distinct set of problems, and again when it is fixed.

With several stories, each story folder has its own editor, and an edit or a change on disk reloads the
story it touched; a story whose files do not validate keeps answering from its last good engine while
the others reload, and is reported on its own.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol, TypeVar, overload

import discord

from bot.app.live_engine import LibraryHolder, LibraryReloaded
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

log = logging.getLogger(__name__)

T = TypeVar("T")

BUSY = "Another edit is holding the knowledge base right now; nothing was changed. Please try again in a moment."
NOT_WRITABLE = (
    "I cannot write to the knowledge folder ({reason}); nothing was changed. The operator should point "
    "STORYBOT_KB at a copy of the knowledge base that the bot may write."
)


class Notify(Protocol):
    """Posts a note to the moderators' log channel; `guild_id`: the server the note is about (None: any)."""

    def __call__(self, text: str, *, guild_id: int | None = None) -> Awaitable[None]: ...


def author_of(interaction: discord.Interaction[Any]) -> dict[str, Any]:
    """Who is making a change, as the audit trail records it: the user id and their username."""
    return {"user_id": interaction.user.id, "user_name": interaction.user.name}


class Curator:
    """Keeps the live knowledge base in step with the files: edits for moderators, reloads, reports."""

    def __init__(self, library: LibraryHolder, open_store: Callable[[], Store], notify: Notify) -> None:
        """`library`: every story's live engine, reloaded after a change. `open_store`: returns the audit trail
        the editors record changes in; called at each story's first edit, so a bot that never edits never
        opens it. `notify`: posts to the moderators' log channel, and never fails."""
        self._library = library
        self._open_store = open_store
        self._notify = notify
        self._editors: dict[str, KnowledgeEditor] = {}  # one per story folder, made on first use
        # One thread: edits from this process queue here in order; the editor's file lock covers other processes.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="storybot-edit")
        self._watcher: KnowledgeWatcher | None = None
        self._reported: dict[str, tuple[Problem, ...]] = {}  # per story: the problems last reported from the watcher
        self._queued = 0  # edits handed to the editing thread so far
        self._done = 0  # edits it has finished (saved or refused)
        self._progress = asyncio.Condition()

    @property
    def directory(self) -> Path:
        """The knowledge directory (the only story's folder, or the folder of the stories)."""
        return self._library.directory()

    @property
    def editor(self) -> KnowledgeEditor:
        return self.editor_for(None)

    def editor_for(self, story: str | None) -> KnowledgeEditor:
        """The editor of a story's folder (None: the default story's)."""
        story = story or self._library.stories.default
        editor = self._editors.get(story)
        if editor is None:
            editor = self._editors[story] = KnowledgeEditor(self._library.holder(story).directory(), self._open_store())
        return editor

    def _recorded_as(self, story: str | None) -> str | None:
        """The story a change is recorded under: None for the default story, as changes made before there
        were stories are (so one file's history stays whole)."""
        return None if story in (None, self._library.stories.default) else story

    async def run(
        self, work: Callable[[KnowledgeEditor], T], guild_id: int | None = None, story: str | None = None
    ) -> T:
        """Run blocking editor work (file lock, fsync) on the editing thread, on `story`'s folder (None: the
        default story's); changes it records are noted as made from server `guild_id`, to that story."""
        editor = self.editor_for(story)
        recorded = self._recorded_as(story)

        def on_behalf() -> T:
            with Store.acting_for(guild_id, recorded):
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
        self,
        interaction: discord.Interaction[Any],
        work: Callable[[KnowledgeEditor], Change],
        story: str | None = None,
    ) -> Change | None:
        """Make one change to `story` (None: the default story) for the moderator behind `interaction`
        (already deferred), then make it live.

        The moderator is told the outcome privately (saved and live, or why not); a saved change is noted in
        the moderators' log channel. Returns the change, or None when nothing was changed.
        """
        try:
            change = await self.run(work, interaction.guild_id, story)
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
        problems = await self.go_live(story)
        await self.tell(interaction, done_text(change, live=not problems, problems=problems))
        await self._notify(change_note(change), guild_id=interaction.guild_id)
        return change

    async def go_live(self, story: str | None = None) -> Sequence[str]:
        """Reload a story after a change; the problems on disk if its folder as a whole does not validate."""
        try:
            await self._library.holder(story).reload()
        except KnowledgeError as error:
            log.warning("a change was saved but the folder does not validate: %d problems", error.total)
            return ProblemLines(error.problems, self.directory, error.total)
        return []

    async def tell(self, interaction: discord.Interaction[Any], text: str) -> None:
        """A private reply to a deferred interaction."""
        await interaction.followup.send(limits.trim(text, limits.CONTENT), ephemeral=True, allowed_mentions=NO_MENTIONS)

    # ------------------------------------------------------------------ reloads

    async def reload_for(self, interaction: discord.Interaction[Any]) -> None:
        """/kb reload: reload every story now, and tell the moderator (and the log channel) how it went."""
        who = f"{escape_user_text(interaction.user.name)} (<@{interaction.user.id}>)"
        result = await self._library.reload(full=True)
        for story, error in result.failed.items():
            log.warning("reload of %s by %s refused: %d problems", story, interaction.user.id, error.total)
            lines = ProblemLines(error.problems, self.directory, error.total)
            await self.tell(interaction, self._named(story, reload_failed_text(lines)))
            head = self._named(story, f"Reload requested by {who}: {refused_head(len(lines))}")
            await self._notify(problems_text(head, lines))
        if not result.reloaded:
            return
        text = " ".join(self._named(story, reload_done_text(r.current)) for story, r in result.reloaded.items())
        if not result.changed:
            text += " (Nothing had changed on disk.)"
        log.info("reload by %s: %s", interaction.user.id, text)
        await self.tell(interaction, text)
        await self._notify(f"{text} Requested by {who}.")
        for story in result.reloaded:
            self._reported.pop(story, None)

    def _named(self, story: str, text: str) -> str:
        """A message about one story, headed with its title when the library has several."""
        stories = self._library.stories
        return f"**{stories.refs[story].title}:** {text}" if len(stories) > 1 else text

    async def files_changed(self, paths: set[Path]) -> None:
        """The watcher saw files change: reload the stories they are in, and report each broken story (once)
        or its repair; the other stories reload all the same."""
        result: LibraryReloaded = await self._library.reload(self._library.stories_of(paths))
        for story, error in result.failed.items():
            if error.problems == self._reported.get(story):
                continue  # already reported; the moderators know
            self._reported[story] = error.problems
            lines = ProblemLines(error.problems, self.directory, error.total)
            log.warning("knowledge files of %s changed but do not validate: %s", story, "; ".join(lines[:5]))
            head = f"⚠️ Knowledge files changed on disk ({self.names(paths)}): {refused_head(len(lines))}"
            head = self._named(story, head + " Fix them and save; I reload by myself.")
            await self._notify(problems_text(head, lines))
        for story, reloaded in result.reloaded.items():
            if self._reported.pop(story, None) is not None:
                text = f"✅ The knowledge files are valid again. {reload_done_text(reloaded.current)}"
                await self._notify(self._named(story, text))
            elif reloaded.changed:
                log.info("reloaded %s after a change on disk: %s", story, self.names(paths))

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
