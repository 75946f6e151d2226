"""YAML parsing that can say where every value came from, so errors name `file:line:column`.

Only safe loading is used. A document is first loaded plainly by PyYAML's (C, when available)
safe loader, which is as fast as YAML gets; where each value came from is worked out only when a
problem needs a position, by composing the document into nodes and converting them here. Anything
unusual (anchors, aliases, duplicate keys, merge keys, odd tags) goes straight to that careful path,
which refuses anchors and aliases and so makes "billion laughs" documents harmless.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

try:  # The C loader is many times faster; fall back to pure Python where it is not built.
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

Path_ = tuple[str | int, ...]  # ("entries", 3, "questions", 0)

MAX_DEPTH = 64  # knowledge files are three or four levels deep; anything deeper is a mistake
_NO_ANCHORS = "anchors and aliases (&name, *name) are not supported; write the value out"


@dataclass(frozen=True, slots=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based

    @classmethod
    def of(cls, mark: Any) -> Position:
        return cls(mark.line + 1, mark.column + 1)


class YamlProblem(Exception):
    """The file is not YAML we can read; carries the position of the problem."""

    def __init__(self, message: str, position: Position) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


class _Unusual(Exception):
    """The plain loader met something only the careful path can judge."""


def _refuse(loader: Any, node: Any) -> Any:
    raise _Unusual


def _plain_mapping(loader: Any, node: Any) -> dict[str, Any]:
    if not isinstance(node, yaml.MappingNode):
        raise _Unusual
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge") or key_node.value in result:
            raise _Unusual
        result[key_node.value] = loader.construct_object(value_node, deep=True)
    return result


class _PlainLoader(_SafeLoader):
    """Plain values exactly as `_convert` makes them, without positions."""


def _plain_scalar(loader: Any, node: Any) -> Any:
    return _scalar(node)


for _tag in ("null", "bool", "int", "float", "timestamp"):
    _PlainLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _plain_scalar)
_PlainLoader.add_constructor("tag:yaml.org,2002:map", _plain_mapping)
for _tag in ("binary", "set", "omap", "pairs", "merge"):
    _PlainLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse)
_PlainLoader.add_constructor(None, _refuse)  # any tag of the curator's own


class Document:
    """A parsed document; the positions of its values are worked out when first asked for."""

    def __init__(self, text: str, data: Any, located: LocatedDocument | None = None) -> None:
        self.text = text
        self.data = data
        self._located = located

    def _positions(self) -> LocatedDocument:
        if self._located is None:
            self._located = parse(self.text)
        return self._located

    def where(self, path: Path_) -> Position:
        return self._positions().where(path)

    def where_key(self, path: Path_) -> Position:
        return self._positions().where_key(path)


def _deeper_than(data: Any, limit: int) -> bool:
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values() if isinstance(item, dict | list))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value if isinstance(item, dict | list))
    return False


def load_document(text: str) -> Document:
    """Parse one YAML document, raising `YamlProblem` with a position on any problem."""
    if "&" not in text and "*" not in text:  # no anchor or alias can be written without these
        try:
            data = yaml.load(text, Loader=_PlainLoader)  # noqa: S506 - a safe loader
            if not _deeper_than(data, MAX_DEPTH):
                return Document(text, data)
        except (yaml.YAMLError, _Unusual, RecursionError):
            pass  # the careful path says precisely what is wrong, or accepts what was merely unusual
    located = parse(text)
    return Document(text, located.data, located)


@dataclass(slots=True)
class LocatedDocument:
    """A parsed document and the positions of its values (and of mapping keys)."""

    data: Any
    values: dict[Path_, Position]
    keys: dict[Path_, Position]

    def where(self, path: Path_) -> Position:
        """The position of the value at `path`, or of its nearest enclosing value."""
        while path:
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), Position(1, 1))

    def where_key(self, path: Path_) -> Position:
        return self.keys.get(path) or self.where(path)


def _at_end(text: str, mark: Any) -> bool:
    last_line = text.count("\n")
    return (mark.line, mark.column) >= (last_line, len(text) - (text.rfind("\n") + 1))


def _refuse_anchors(text: str) -> None:
    """Refuse every anchor and alias where it is written (composing would hide where a `*name` was)."""
    if "&" not in text and "*" not in text:  # neither can be written without one of these
        return
    for event in yaml.parse(text, Loader=_SafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise YamlProblem(_NO_ANCHORS, Position.of(event.start_mark))


def parse(text: str) -> LocatedDocument:
    """Parse one YAML document, raising `YamlProblem` with a position on any problem."""
    try:
        _refuse_anchors(text)
        node = yaml.compose(text, Loader=_SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "not valid YAML"
        context = f" ({exc.context})" if exc.context else ""
        message = f"YAML syntax error: {problem}{context}"
        if exc.problem_mark is not None and exc.context_mark is not None and _at_end(text, exc.problem_mark):
            # An unclosed quote or bracket fails only at the end of the file: point at where it was opened.
            mark = exc.context_mark
            message = (
                f"YAML syntax error: this is never closed, the file ends first{context}; "
                "add the closing quote or bracket"
            )
        position = Position.of(mark) if mark is not None else Position(1, 1)
        raise YamlProblem(message, position) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML error: {exc}", Position(1, 1)) from None
    document = LocatedDocument(None, {}, {})
    if node is None:
        return document
    document.data = _convert(node, (), document, set(), 0)
    return document


_BOOL = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}


def _scalar(node: yaml.ScalarNode) -> Any:
    tag, value = node.tag, node.value
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        return _BOOL.get(value.lower(), value)
    if tag.endswith(":int"):
        try:
            return int(value.replace("_", ""), 0)
        except ValueError:
            return value
    if tag.endswith(":float"):
        try:
            return float(value.replace("_", ""))
        except ValueError:
            return value
    # Strings, and dates kept as the text the curator wrote.
    return value


def _convert(node: yaml.Node, path: Path_, doc: LocatedDocument, seen: set[int], depth: int) -> Any:
    here = Position.of(node.start_mark)
    if depth > MAX_DEPTH:
        raise YamlProblem(f"nested more than {MAX_DEPTH} levels deep; knowledge files are flat lists", here)
    if id(node) in seen:  # an alias; `_refuse_anchors` reports it first, this is a second guard
        raise YamlProblem(_NO_ANCHORS, here)
    seen.add(id(node))
    doc.values[path] = here
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*path, i), doc, seen, depth + 1) for i, item in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_at = Position.of(key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem("a key must be a plain name such as `id` or `answer`", key_at)
            if key_node.tag.endswith(":merge"):
                raise YamlProblem("merge keys (<<) are not supported; write the fields out", key_at)
            key = str(key_node.value)
            if key in result:
                raise YamlProblem(f"the key {key!r} appears twice in this mapping; keep one", key_at)
            doc.keys[(*path, key)] = key_at
            result[key] = _convert(value_node, (*path, key), doc, seen, depth + 1)
        return result
    raise YamlProblem("unsupported YAML node", here)  # pragma: no cover - PyYAML has only three kinds
