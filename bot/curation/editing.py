"""Changing the knowledge base safely while the bot answers from it: the edits moderators make.

The YAML files stay the source of truth, and stay pleasant to edit by hand. An edit is spliced into
a file's text where the parser's marks say the touched value is, and only there: comments, key
order, blank lines and the formatting of everything else stay byte for byte. The positions come
from PyYAML's composer (the parser the loader reads the files with, and fast); the new text is
rendered by ruamel.yaml in the file's own indentation (long answers folded with `>-`, as curators
write them), quoted wherever PyYAML would read it as anything but text. The result is parsed back
and must hold exactly the intended data; if a file's layout defeats the splice (a flow-style list of
entries, say), the whole file is round-tripped by ruamel.yaml instead, which keeps comments and key
order but may re-indent.

Every write is
- serialised: one writer at a time, in this process (a thread lock) and across processes (a file
  lock, `.storybot.lock` in the knowledge directory; hidden, so the loader skips it);
- validated first: the whole knowledge directory is checked with the planned text in place, so an
  edit that would leave it invalid is refused with the validator's messages and nothing is written;
- atomic: a temporary file in the same folder, flushed and fsync'ed, renamed over the old one, and
  the folder fsync'ed, so a crash at any moment leaves the old file or the new one, never a mix;
- audited: its row goes into the `Store` (marked pending) before the file is replaced and is
  confirmed after, all under the lock; the next writer settles the row of one that died in
  between, keeping it if the file was replaced and dropping it if not. `history` and `undo` read it.
"""

from __future__ import annotations

import copy
import hashlib
import io
import logging
import os
import re
import tempfile
import threading
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any, cast

import yaml
from filelock import FileLock, Timeout
from rapidfuzz import process
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError as RuamelError
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import FoldedScalarString, SingleQuotedScalarString
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.answering.matcher import MAX_QUESTION_CHARS
from bot.answering.normalize import clean, is_filler
from bot.curation.store import Change, Store
from bot.knowledge.loader import Problem, knowledge_files, validate_knowledge
from bot.knowledge.model import Entry, KnowledgeBase
from bot.knowledge.verbatim import SourceText, first_difference

try:  # PyYAML's C composer: the loader's own parser, and fast
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

__all__ = ["DEFAULT_ENTRY_FILE", "DEFAULT_QUOTE_FILE", "LOCK_NAME", "Change", "EditRejected", "KnowledgeEditor"]

log = logging.getLogger(__name__)

LOCK_NAME = ".storybot.lock"
DEFAULT_ENTRY_FILE = "entries/moderators.yaml"
DEFAULT_QUOTE_FILE = "quotes.yaml"
WRAP_COLUMN = 100  # long text is folded to this width, as in the shipped files
MAX_ANSWER_CHARS = 2000  # an answer is short; Discord shows it in one embed
ACTIONS = ("teach", "add_entry", "add_quote", "edit_entry", "remove_entry", "remove_phrasing", "undo")
_TEMP_SUFFIX = ".storybot-tmp"
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_QUESTION_WORDS = frozenset(["what", "who", "whom", "whose", "which", "when", "where", "why", "how"])
_STR_TAG = "tag:yaml.org,2002:str"
_PYYAML_RESOLVER = yaml.resolver.Resolver()  # how the loader (PyYAML, YAML 1.1) reads a plain scalar


class EditRejected(Exception):
    """An edit was refused and nothing was written; `message` says why in a moderator's words."""

    def __init__(self, message: str, problems: Iterable[Problem] = (), closest: str | None = None) -> None:
        self.message = message
        self.problems = tuple(problems)
        self.closest = closest  # the source's closest passage, when evidence or a quote is not verbatim
        super().__init__("\n".join([message, *(str(p) for p in self.problems)]))


# ---------------------------------------------------------------------------------------------- rendering


class _Representer(RoundTripRepresenter):
    """Writes null as `null`, as the shipped files do (ruamel.yaml would leave the value empty)."""


_Representer.add_representer(
    type(None), lambda representer, _: representer.represent_scalar("tag:yaml.org,2002:null", "null")
)


def _yaml(offset: int = 2) -> YAML:
    """ruamel.yaml set up like the shipped files: mappings by 2, list dashes `offset` in, no re-wrapping."""
    rt = YAML(typ="rt")
    rt.Representer = _Representer
    rt.width = 4096  # we fold long text ourselves; ruamel.yaml must not re-wrap anything
    rt.indent(mapping=2, sequence=offset + 2, offset=offset)
    rt.preserve_quotes = True
    return rt


def _load(text: str) -> Any:
    """A file's data, as PyYAML's safe loader reads it (the validator has refused anything unsafe)."""
    return yaml.load(text, Loader=_SafeLoader)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _plain_safe(text: str) -> str:
    """`text`, quoted when PyYAML would read it plain as something else ("yes", "400", "null")."""
    tag = _PYYAML_RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    if tag == _STR_TAG:
        return text
    return cast(str, SingleQuotedScalarString(text))


def _styled(text: str, key: str, column: int) -> str:
    """Text for `key: text` with the key at `column`: on one line when it fits, else folded (`>-`)."""
    if column + len(key) + 2 + len(text) <= WRAP_COLUMN or " " not in text:
        return _plain_safe(text)
    width = WRAP_COLUMN - column - 2  # a folded block is indented 2 past its key
    folded = FoldedScalarString(text)
    breaks: list[int] = []
    start, previous = 0, -1
    for i, char in enumerate(text):
        if char != " ":
            continue
        if i - start > width and previous > start:
            breaks.append(previous)
            start = previous + 1
        previous = i
    if len(text) - start > width and previous > start:
        breaks.append(previous)
    folded.fold_pos = breaks  # ruamel.yaml breaks the folded block at these spaces
    return cast(str, folded)


def _flow(items: Iterable[str]) -> CommentedSeq:
    seq = CommentedSeq([_plain_safe(item) for item in items])
    seq.fa.set_flow_style()
    return seq


def _dump(value: Any, offset: int) -> list[str]:
    buffer = io.StringIO()
    _yaml(offset).dump(value, buffer)
    return buffer.getvalue().splitlines()


def _render_item(value: Any, column: int, offset: int) -> str:
    """`value` as one `- ...` item of a block list whose dashes are at `column`: whole lines."""
    lines = _dump([value], offset)
    pad = " " * offset  # ruamel.yaml puts a top-level list's dashes `offset` in
    return "".join(" " * column + (line[offset:] if line.startswith(pad) else line) + "\n" for line in lines)


def _render_flow_item(value: Any) -> str | None:
    """A text item as written inside `[...]` (quoted where a comma or bracket would end it)."""
    if not isinstance(value, str):
        return None
    seq = CommentedSeq([value])
    seq.fa.set_flow_style()
    lines = _dump(seq, 2)
    if len(lines) != 1 or not (lines[0].startswith("[") and lines[0].endswith("]")):
        return None
    return lines[0][1:-1]


def _render_pair(key: str, value: Any, column: int) -> str:
    """`key: value` for a mapping whose keys are at `column`; the first line is not indented."""
    lines = _dump(CommentedMap([(key, value)]), 2)
    return "\n".join([lines[0], *(" " * column + line for line in lines[1:])])


# ---------------------------------------------------------------------------------------------- splicing


@dataclass(frozen=True, slots=True)
class _Splice:
    start: int
    end: int
    text: str


class _Doc:
    """One knowledge file being edited: its text (with `\\n` line ends), its data as the loader reads
    it, and the parser's nodes with their positions in the text (composed on first use)."""

    def __init__(self, raw: str) -> None:
        self.bom = raw.startswith("\ufeff")
        body = raw[1:] if self.bom else raw
        # A file saved with Windows line ends keeps them; only a consistent one is converted.
        self.crlf = "\r\n" in body and body.count("\r\n") == body.count("\n")
        self.text = body.replace("\r\n", "\n") if self.crlf else body
        self.data = _load(self.text)  # raises yaml.YAMLError
        self._root: Node | None = None
        self._composed = False

    @property
    def root(self) -> Node | None:
        if not self._composed:
            self._root = yaml.compose(self.text, Loader=_SafeLoader)
            self._composed = True
        return self._root

    def restore(self, text: str) -> str:
        """`text` with the file's own line ends and byte-order mark."""
        if self.crlf:
            text = text.replace("\n", "\r\n")
        return "\ufeff" + text if self.bom else text

    def node(self, path: Sequence[str | int]) -> Node | None:
        node = self.root
        for step in path:
            if isinstance(step, str) and isinstance(node, MappingNode):
                node = next((v for k, v in node.value if isinstance(k, ScalarNode) and k.value == step), None)
            elif isinstance(step, int) and isinstance(node, SequenceNode) and step < len(node.value):
                node = node.value[step]
            else:
                return None
        return node

    def key(self, mapping: MappingNode, name: str) -> tuple[ScalarNode, Node] | None:
        for k, v in mapping.value:
            if isinstance(k, ScalarNode) and k.value == name:
                return k, v
        return None

    # Positions in the text -------------------------------------------------------------------

    def line_start(self, index: int) -> int:
        return self.text.rfind("\n", 0, index) + 1

    def next_line(self, index: int) -> int:
        """The start of the line after the one holding `index` (the end of the text on the last line)."""
        found = self.text.find("\n", index)
        return len(self.text) if found < 0 else found + 1

    def end(self, node: Node) -> int:
        """Just after the last character of a value (a block collection's end mark lies further on,
        past any comments that follow it, so it is found through its last child)."""
        if isinstance(node, MappingNode | SequenceNode) and node.value and not node.flow_style:
            return self.end(node.value[-1][1] if isinstance(node, MappingNode) else node.value[-1])
        index = int(node.end_mark.index)
        while index > node.start_mark.index and self.text[index - 1].isspace():
            index -= 1
        return index

    def dash(self, item: Node) -> int | None:
        """Where the `-` of a block list item is, if it starts a line of its own."""
        index = item.start_mark.index - 1
        while index >= 0 and self.text[index].isspace():
            index -= 1
        if index < 0 or self.text[index] != "-":
            return None
        start = self.line_start(index)
        return index if not self.text[start:index].strip() else None

    def blank_between(self, first: Node, second: Node) -> bool:
        """Whether an empty line separates two list items (the file's spacing, kept for new items)."""
        dash = self.dash(second)
        if dash is None:
            return False
        gap = self.text[self.next_line(self.end(first)) : self.line_start(dash)]
        return any(not line.strip() for line in gap.split("\n")[:-1])


def _section_offset(doc: _Doc, path: Sequence[str | int], seq: SequenceNode) -> int:
    """How far a list's dashes sit right of its key (2 in the shipped files, 0 for `key:\\n- item`)."""
    parent = doc.node(path[:-1])
    dash = doc.dash(seq.value[0]) if seq.value else None
    if isinstance(parent, MappingNode) and isinstance(path[-1], str) and dash is not None:
        found = doc.key(parent, path[-1])
        if found is not None:
            offset = (dash - doc.line_start(dash)) - int(found[0].start_mark.column)
            if 0 <= offset <= 8:
                return offset
    return 2


def _get(data: Any, path: Sequence[str | int]) -> Any:
    for step in path:
        data = data[step]
    return data


# Each edit changes the data (the plain data the loader reads, to say what the file must hold
# afterwards, or ruamel.yaml's round-trip data as the fallback) and finds its splices in the text.


@dataclass(frozen=True, slots=True)
class _AppendItems:
    path: tuple[str | int, ...]  # of the list
    items: tuple[Any, ...]
    spaced: bool  # an empty line before each new item, unless the list's own spacing says otherwise

    def apply(self, data: Any) -> Any:
        if data is None:
            data = CommentedMap()
        parent = _get(data, self.path[:-1])
        if parent.get(self.path[-1]) is None:
            parent[self.path[-1]] = CommentedSeq()
        parent[self.path[-1]].extend(self.items)
        return data

    def splices(self, doc: _Doc) -> list[_Splice] | None:
        node = doc.node(self.path)
        if node is None and len(self.path) == 1 and (doc.root is None or isinstance(doc.root, MappingNode)):
            # A new section at the end of the file.
            text = doc.text
            lead = "" if not text.strip() or text.endswith("\n\n") else "\n" if text.endswith("\n") else "\n\n"
            body = "".join(_render_item(item, 2, 2) for item in self.items)
            return [_Splice(len(text), len(text), f"{lead}{self.path[0]}:\n{body}")]
        if isinstance(node, SequenceNode) and node.flow_style:
            return self._flow_splices(doc, node)
        if not isinstance(node, SequenceNode) or not node.value:
            return None
        last = node.value[-1]
        dash = doc.dash(last)
        if dash is None:
            return None
        column = dash - doc.line_start(dash)
        spaced = doc.blank_between(node.value[-2], last) if len(node.value) > 1 else self.spaced
        offset = _section_offset(doc, self.path, node)
        at = doc.next_line(doc.end(last))
        lead = "" if doc.text[:at].endswith("\n") else "\n"
        body = "".join(("\n" if spaced else "") + _render_item(item, column, offset) for item in self.items)
        return [_Splice(at, at, lead + body)]

    def _flow_splices(self, doc: _Doc, node: SequenceNode) -> list[_Splice] | None:
        """`[a, b]` becomes `[a, b, c]`."""
        close = node.end_mark.index - 1
        rendered = [_render_flow_item(item) for item in self.items]
        if doc.text[close] != "]" or any(r is None for r in rendered):
            return None
        text = ", ".join(r for r in rendered if r is not None)
        if not node.value:
            return [_Splice(close, close, text)]
        at = doc.end(node.value[-1])
        return [_Splice(at, at, ", " + text)]


@dataclass(frozen=True, slots=True)
class _SetKey:
    path: tuple[str | int, ...]  # of the mapping
    key: str
    value: Any
    after: str | None = None  # where a new key goes (after the last key when absent)

    def apply(self, data: Any) -> Any:
        mapping = _get(data, self.path)
        if self.key not in mapping and isinstance(mapping, CommentedMap):
            keys = list(mapping)
            position = keys.index(self.after) + 1 if self.after in keys else len(keys)
            mapping.insert(position, self.key, self.value)
        else:
            mapping[self.key] = self.value
        return data

    def splices(self, doc: _Doc) -> list[_Splice] | None:
        mapping = doc.node(self.path)
        if not isinstance(mapping, MappingNode) or mapping.flow_style or not mapping.value:
            return None
        found = doc.key(mapping, self.key)
        if found is not None:
            key, value = found
            rendered = _render_pair(self.key, self.value, key.start_mark.column)
            return [_Splice(key.start_mark.index, doc.end(value), rendered)]
        anchor = doc.key(mapping, self.after) if self.after else None
        key, value = anchor or mapping.value[-1]
        at = doc.next_line(doc.end(value))
        lead = "" if doc.text[:at].endswith("\n") else "\n"
        column = key.start_mark.column
        return [_Splice(at, at, f"{lead}{' ' * column}{_render_pair(self.key, self.value, column)}\n")]


@dataclass(frozen=True, slots=True)
class _DeleteKey:
    path: tuple[str | int, ...]
    key: str

    def apply(self, data: Any) -> Any:
        del _get(data, self.path)[self.key]
        return data

    def splices(self, doc: _Doc) -> list[_Splice] | None:
        mapping = doc.node(self.path)
        found = doc.key(mapping, self.key) if isinstance(mapping, MappingNode) and not mapping.flow_style else None
        if found is None:
            return None
        key, value = found
        start = doc.line_start(key.start_mark.index)
        if doc.text[start : key.start_mark.index].strip():  # `- key:`: the item's first key; not by splicing
            return None
        return [_Splice(start, doc.next_line(doc.end(value)), "")]


@dataclass(frozen=True, slots=True)
class _DeleteItem:
    path: tuple[str | int, ...]  # of the list
    index: int

    def apply(self, data: Any) -> Any:
        del _get(data, self.path)[self.index]
        return data

    def splices(self, doc: _Doc) -> list[_Splice] | None:
        node = doc.node(self.path)
        if not isinstance(node, SequenceNode) or self.index >= len(node.value):
            return None
        item = node.value[self.index]
        if node.flow_style:  # `[a, b, c]` without b: from b to c, or from a's end to b's end when b is last
            items = node.value
            if self.index + 1 < len(items):
                return [_Splice(item.start_mark.index, items[self.index + 1].start_mark.index, "")]
            start = doc.end(items[self.index - 1]) if self.index else item.start_mark.index
            return [_Splice(start, doc.end(item), "")]
        dash = doc.dash(item)
        if dash is None:
            return None
        start, end = doc.line_start(dash), doc.next_line(doc.end(item))
        # Keep the list's spacing: take one empty line away with the item.
        if start > 0 and not doc.text[doc.line_start(start - 1) : start].strip():
            start = doc.line_start(start - 1)
        elif end < len(doc.text) and not doc.text[end : doc.next_line(end)].strip():
            end = doc.next_line(end)
        return [_Splice(start, end, "")]


_Edit = _AppendItems | _SetKey | _DeleteKey | _DeleteItem


def _normal(data: Any) -> Any:
    """Data as compared after an edit: no file and an empty file are alike, as are `entries:` and `entries: []`."""
    if data is None:
        return {}
    if isinstance(data, dict):
        return {key: ([] if value is None else value) for key, value in data.items()}
    return data


def _holds(text: str, expected: Any) -> bool:
    try:
        return bool(_normal(_load(text)) == expected)
    except yaml.YAMLError:
        return False


def _splice(doc: _Doc, edits: Sequence[_Edit]) -> str | None:
    """The text with every edit spliced in place, or None when the file's layout does not allow it."""
    splices: list[tuple[int, _Splice]] = []
    for order, edit in enumerate(edits):
        found = edit.splices(doc)
        if found is None:
            return None
        splices.extend((order, splice) for splice in found)
    # From the end of the text backwards, so positions found in the original text stay right; at one
    # position the first edit's text ends up first.
    splices.sort(key=lambda pair: (pair[1].start, pair[0]), reverse=True)
    text, limit = doc.text, len(doc.text)
    for _, splice in splices:
        if splice.end > limit:
            return None  # overlapping edits
        text = text[: splice.start] + splice.text + text[splice.end :]
        limit = splice.start
    return text


def _rewrite(doc: _Doc, edits: Sequence[_Edit], file: str) -> str:
    """The file's new text with `edits` made: spliced in place, or else round-tripped whole."""
    expected = copy.deepcopy(doc.data)
    for edit in edits:
        expected = edit.apply(expected)
    expected = _normal(expected)

    spliced = _splice(doc, edits)
    if spliced is not None:
        if _holds(spliced, expected):
            return doc.restore(spliced)
        log.warning("%s: an in-place edit did not give the intended data; rewriting the whole file", file)

    refused = EditRejected(f"{file} is laid out in a way this edit cannot change safely; please make it by hand.")
    rt = _yaml()
    try:
        data = rt.load(doc.text)
        for edit in edits:
            data = edit.apply(data)
        buffer = io.StringIO()
        rt.dump(data, buffer)
    except (RuamelError, LookupError, TypeError):
        log.exception("%s: ruamel.yaml could not round-trip the file", file)
        raise refused from None
    text = buffer.getvalue()
    if not _holds(text, expected):
        raise refused
    log.info("%s: edited by a whole-file round trip (its layout did not allow an in-place edit)", file)
    return doc.restore(text)


# ---------------------------------------------------------------------------------------------- files


def _fsync_directory(directory: Path) -> None:
    if os.name == "nt":  # pragma: no cover - Windows cannot open a folder to fsync it
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` so that a crash at any moment leaves the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    # Hidden and not .yaml: the loader and anyone reading the folder skip it.
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=_TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_directory(path.parent)


def _remove(path: Path) -> None:
    with suppress(FileNotFoundError):
        path.unlink()
    _fsync_directory(path.parent)


def _read(path: Path) -> str:
    """A file's text, or "" when it does not exist."""
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return ""


def _digest(directory: Path) -> str:
    """A digest of every file of the knowledge directory, to know whether it changed since last read."""
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        digest.update(str(relative).encode())
        with suppress(OSError):
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _short(text: str, room: int = 80) -> str:
    return repr(text if len(text) <= room else text[: room - 1] + "…")


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    best = process.extractOne(word, list(choices), score_cutoff=60)
    return f" Did you mean `{best[0]}`?" if best else ""


def _slug(text: str, taken: Collection[str], words: int = 5) -> str:
    """A new id from some text: its telling words, kebab-case, made unique with -2, -3..."""
    cleaned = [re.sub(r"[^a-z0-9]", "", word) for word in clean(text).split()]
    telling = [w for w in cleaned if w and not is_filler(w) and w not in _QUESTION_WORDS]
    base = "-".join((telling or [w for w in cleaned if w])[:words])[:48].strip("-") or "item"
    ident, n = base, 2
    while ident in taken:
        ident, n = f"{base}-{n}", n + 1
    return ident


# ---------------------------------------------------------------------------------------------- the editor


@dataclass(frozen=True, slots=True)
class _Located:
    file: str  # relative to the knowledge directory, with `/`
    index: int  # in the file's section list


class KnowledgeEditor:
    """Makes moderators' edits to a knowledge directory: validated, serialised, atomic and audited.

    Thread-safe, and safe across processes sharing the directory. Each method either returns the
    `Change` it made (already written and recorded) or raises `EditRejected`, having written nothing.
    """

    def __init__(self, directory: Path, store: Store, *, lock_timeout: float = 10.0) -> None:
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
        phrasing = self._phrasing(question)
        with self._locked():
            kb = self.knowledge()
            self._check_new_phrasings(kb, entry_id, [phrasing])
            where = self._locate("entries", entry_id)
            edit = _AppendItems(("entries", where.index, "questions"), (_plain_safe(phrasing),), spaced=False)
            summary = f"added phrasing {_short(phrasing)} to {entry_id}"
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
        phrasings = [self._phrasing(q) for q in questions if q.strip()]
        if not phrasings:
            raise EditRejected("An entry needs at least one question phrasing.")
        answer_text = self._answer(answer)
        excerpts = [_one_line(e) for e in evidence if e.strip()]
        if not excerpts:
            raise EditRejected("An entry needs evidence: at least one excerpt copied word for word from the source.")
        rel = self._relative(file or DEFAULT_ENTRY_FILE)
        with self._locked():
            kb = self.knowledge()
            source_id = self._source(kb, source)
            for excerpt in excerpts:
                self._check_verbatim(kb, source_id, excerpt, "This excerpt")
            ident = self._new_id(kb.entries, entry_id, phrasings[0], "entry")
            self._check_new_phrasings(kb, None, phrasings)
            about_ids = [self._speaker(kb, name) for name in about if name.strip()]
            for quote in quotes:
                if quote not in kb.quotes:
                    raise EditRejected(f"No quote has the id `{quote}`.{_did_you_mean(quote, kb.quotes)}")
            item = CommentedMap()
            item["id"] = ident
            item["questions"] = CommentedSeq([_plain_safe(q) for q in phrasings])
            if any(k.strip() for k in keywords):
                item["keywords"] = _flow(_one_line(k) for k in keywords if k.strip())
            item["answer"] = _styled(answer_text, "answer", 4)
            item["evidence"] = CommentedSeq(
                CommentedMap([("source", source_id), ("excerpt", _styled(excerpt, "excerpt", 8))])
                for excerpt in excerpts
            )
            if quotes:
                item["quotes"] = _flow(quotes)
            if about_ids:
                item["about"] = _flow(about_ids)
            edit = _AppendItems(("entries",), (item,), spaced=True)
            summary = f"added entry {ident} ({_short(phrasings[0])})"
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
        words = _one_line(text).strip('"“”„')  # the words, not the quotation marks around them
        if not words:
            raise EditRejected("A quote needs its words, copied exactly from the source.")
        note = _one_line(attribution_note or "") or None
        with self._locked():
            kb = self.knowledge()
            speaker_id = self._speaker(kb, speaker) if speaker and speaker.strip() else None
            if speaker_id is None and note is None:
                raise EditRejected(
                    "A quote without a speaker needs an attribution note saying what the story does say "
                    "about who spoke (e.g. 'the story says only \"he said\"')."
                )
            source_id = self._source(kb, source)
            self._check_verbatim(kb, source_id, words, "This quote")
            for existing in kb.quotes.values():
                if existing.source == source_id and clean(existing.text) == clean(words):
                    raise EditRejected(f"This quote is already in the knowledge base as `{existing.id}`.")
            prefix = speaker_id.rsplit("-", 1)[-1] if speaker_id else "unattributed"
            ident = self._new_id(kb.quotes, quote_id, f"{prefix} {words}", "quote", words=4)
            rel = self._relative(file) if file else self._quote_file()
            item = CommentedMap()
            item["id"] = ident
            item["speaker"] = speaker_id
            item["source"] = source_id
            item["text"] = _styled(words, "text", 4)
            if note:
                item["attribution_note"] = _styled(note, "attribution_note", 4)
            edit = _AppendItems(("quotes",), (item,), spaced=True)
            who = kb.speakers[speaker_id].name if speaker_id else "unattributed"
            summary = f"added quote {ident} ({who}: {_short(words, 60)})"
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
        phrasings = [self._phrasing(q) for q in add_questions if q.strip()]
        new_answer = self._answer(answer) if answer is not None else None
        with self._locked():
            kb = self.knowledge()
            entry = self._entry(kb, entry_id)
            where = self._locate("entries", entry_id)
            path: tuple[str | int, ...] = ("entries", where.index)
            edits: list[_Edit] = []
            said: list[str] = []
            if new_answer is not None and new_answer != entry.answer:
                edits.append(_SetKey(path, "answer", _styled(new_answer, "answer", 4)))
                said.append(f"changed the answer of {entry_id} to {_short(new_answer, 60)}")
            if phrasings:
                self._check_new_phrasings(kb, entry_id, phrasings)
                edits.append(_AppendItems((*path, "questions"), tuple(_plain_safe(q) for q in phrasings), False))
                said.append(f"added {', '.join(_short(q, 50) for q in phrasings)} to {entry_id}")
            if keywords is not None:
                new = [_one_line(k) for k in keywords if k.strip()]
                if new != list(entry.keywords):
                    if new:
                        edits.append(_SetKey(path, "keywords", _flow(new), after="questions"))
                        said.append(f"set the keywords of {entry_id} to {', '.join(new)}")
                    elif entry.keywords:
                        edits.append(_DeleteKey(path, "keywords"))
                        said.append(f"removed the keywords of {entry_id}")
            if not edits:
                raise EditRejected(f"Nothing to change: entry `{entry_id}` already says that.")
            return self._change(where.file, edits, "edit_entry", entry_id, "; ".join(said), user_id, user_name)

    def remove_entry(self, entry_id: str, *, user_id: int | None = None, user_name: str | None = None) -> Change:
        with self._locked():
            kb = self.knowledge()
            entry = self._entry(kb, entry_id)
            where = self._locate("entries", entry_id)
            summary = f"removed entry {entry_id} ({_short(entry.questions[0])})"
            edit = _DeleteItem(("entries",), where.index)
            return self._change(where.file, [edit], "remove_entry", entry_id, summary, user_id, user_name)

    def remove_phrasing(
        self, entry_id: str, question: str, *, user_id: int | None = None, user_name: str | None = None
    ) -> Change:
        key = clean(question)
        with self._locked():
            kb = self.knowledge()
            entry = self._entry(kb, entry_id)
            where = self._locate("entries", entry_id)
            phrasings = [str(q) for q in self._data(where.file)["entries"][where.index]["questions"]]
            index = next((i for i, q in enumerate(phrasings) if clean(q) == key), None)
            if index is None:
                hint = process.extractOne(question, phrasings, score_cutoff=60)
                also = f" Did you mean {hint[0]!r}?" if hint else ""
                raise EditRejected(f"Entry `{entry_id}` has no phrasing {question!r}.{also}")
            if len(entry.questions) == 1:
                raise EditRejected(
                    f"{phrasings[index]!r} is the only phrasing of `{entry_id}`; add another first, "
                    "or remove the entry."
                )
            summary = f"removed phrasing {_short(phrasings[index])} from {entry_id}"
            edit = _DeleteItem(("entries", where.index, "questions"), index)
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
            current = _read(path)
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
        digest = _digest(self.directory)
        if self._known is not None and self._known[0] == digest:
            return self._known[1]
        kb, problems = validate_knowledge(self.directory)
        if kb is None:
            raise EditRejected(
                "The knowledge base has problems, so no edit can be checked against it; fix them first "
                "(`storybot validate` lists them).",
                problems,
            )
        self._known = (digest, kb)
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
        edits: Sequence[_Edit],
        action: str,
        target: str,
        summary: str,
        user_id: int | None,
        user_name: str | None,
    ) -> Change:
        before = _read(self.directory / file)
        try:
            doc = _Doc(before or self._new_file_text(file))
        except yaml.YAMLError:
            raise EditRejected(f"{file} is not valid YAML; fix it first (`storybot validate` says where).") from None
        after = _rewrite(doc, edits, file)
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
        for stale in path.parent.glob(f".*{_TEMP_SUFFIX}"):
            with suppress(OSError):
                stale.unlink()
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
                _write_atomically(path, after)
            else:
                _remove(path)  # undoing the change that created the file
        except OSError as exc:
            log.exception("could not write %s", path)
            self.store.drop_change(ident)
            raise EditRejected(f"The change could not be saved ({exc.strerror}); {file} was left as it was.") from None
        self.store.finish_change(ident)
        self._known = (_digest(self.directory), kb)
        log.info("change #%d by %s: %s (%s)", ident, user_name or user_id or "someone", summary, file)
        return Change(ident, at, user_id, user_name, action, target, summary, file, before, after, reverts=reverts)

    def _recover(self) -> None:
        """Settle the audit rows of writers that died mid-edit: kept if their file was written, else dropped."""
        for change in self.store.pending_changes():
            if _read(self.directory / change.file) == change.after:
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
        return _load(_read(self.directory / file))

    def _locate(self, section: str, ident: str) -> _Located:
        """Which file holds the item with this id, and where in its section list."""
        for path in knowledge_files(self.directory):
            text = _read(path)
            if ident not in text:  # cheap: most files do not mention it at all
                continue
            data = _load(text)
            items = data.get(section) if isinstance(data, dict) else None
            for index, item in enumerate(items or []):
                if isinstance(item, dict) and item.get("id") == ident:
                    return _Located(path.relative_to(self.directory).as_posix(), index)
        raise EditRejected(f"`{ident}` is not in any {section} list of the knowledge files.")  # pragma: no cover

    def _quote_file(self) -> str:
        """The file with the most quotes (where curators keep them), or quotes.yaml."""
        best, most = DEFAULT_QUOTE_FILE, 0
        for path in knowledge_files(self.directory):
            data = _load(_read(path))
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

    @staticmethod
    def _phrasing(question: str) -> str:
        phrasing = _one_line(question)
        if not clean(phrasing):
            raise EditRejected("A phrasing needs words: write the question out as readers ask it.")
        if len(phrasing) > MAX_QUESTION_CHARS:
            raise EditRejected(f"A phrasing is a question: keep it under {MAX_QUESTION_CHARS} characters.")
        return phrasing

    @staticmethod
    def _answer(answer: str) -> str:
        text = _one_line(answer)
        if not text:
            raise EditRejected("The answer is empty; write the short answer readers will see.")
        if len(text) > MAX_ANSWER_CHARS:
            raise EditRejected(f"Keep the answer short: under {MAX_ANSWER_CHARS} characters.")
        return text

    @staticmethod
    def _entry(kb: KnowledgeBase, entry_id: str) -> Entry:
        if entry_id not in kb.entries:
            raise EditRejected(f"No entry has the id `{entry_id}`.{_did_you_mean(entry_id, kb.entries)}")
        return kb.entries[entry_id]

    def _check_new_phrasings(self, kb: KnowledgeBase, entry_id: str | None, phrasings: Sequence[str]) -> None:
        """Each phrasing may belong to one entry only: say which entry already has it."""
        if entry_id is not None:
            self._entry(kb, entry_id)
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

    @staticmethod
    def _source(kb: KnowledgeBase, source: str | None) -> str:
        if source is None:
            if len(kb.sources) == 1:
                return next(iter(kb.sources))
            raise EditRejected(f"Say which source this comes from: one of {', '.join(sorted(kb.sources))}.")
        if source not in kb.sources:
            raise EditRejected(f"No source has the id `{source}`.{_did_you_mean(source, kb.sources)}")
        return source

    @staticmethod
    def _check_verbatim(kb: KnowledgeBase, source_id: str, words: str, what: str) -> None:
        text = SourceText.of(kb.sources[source_id].text)
        if text.contains(words):
            return
        passage = text.closest_passage(words) or None
        difference = first_difference(words, passage) if passage else None
        detail = f" First difference: {difference}." if difference else ""
        closest = f" The closest passage is: {passage!r}." if passage else ""
        raise EditRejected(
            f"{what} is not word for word in the source.{detail}{closest} Copy the words exactly from the "
            "source (only spacing and curly/straight quotes may differ).",
            closest=passage,
        )

    @staticmethod
    def _speaker(kb: KnowledgeBase, name: str) -> str:
        """A person or organisation by id, or by a name or alias that only they have."""
        name = name.strip()
        if name in kb.speakers:
            return name
        key = clean(name)
        found = {s.id for s in kb.speakers.values() if any(clean(n) == key for n in s.names)}
        if len(found) == 1:
            return found.pop()
        choices = {n: s.id for s in kb.speakers.values() for n in (s.id, *s.names)}
        best = process.extractOne(name, list(choices), score_cutoff=60)
        hint = f" Did you mean `{choices[best[0]]}` ({best[0]})?" if best else ""
        raise EditRejected(f"No person or organisation is called {name!r}.{hint} Add them to `people` first.")

    @staticmethod
    def _new_id(taken: Collection[str], wanted: str | None, text: str, what: str, words: int = 5) -> str:
        if wanted is None or not wanted.strip():
            return _slug(text, taken, words)
        ident = wanted.strip()
        if not _ID.match(ident):
            raise EditRejected(f"The {what} id {ident!r} must use only a-z, 0-9 and '-', e.g. `ring-police-deals`.")
        if ident in taken:
            raise EditRejected(f"The {what} id `{ident}` is already used; choose another.")
        return ident
