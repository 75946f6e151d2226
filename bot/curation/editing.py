"""Changing the knowledge base safely while the bot answers from it: the edits moderators make.

The YAML files stay the source of truth, and stay pleasant to edit by hand: an edit is made by a
ruamel.yaml round trip that keeps comments, key order, quoting and blank lines, and every line the
edit does not change stays byte for byte (`roundtrip.py`). The result is parsed back and must hold
exactly the intended data.

Every write is
- serialised: one writer at a time, in this process (a thread lock) and across processes (a file
  lock, `.storybot.lock` in the knowledge directory; hidden, so the loader skips it);
- validated first: the whole knowledge directory is checked with the planned text in place, so an
  edit that would leave it invalid is refused with the validator's messages and nothing is written;
- atomic: `write_atomically`, so a crash at any moment leaves the old file or the new one, never a mix;
- audited: its row goes into the `Store` (marked pending) before the file is replaced and is
  confirmed after, all under the lock; the next writer settles the row of one that died in
  between, keeping it if the file was replaced and dropping it if not. `history` and `undo` read it.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from filelock import FileLock, Timeout
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bot.curation import checks
from bot.curation.checks import EditRejected, one_line, short
from bot.curation.roundtrip import (
    AppendItems,
    DeleteItem,
    DeleteKey,
    Edit,
    SetKey,
    UneditableFile,
    flow,
    load,
    plain_safe,
    rewrite,
    styled,
)
from bot.curation.store import Change, Store
from bot.knowledge.files import clear_temporaries, folder_digest, read_or_empty, remove_durably, write_atomically
from bot.knowledge.loader import knowledge_files, validate_knowledge
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.naming import did_you_mean
from bot.knowledge.text import clean

__all__ = ["DEFAULT_ENTRY_FILE", "DEFAULT_QUOTE_FILE", "LOCK_NAME", "Change", "EditRejected", "KnowledgeEditor"]

log = logging.getLogger(__name__)

LOCK_NAME = ".storybot.lock"
# Seconds a writer waits for another writer before the moderator is asked to try again: an edit takes
# well under a second, so only a stuck writer (or a long queue of them) makes anyone wait this long.
LOCK_TIMEOUT = 10.0
DEFAULT_ENTRY_FILE = "entries/moderators.yaml"
DEFAULT_QUOTE_FILE = "quotes.yaml"
ACTIONS = ("teach", "add_entry", "add_quote", "edit_entry", "remove_entry", "remove_phrasing", "undo")


# ---------------------------------------------------------------------------------------------- the editor


def _edited(raw: str, edits: Sequence[Edit], file: str) -> str:
    """A file's new text: the edits made by a round trip, in the file's own line ends and byte-order mark."""
    bom = raw.startswith("\ufeff")
    body = raw[1:] if bom else raw
    # A file saved with Windows line ends keeps them; only a consistent one is converted.
    crlf = "\r\n" in body and body.count("\r\n") == body.count("\n")
    try:
        text = rewrite(body.replace("\r\n", "\n") if crlf else body, edits, file)
    except UneditableFile as exc:
        fix = "fix it first (`storybot validate` says where)" if exc.not_yaml else "please make it by hand"
        raise EditRejected(f"{exc}; {fix}.") from None
    if crlf:
        text = text.replace("\n", "\r\n")
    return "\ufeff" + text if bom else text


def _check_known_quotes(kb: KnowledgeBase, quotes: Sequence[str]) -> None:
    for quote in quotes:
        if quote not in kb.quotes:
            raise EditRejected(f"No quote has the id `{quote}`.{did_you_mean(quote, kb.quotes)}")


def _entry_item(
    ident: str,
    phrasings: Sequence[str],
    answer: str,
    source_id: str,
    excerpts: Sequence[str],
    keywords: Sequence[str],
    quotes: Sequence[str],
    about_ids: Sequence[str],
) -> CommentedMap:
    """A new entry's data as it is written to its file, the optional keys only when given."""
    item = CommentedMap()
    item["id"] = ident
    item["questions"] = CommentedSeq([plain_safe(q) for q in phrasings])
    if any(k.strip() for k in keywords):
        item["keywords"] = flow(one_line(k) for k in keywords if k.strip())
    item["answer"] = styled(answer, "answer", 4)
    item["evidence"] = CommentedSeq(
        CommentedMap([("source", source_id), ("excerpt", styled(excerpt, "excerpt", 8))]) for excerpt in excerpts
    )
    if quotes:
        item["quotes"] = flow(quotes)
    if about_ids:
        item["about"] = flow(about_ids)
    return item


@dataclass(frozen=True, slots=True)
class _Located:
    file: str  # relative to the knowledge directory, with `/`
    index: int  # in the file's section list


class KnowledgeEditor:
    """Makes moderators' edits to a knowledge directory: validated, serialised, atomic and audited.

    Thread-safe, and safe across processes sharing the directory. Each method either returns the
    `Change` it made (already written and recorded) or raises `EditRejected`, having written nothing.
    """

    def __init__(self, directory: Path, store: Store, *, lock_timeout: float = LOCK_TIMEOUT) -> None:
        self.directory = directory
        self.store = store
        self.lock_timeout = lock_timeout
        self._thread_lock = threading.Lock()
        self._file_lock = FileLock(directory / LOCK_NAME, timeout=lock_timeout)
        self._known: tuple[str, KnowledgeBase] | None = None  # (digest of the directory, its knowledge)
        self._phrasings: tuple[KnowledgeBase, dict[str, str]] | None = None

    # ------------------------------------------------------------------ public edits

    def teach(
        self, entry_id: str, question: str, *, user_id: int | None = None, user_name: str | None = None
    ) -> Change:
        """Add a phrasing to an entry: the commonest way the bot gets smarter."""
        phrasing = checks.check_phrasing(question)
        with self._locked():
            kb = self.knowledge()
            self._check_new_phrasings(kb, entry_id, [phrasing])
            where = self._locate("entries", entry_id)
            edit = AppendItems(("entries", where.index, "questions"), (plain_safe(phrasing),), spaced=False)
            summary = f"added phrasing {short(phrasing)} to {entry_id}"
            return self._change(where.file, [edit], "teach", entry_id, summary, user_id, user_name)

    def add_entry(
        self,
        *,
        questions: Sequence[str],
        answer: str,
        evidence: Sequence[str],
        source: str | None = None,
        entry_id: str | None = None,
        about: Sequence[str] = (),
        keywords: Sequence[str] = (),
        quotes: Sequence[str] = (),
        file: str | None = None,
        user_id: int | None = None,
        user_name: str | None = None,
    ) -> Change:
        """Add an entry: its phrasings, answer and verbatim evidence from one source."""
        phrasings = [checks.check_phrasing(q) for q in questions if q.strip()]
        if not phrasings:
            raise EditRejected("An entry needs at least one question phrasing.")
        answer_text = checks.check_answer(answer)
        excerpts = [one_line(e) for e in evidence if e.strip()]
        if not excerpts:
            raise EditRejected("An entry needs evidence: at least one excerpt copied word for word from the source.")
        rel = self._relative(file or DEFAULT_ENTRY_FILE)
        with self._locked():
            kb = self.knowledge()
            source_id = checks.known_source(kb, source)
            for excerpt in excerpts:
                checks.check_verbatim(kb, source_id, excerpt, "This excerpt")
            ident = checks.new_id(kb.entries, entry_id, phrasings[0], "entry")
            self._check_new_phrasings(kb, None, phrasings)
            about_ids = [checks.known_speaker(kb, name) for name in about if name.strip()]
            _check_known_quotes(kb, quotes)
            item = _entry_item(ident, phrasings, answer_text, source_id, excerpts, keywords, quotes, about_ids)
            edit = AppendItems(("entries",), (item,), spaced=True)
            summary = f"added entry {ident} ({short(phrasings[0])})"
            return self._change(rel, [edit], "add_entry", ident, summary, user_id, user_name)

    def add_quote(
        self,
        *,
        speaker: str | None,
        text: str,
        source: str | None = None,
        attribution_note: str | None = None,
        quote_id: str | None = None,
        file: str | None = None,
        user_id: int | None = None,
        user_name: str | None = None,
    ) -> Change:
        """Add a quote, verbatim, with its speaker (an id or a name), or none and a note saying why."""
        words = one_line(text).strip('"“”„')  # the words, not the quotation marks around them
        if not words:
            raise EditRejected("A quote needs its words, copied exactly from the source.")
        note = one_line(attribution_note or "") or None
        with self._locked():
            kb = self.knowledge()
            speaker_id = checks.known_speaker(kb, speaker) if speaker and speaker.strip() else None
            if speaker_id is None and note is None:
                raise EditRejected(
                    "A quote without a speaker needs an attribution note saying what the story does say "
                    "about who spoke (e.g. 'the story says only \"he said\"')."
                )
            source_id = checks.known_source(kb, source)
            checks.check_verbatim(kb, source_id, words, "This quote")
            for existing in kb.quotes.values():
                if existing.source == source_id and clean(existing.text) == clean(words):
                    raise EditRejected(f"This quote is already in the knowledge base as `{existing.id}`.")
            prefix = speaker_id.rsplit("-", 1)[-1] if speaker_id else "unattributed"
            ident = checks.new_id(kb.quotes, quote_id, f"{prefix} {words}", "quote", words=4)
            rel = self._relative(file) if file else self._quote_file()
            item = CommentedMap()
            item["id"] = ident
            item["speaker"] = speaker_id
            item["source"] = source_id
            item["text"] = styled(words, "text", 4)
            if note:
                item["attribution_note"] = styled(note, "attribution_note", 4)
            edit = AppendItems(("quotes",), (item,), spaced=True)
            who = kb.speakers[speaker_id].name if speaker_id else "unattributed"
            summary = f"added quote {ident} ({who}: {short(words, 60)})"
            return self._change(rel, [edit], "add_quote", ident, summary, user_id, user_name)

    def edit_entry(
        self,
        entry_id: str,
        *,
        answer: str | None = None,
        add_questions: Sequence[str] = (),
        keywords: Sequence[str] | None = None,
        user_id: int | None = None,
        user_name: str | None = None,
    ) -> Change:
        """Change an entry's answer, add phrasings, or replace its keywords (an empty list removes them)."""
        phrasings = [checks.check_phrasing(q) for q in add_questions if q.strip()]
        new_answer = checks.check_answer(answer) if answer is not None else None
        with self._locked():
            kb = self.knowledge()
            entry = checks.known_entry(kb, entry_id)
            where = self._locate("entries", entry_id)
            path: tuple[str | int, ...] = ("entries", where.index)
            edits: list[Edit] = []
            said: list[str] = []
            if new_answer is not None and new_answer != entry.answer:
                edits.append(SetKey(path, "answer", styled(new_answer, "answer", 4)))
                said.append(f"changed the answer of {entry_id} to {short(new_answer, 60)}")
            if phrasings:
                self._check_new_phrasings(kb, entry_id, phrasings)
                edits.append(AppendItems((*path, "questions"), tuple(plain_safe(q) for q in phrasings), False))
                said.append(f"added {', '.join(short(q, 50) for q in phrasings)} to {entry_id}")
            if keywords is not None:
                new = [one_line(k) for k in keywords if k.strip()]
                if new != list(entry.keywords):
                    if new:
                        edits.append(SetKey(path, "keywords", flow(new), after="questions"))
                        said.append(f"set the keywords of {entry_id} to {', '.join(new)}")
                    elif entry.keywords:
                        edits.append(DeleteKey(path, "keywords"))
                        said.append(f"removed the keywords of {entry_id}")
            if not edits:
                raise EditRejected(f"Nothing to change: entry `{entry_id}` already says that.")
            return self._change(where.file, edits, "edit_entry", entry_id, "; ".join(said), user_id, user_name)

    def remove_entry(self, entry_id: str, *, user_id: int | None = None, user_name: str | None = None) -> Change:
        with self._locked():
            kb = self.knowledge()
            entry = checks.known_entry(kb, entry_id)
            where = self._locate("entries", entry_id)
            summary = f"removed entry {entry_id} ({short(entry.questions[0])})"
            edit = DeleteItem(("entries",), where.index)
            return self._change(where.file, [edit], "remove_entry", entry_id, summary, user_id, user_name)

    def remove_phrasing(
        self, entry_id: str, question: str, *, user_id: int | None = None, user_name: str | None = None
    ) -> Change:
        key = clean(question)
        with self._locked():
            kb = self.knowledge()
            entry = checks.known_entry(kb, entry_id)
            where = self._locate("entries", entry_id)
            phrasings = [str(q) for q in self._data(where.file)["entries"][where.index]["questions"]]
            index = next((i for i, q in enumerate(phrasings) if clean(q) == key), None)
            if index is None:
                also = did_you_mean(question, phrasings, as_code=False)
                raise EditRejected(f"Entry `{entry_id}` has no phrasing {question!r}.{also}")
            if len(entry.questions) == 1:
                raise EditRejected(
                    f"{phrasings[index]!r} is the only phrasing of `{entry_id}`; add another first, "
                    "or remove the entry."
                )
            summary = f"removed phrasing {short(phrasings[index])} from {entry_id}"
            edit = DeleteItem(("entries", where.index, "questions"), index)
            return self._change(where.file, [edit], "remove_phrasing", entry_id, summary, user_id, user_name)

    def undo(self, change_id: int | None = None, *, user_id: int | None = None, user_name: str | None = None) -> Change:
        """Put a file back as it was before a change (the last one not yet undone, or a named one).

        Refused when the file has changed since, by a later change or by hand: undoing then would
        throw that work away.
        """
        with self._locked():
            change = self.store.last_undoable() if change_id is None else self.store.change(change_id)
            if change is None:
                raise EditRejected(
                    "Nothing to undo." if change_id is None else f"There is no change #{change_id} in the history."
                )
            if change.undone_by is not None:
                raise EditRejected(f"Change #{change.id} was already undone (by #{change.undone_by}).")
            path = self.directory / change.file
            current = read_or_empty(path)
            if current != change.after:
                later = [c for c in self.store.changes(5, file=change.file, after_id=change.id) if c.undone_by is None]
                if later:
                    since = f"by change #{later[0].id} ({later[0].summary}); undo that first"
                else:
                    since = "by hand; undo it by hand, or make a new change"
                raise EditRejected(f"Change #{change.id} can't be undone: {change.file} has changed since, {since}.")
            summary = f"undid #{change.id}: {change.summary}"
            return self._commit(
                change.file, current, change.before, "undo", change.target, summary, user_id, user_name, change.id
            )

    def history(self, limit: int = 10) -> list[Change]:
        """The most recent changes, newest first."""
        if self.store.pending_changes():  # a writer died mid-edit: settle its row first
            with self._locked():  # which settles it
                pass
        return self.store.changes(limit)

    def knowledge(self) -> KnowledgeBase:
        """The knowledge base as the files hold it now (validated; re-read only when a file changed)."""
        digest = folder_digest(self.directory)
        if digest is not None and self._known is not None and self._known[0] == digest:
            return self._known[1]
        kb, problems = validate_knowledge(self.directory)
        if kb is None:
            raise EditRejected(
                "The knowledge base has problems, so no edit can be checked against it; fix them first "
                "(`storybot validate` lists them).",
                problems,
            )
        self._known = None if digest is None else (digest, kb)
        return kb

    # ------------------------------------------------------------------ writing

    @contextmanager
    def _locked(self) -> Iterator[None]:
        busy = EditRejected("Another edit of the knowledge base is being saved; please try again in a moment.")
        if not self._thread_lock.acquire(timeout=self.lock_timeout):
            raise busy
        try:
            try:
                self._file_lock.acquire()
            except Timeout:
                raise busy from None
            except OSError as exc:
                raise EditRejected(f"The knowledge folder cannot be locked for writing: {exc.strerror}.") from None
            try:
                self._recover()
                yield
            finally:
                self._file_lock.release()
        finally:
            self._thread_lock.release()

    def _change(
        self,
        file: str,
        edits: Sequence[Edit],
        action: str,
        target: str,
        summary: str,
        user_id: int | None,
        user_name: str | None,
    ) -> Change:
        before = read_or_empty(self.directory / file)
        after = _edited(before or self._new_file_text(file), edits, file)
        return self._commit(file, before, after, action, target, summary, user_id, user_name)

    def _commit(
        self,
        file: str,
        before: str,
        after: str,
        action: str,
        target: str,
        summary: str,
        user_id: int | None,
        user_name: str | None,
        reverts: int | None = None,
    ) -> Change:
        """Validate the directory with the new text in place, write it atomically, and record it."""
        path = self.directory / file
        kb, problems = validate_knowledge(self.directory, {path: after})
        if kb is None:
            raise EditRejected("This change would leave the knowledge base invalid, so nothing was saved.", problems)
        # Temporary files of a writer that died mid-write; nobody else writes while we hold the lock.
        clear_temporaries(path.parent)
        at = datetime.now(UTC)
        # The audit row goes in first, marked pending, and is confirmed once the file is in place: a
        # writer killed in between leaves a row that `recover` settles against the file.
        ident = self.store.record_change(
            at=at,
            user_id=user_id,
            user_name=user_name,
            action=action,
            target=target,
            summary=summary,
            file=file,
            before=before,
            after=after,
            reverts=reverts,
            pending=True,
        )
        try:
            if after:
                write_atomically(path, after)
            else:
                remove_durably(path)  # undoing the change that created the file
        except OSError as exc:
            log.exception("could not write %s", path)
            self.store.drop_change(ident)
            raise EditRejected(f"The change could not be saved ({exc.strerror}); {file} was left as it was.") from None
        self.store.finish_change(ident)
        digest = folder_digest(self.directory)
        self._known = None if digest is None else (digest, kb)
        log.info("change #%d by %s: %s (%s)", ident, user_name or user_id or "someone", summary, file)
        return Change(ident, at, user_id, user_name, action, target, summary, file, before, after, reverts=reverts)

    def _recover(self) -> None:
        """Settle the audit rows of writers that died mid-edit: kept if their file was written, else dropped."""
        for change in self.store.pending_changes():
            if read_or_empty(self.directory / change.file) == change.after:
                self.store.finish_change(change.id)
                log.warning("change #%d was written by a writer that then stopped; kept in the history", change.id)
            else:
                self.store.drop_change(change.id)
                log.warning("change #%d was never written (its writer stopped first); dropped", change.id)

    def _new_file_text(self, file: str) -> str:
        lines = []
        schema = self.directory / "schema" / "knowledge.schema.json"
        if schema.is_file():
            relative = os.path.relpath(schema, (self.directory / file).parent)
            lines.append(f"# yaml-language-server: $schema={PurePosixPath(*Path(relative).parts)}")
        lines.append("# Added by moderators from Discord (/kb). Edit it by hand freely; `storybot validate` checks it.")
        return "\n".join(lines) + "\n"

    # ------------------------------------------------------------------ finding things

    def _data(self, file: str) -> Any:
        return load(read_or_empty(self.directory / file))

    def _locate(self, section: str, ident: str) -> _Located:
        """Which file holds the item with this id, and where in its section list."""
        for path in knowledge_files(self.directory):
            text = read_or_empty(path)
            if ident not in text:  # cheap: most files do not mention it at all
                continue
            data = load(text)
            items = data.get(section) if isinstance(data, dict) else None
            for index, item in enumerate(items or []):
                if isinstance(item, dict) and item.get("id") == ident:
                    return _Located(path.relative_to(self.directory).as_posix(), index)
        raise EditRejected(f"`{ident}` is not in any {section} list of the knowledge files.")  # pragma: no cover

    def _quote_file(self) -> str:
        """The file with the most quotes (where curators keep them), or quotes.yaml."""
        best, most = DEFAULT_QUOTE_FILE, 0
        for path in knowledge_files(self.directory):
            data = load(read_or_empty(path))
            count = len(data.get("quotes") or []) if isinstance(data, dict) else 0
            if count > most:
                best, most = path.relative_to(self.directory).as_posix(), count
        return best

    def _relative(self, file: str) -> str:
        relative = PurePosixPath(file.replace("\\", "/"))
        if (
            relative.is_absolute()
            or ".." in relative.parts
            or relative.suffix not in (".yaml", ".yml")
            or any(part.startswith(".") for part in relative.parts)
        ):
            raise EditRejected(f"{file!r} is not a knowledge file name: use a path such as `entries/extra.yaml`.")
        return str(relative)

    # ------------------------------------------------------------------ checks

    def _check_new_phrasings(self, kb: KnowledgeBase, entry_id: str | None, phrasings: Sequence[str]) -> None:
        """Each phrasing may belong to one entry only: say which entry already has it."""
        if entry_id is not None:
            checks.known_entry(kb, entry_id)
        owners = self._owners(kb)
        seen: set[str] = set()
        for phrasing in phrasings:
            key = clean(phrasing)
            owner = owners.get(key)
            if owner is not None:
                whose = "this entry" if owner == entry_id else f"entry `{owner}`"
                raise EditRejected(
                    f"The phrasing {phrasing!r} already belongs to {whose}; each phrasing may belong to one entry only."
                )
            if key in seen:
                raise EditRejected(f"The phrasing {phrasing!r} is given twice.")
            seen.add(key)

    def _owners(self, kb: KnowledgeBase) -> dict[str, str]:
        """Each phrasing (cleaned, as the validator compares them) → its entry id; kept per knowledge base."""
        if self._phrasings is None or self._phrasings[0] is not kb:
            owners = {clean(q): entry.id for entry in kb.entries.values() for q in entry.questions}
            self._phrasings = (kb, owners)
        return self._phrasings[1]
