"""Edits to one knowledge file by a ruamel.yaml round trip that keeps the file as curators wrote it.

The file is loaded with ruamel.yaml (which keeps comments, key order, quoting and flow lists), the
edits are made to that data, and it is written back in the shipped files' style: mappings indented
by 2, list dashes 2 in (or 0, when the file writes `key:\\n- item`), null as `null`, nothing
re-wrapped. All ten shipped files come back from that round trip byte for byte.

A hand-written file may differ from the round trip somewhere (a list indented its own way, say).
Its own bytes are kept there: the lines the edit changed in the round-tripped text are carried
over into the file's text, and the rest of the file stays as it was. Only when the edit touches
such a place is the whole round-tripped text used.

New text is styled as the shipped files are: long text folded with `>-` at `WRAP_COLUMN`, and
quoted wherever PyYAML (the parser the loader reads with, YAML 1.1) would read it as anything but
text ("yes", "400", "null"). Whatever the result, it is parsed back with PyYAML and must hold
exactly the intended data, or the edit is refused.
"""

from __future__ import annotations

import copy
import difflib
import io
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError as RuamelError
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import FoldedScalarString, SingleQuotedScalarString

try:  # PyYAML's C loader: the loader's own parser, and fast
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

__all__ = [
    "WRAP_COLUMN",
    "AppendItems",
    "DeleteItem",
    "DeleteKey",
    "Edit",
    "SetKey",
    "UneditableFile",
    "dump",
    "flow",
    "load",
    "load_round_trip",
    "plain_safe",
    "rewrite",
    "styled",
    "styled_data",
]

log = logging.getLogger(__name__)

WRAP_COLUMN = 100  # long text is folded to this width, as in the shipped files
_NO_REWRAP = 4096  # ruamel.yaml's line width: wider than any line, so it never re-wraps a curator's text
_DASH_OFFSETS = (2, 0)  # where list dashes sit under their key: the shipped style first, then `key:\n- item`
_STR_TAG = "tag:yaml.org,2002:str"
_PYYAML_RESOLVER = yaml.resolver.Resolver()  # how the loader (PyYAML, YAML 1.1) reads a plain scalar


class UneditableFile(Exception):
    """The file is not valid YAML (`not_yaml`), or its layout defeats this edit; nothing was changed."""

    def __init__(self, message: str, *, not_yaml: bool = False) -> None:
        super().__init__(message)
        self.not_yaml = not_yaml


class _Representer(RoundTripRepresenter):
    """Writes null as `null`, as the shipped files do (ruamel.yaml would leave the value empty)."""


_Representer.add_representer(
    type(None), lambda representer, _: representer.represent_scalar("tag:yaml.org,2002:null", "null")
)


def _yaml(offset: int = 2) -> YAML:
    """ruamel.yaml set up like the shipped files: mappings by 2, list dashes `offset` in, no re-wrapping."""
    rt = YAML(typ="rt")
    rt.Representer = _Representer
    rt.width = _NO_REWRAP
    rt.indent(mapping=2, sequence=offset + 2, offset=offset)
    rt.preserve_quotes = True
    return rt


def dump(data: Any, offset: int = _DASH_OFFSETS[0]) -> str:
    """Data as the project writes YAML: the shipped files' layout, with `styled` and `flow` text as they say."""
    buffer = io.StringIO()
    _yaml(offset).dump(data, buffer)
    return buffer.getvalue()


def load_round_trip(text: str) -> Any:
    """A file's ruamel.yaml data, its comments, key order and quoting kept: to change, then `dump`."""
    return _yaml().load(text)


def load(text: str) -> Any:
    """A file's data, as PyYAML's safe loader reads it (the validator has refused anything unsafe)."""
    return yaml.load(text, Loader=_SafeLoader)


# ---------------------------------------------------------------------------------------------- new text


def plain_safe(text: str) -> str:
    """`text`, quoted when PyYAML would read it plain as something else ("yes", "400", "null")."""
    tag = _PYYAML_RESOLVER.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    if tag == _STR_TAG:
        return text
    return cast(str, SingleQuotedScalarString(text))


def styled(text: str, key: str, column: int) -> str:
    """Text for `key: text` with the key at `column`: on one line when it fits, else folded (`>-`)."""
    if column + len(key) + 2 + len(text) <= WRAP_COLUMN or " " not in text:
        return plain_safe(text)
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


def styled_data(data: Any, column: int = 0) -> Any:
    """Plain data (as loaded) ready for `dump`, its mappings' keys at `column`: long text folded as `styled`
    folds it, and all text quoted where PyYAML would read it as anything else. Round-trip data (a `flow`
    list, say) is kept as it is."""
    if isinstance(data, CommentedMap | CommentedSeq):
        return data
    if isinstance(data, dict):
        return CommentedMap((key, _styled_value(str(key), value, column)) for key, value in data.items())
    if isinstance(data, list | tuple):  # `column`: where the keys of its items sit
        return CommentedSeq(styled_data(item, column) for item in data)
    return plain_safe(data) if isinstance(data, str) else data


def _styled_value(key: str, value: Any, column: int) -> Any:
    if isinstance(value, str):
        return value if "\n" in value else styled(value, key, column)  # text with line breaks is quoted
    if isinstance(value, dict):
        return styled_data(value, column + 2)
    if isinstance(value, list | tuple):
        return styled_data(value, column + _DASH_OFFSETS[0] + 2)
    return value


def flow(items: Iterable[str]) -> CommentedSeq:
    """A `[a, b]` list."""
    seq = CommentedSeq([plain_safe(item) for item in items])
    seq.fa.set_flow_style()
    return seq


# ---------------------------------------------------------------------------------------------- edits
# Each edit changes a file's data: PyYAML's plain data, to say what the file must hold afterwards,
# and ruamel.yaml's round-trip data, which is written back. `lines` are the file's lines, for the
# spacing of new items.


def _get(data: Any, path: Sequence[str | int]) -> Any:
    for step in path:
        data = data[step]
    return data


def _spaced_list(seq: CommentedSeq, lines: Sequence[str]) -> bool | None:
    """Whether an empty line (maybe followed by comments) comes before the list's last item; None if unknown."""
    if len(seq) < 2 or not lines:
        return None
    line = seq.lc.item(len(seq) - 1)[0] - 1
    while 0 <= line < len(lines) and lines[line].lstrip().startswith("#"):
        line -= 1
    return 0 <= line < len(lines) and not lines[line].strip()


@dataclass(frozen=True, slots=True)
class AppendItems:
    path: tuple[str | int, ...]  # of the list
    items: tuple[Any, ...]
    spaced: bool  # an empty line before each new item, unless the list's own spacing says otherwise

    def apply(self, data: Any, lines: Sequence[str] = ()) -> Any:
        if data is None:
            data = CommentedMap()
        parent = _get(data, self.path[:-1])
        if parent.get(self.path[-1]) is None:
            parent[self.path[-1]] = CommentedSeq()
            if isinstance(parent, CommentedMap) and len(parent) > 1:  # a new section: apart from the last
                parent.yaml_set_comment_before_after_key(self.path[-1], before="\n")
        seq = parent[self.path[-1]]
        start = len(seq)
        own = _spaced_list(seq, lines) if isinstance(seq, CommentedSeq) else None
        seq.extend(self.items)
        block = isinstance(seq, CommentedSeq) and not seq.fa.flow_style()
        if start and block and (self.spaced if own is None else own):
            for index in range(start, len(seq)):
                seq.yaml_set_comment_before_after_key(index, before="\n")
        return data


@dataclass(frozen=True, slots=True)
class SetKey:
    path: tuple[str | int, ...]  # of the mapping
    key: str
    value: Any
    after: str | None = None  # where a new key goes (after the last key when absent)

    def apply(self, data: Any, lines: Sequence[str] = ()) -> Any:
        mapping = _get(data, self.path)
        if self.key not in mapping and isinstance(mapping, CommentedMap):
            keys = list(mapping)
            position = keys.index(self.after) + 1 if self.after in keys else len(keys)
            mapping.insert(position, self.key, self.value)
        else:
            mapping[self.key] = self.value
        return data


@dataclass(frozen=True, slots=True)
class DeleteKey:
    path: tuple[str | int, ...]
    key: str

    def apply(self, data: Any, lines: Sequence[str] = ()) -> Any:
        del _get(data, self.path)[self.key]
        return data


def _last_value(node: Any) -> tuple[CommentedMap | CommentedSeq, str | int] | None:
    """The collection and key of the last value written inside `node` (where ruamel.yaml keeps the
    comments that follow it), or None for a scalar or an empty collection."""
    found = None
    while isinstance(node, CommentedMap | CommentedSeq) and node and not node.fa.flow_style():
        key = next(reversed(node)) if isinstance(node, CommentedMap) else len(node) - 1
        found, node = (node, key), node[key]  # a `[flow, list]` is one value: comments follow it whole
    return found


def _keep_trailing_comments(removed: Any, keeper: Any) -> None:
    """The full-line comments after a removed last item (the end of a file, say) go after the new last one."""
    source, target = _last_value(removed), _last_value(keeper)
    if source is None or target is None:
        return
    (holder, key), (new_holder, new_key) = source, target
    at = 2 if isinstance(holder, CommentedMap) else 0  # ruamel.yaml's slot for what follows a value
    token = (holder.ca.items.get(key) or [None] * 4)[at]
    rest = token.value.partition("\n")[2] if token is not None else ""
    if not rest.strip():
        return
    new_at = 2 if isinstance(new_holder, CommentedMap) else 0
    slots = new_holder.ca.items.setdefault(new_key, [None] * 4)
    own = slots[new_at].value.partition("\n")[0] if slots[new_at] is not None else ""  # its own line's comment
    slots[new_at] = copy.copy(token)
    slots[new_at].value = f"{own}\n{rest}"


@dataclass(frozen=True, slots=True)
class DeleteItem:
    path: tuple[str | int, ...]  # of the list
    index: int

    def apply(self, data: Any, lines: Sequence[str] = ()) -> Any:
        seq = _get(data, self.path)
        if isinstance(seq, CommentedSeq) and self.index == len(seq) - 1 > 0:
            _keep_trailing_comments(seq[self.index], seq[self.index - 1])
        del seq[self.index]
        return data


Edit = AppendItems | SetKey | DeleteKey | DeleteItem


# ---------------------------------------------------------------------------------------------- the round trip


def _normal(data: Any) -> Any:
    """Data as compared after an edit: no file and an empty file are alike, as are `entries:` and `entries: []`."""
    if data is None:
        return {}
    if isinstance(data, dict):
        return {key: ([] if value is None else value) for key, value in data.items()}
    return data


def _holds(text: str, expected: Any) -> bool:
    try:
        return bool(_normal(load(text)) == expected)
    except yaml.YAMLError:
        return False


def _differing(a: list[str], b: list[str]) -> int:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return len(b) - sum(block.size for block in matcher.get_matching_blocks())


def _carry_over(original: list[str], before: list[str], after: list[str]) -> list[str] | None:
    """The original lines with the changes from `before` to `after` made where `before` matches them.

    `before` is the original as the round trip writes it, `after` the same with the edits made. Where
    a change lands on lines the original writes its own way there is no telling where it goes: None.
    """
    same: dict[int, int] = {}  # line of `before` → the same line of the original
    for block in difflib.SequenceMatcher(None, before, original, autojunk=False).get_matching_blocks():
        same.update((block.a + k, block.b + k) for k in range(block.size))
    result: list[str] = []
    at = 0  # lines of the original copied so far
    opcodes = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            continue
        if i1 < i2:  # lines replaced or removed: all of them must be the original's own
            mapped = [same.get(i) for i in range(i1, i2)]
            if None in mapped or mapped != list(range(cast(int, mapped[0]), cast(int, mapped[0]) + len(mapped))):
                return None
            start, end = cast(int, mapped[0]), cast(int, mapped[-1]) + 1
        else:  # lines inserted: between two lines that follow each other in the original too
            previous = same.get(i1 - 1, -1) if i1 else -1
            following = same.get(i1, len(original)) if i1 < len(before) else len(original)
            if (i1 and previous < 0) or (i1 < len(before) and i1 not in same) or following != previous + 1:
                return None
            start = end = following
        if start < at:
            return None
        result.extend(original[at:start])
        result.extend(after[j1:j2])
        at = end
    result.extend(original[at:])
    return result


def _style_offset(text: str, data: Any) -> tuple[int, str]:
    """The dash offset whose round trip is closest to the file, and that round trip's text."""
    lines = text.splitlines(keepends=True)
    tried: list[tuple[int, int, str]] = []
    for offset in _DASH_OFFSETS:
        dumped = dump(data, offset)
        if dumped == text:
            return offset, dumped
        tried.append((_differing(dumped.splitlines(keepends=True), lines), offset, dumped))
    _, offset, dumped = min(tried, key=lambda t: t[0])
    return offset, dumped


def _append_section(text: str, data: Any, edits: Sequence[Edit]) -> str:
    """A file with no data yet (empty, or only comments, which ruamel.yaml would drop): sections at its end."""
    for edit in edits:
        data = edit.apply(data)
    lead = "" if not text.strip() or text.endswith("\n\n") else "\n" if text.endswith("\n") else "\n\n"
    return text + lead + dump(data, _DASH_OFFSETS[0])


def rewrite(text: str, edits: Sequence[Edit], file: str) -> str:
    """A file's text (with `\\n` line ends) with `edits` made, keeping every byte they do not change.

    Raises `UneditableFile` when the text is not YAML or the edit cannot be made safely.
    """
    try:
        plain = load(text)
    except yaml.YAMLError:
        raise UneditableFile(f"{file} is not valid YAML", not_yaml=True) from None
    expected = copy.deepcopy(plain)
    for edit in edits:
        expected = edit.apply(expected)
    expected = _normal(expected)
    try:
        if plain is None:
            result = _append_section(text, None, edits)
        else:
            data = _yaml().load(text)
            offset, before = _style_offset(text, data)
            lines = text.splitlines()
            for edit in edits:
                data = edit.apply(data, lines)
            after = dump(data, offset)
            carried = _carry_over(
                text.splitlines(keepends=True), before.splitlines(keepends=True), after.splitlines(keepends=True)
            )
            result = after if carried is None else "".join(carried)
            if carried is None and before != text:
                log.info("%s: rewritten whole by the round trip (the edit touches lines in their own style)", file)
    except (RuamelError, LookupError, TypeError, AttributeError):
        log.exception("%s: ruamel.yaml could not round-trip the file", file)
        raise UneditableFile(f"{file} is laid out in a way this edit cannot change safely") from None
    if not _holds(result, expected):
        raise UneditableFile(f"{file} is laid out in a way this edit cannot change safely")
    return result
