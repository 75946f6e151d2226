"""YAML parsing that can say where every value came from, so errors name `file:line:column`.

Only safe loading is used. A document is first loaded plainly (`load_data`): values are built
straight from the events of PyYAML's (C, when available) safe parser, which is faster and holds
less than PyYAML's own composer and constructor. Where each value came from is worked out only
when a problem needs a position (`parse`), by composing the document into nodes and converting
them with positions. Anything unusual (anchors, aliases, duplicate keys, merge keys, deep nesting)
goes straight to that careful path, which refuses anchors and aliases and so makes "billion
laughs" documents harmless.
"""

from __future__ import annotations

from collections.abc import Iterable
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
    """The plain path met something only the careful path can judge."""


_STR = "tag:yaml.org,2002:str"
_NO_KEY: Any = object()  # a mapping waiting for its next key

# First characters the implicit resolvers look at (`true`, `null`, `12`, `~`...): a plain scalar
# starting with any other character is text, without asking. A wildcard (None) resolver would
# claim every scalar, and path resolvers need the composer, so with either the plain path is off.
_CLAIMED: frozenset[str | None] = frozenset(_SafeLoader.yaml_implicit_resolvers)
_PLAIN_PATH = None not in _CLAIMED and not _SafeLoader.yaml_path_resolvers


def _plain(loader: Any) -> Any:
    """The document's values from the parser's events, as `_convert` makes them, without positions.

    Events come one at a time, so nothing but the values is held (composing nodes first would hold
    several times the file's size). Raises `_Unusual` for anything the careful path must judge:
    anchors, aliases, odd keys, deep nesting, a second document.
    """
    get_event = loader.get_event
    get_event()  # the stream's start
    if isinstance(get_event(), yaml.StreamEndEvent):
        return None
    stack: list[list[Any]] = []  # [the list or dict being filled, the key waiting for its value]
    value: Any = None
    while True:
        event = get_event()
        kind = type(event)
        if kind is yaml.ScalarEvent:
            if event.anchor is not None:
                raise _Unusual
            value = text = event.value
            tag = event.tag
            if tag is None or tag == "!":
                if event.implicit[0] and text and text[0] not in _CLAIMED:
                    tag = _STR
                else:
                    tag = loader.resolve(yaml.ScalarNode, text, event.implicit)
            if tag != _STR:
                value = _scalar_value(tag, text)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if event.anchor is not None or len(stack) > MAX_DEPTH:
                raise _Unusual  # (text may sit one level deeper than the deepest list or mapping)
            stack.append([{} if kind is yaml.MappingStartEvent else [], _NO_KEY])
            continue
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            value = stack.pop()[0]
        elif kind is yaml.DocumentEndEvent:
            if not isinstance(get_event(), yaml.StreamEndEvent):
                raise _Unusual  # a second document; the careful path says so
            return value
        else:
            raise _Unusual  # an alias
        if not stack:
            continue  # the document's root; it ends next
        top = stack[-1]
        container = top[0]
        if type(container) is list:
            container.append(value)
        elif top[1] is _NO_KEY:
            if kind is not yaml.ScalarEvent or tag.endswith(":merge") or text in container:
                raise _Unusual
            top[1] = text
        else:
            container[top[1]] = value
            top[1] = _NO_KEY


def load_data(text: str, raw: bytes | None = None) -> Any:
    """Parse one YAML document into plain values, raising `YamlProblem` with a position on any problem.

    `raw` is the same document as UTF-8 bytes, when the caller has them: the C parser reads them
    without the copy it would make of `text`.
    """
    if _PLAIN_PATH:
        loader = _SafeLoader(raw if raw is not None else text)
        try:
            return _plain(loader)
        except (yaml.YAMLError, _Unusual):
            pass  # the careful path says precisely what is wrong, or accepts what was merely unusual
        finally:
            loader.dispose()
    return parse(text).data


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


def locate(text: str, wanted: Iterable[tuple[Path_, bool]]) -> LocatedDocument:
    """The positions of the values (True: the keys) at `wanted` paths, and of the values enclosing them.

    For a document that loads (see `load_data`). `parse` composes every node to know every position; a
    file with a million mistakes in a million keys held over a gigabyte that way, to place the thousand
    problems kept. Here the parser's events stream past and only the positions asked for are kept;
    containers off every wanted path are skipped without working out any path inside them.
    """
    keys_wanted = {wanted_path for wanted_path, key in wanted if key}
    prefixes: set[Path_] = {()}
    for wanted_path, _ in wanted:
        prefixes.update(wanted_path[:end] for end in range(len(wanted_path) + 1))
    document = LocatedDocument(None, {}, {})
    loader: Any = _SafeLoader(text)  # PyYAML's loaders and events are untyped
    # One frame per open container: [its path (None: skipped), next item index, the key waiting for its value]
    stack: list[list[Any]] = []
    try:
        while (event := loader.get_event()) is not None:
            kind = type(event)
            if kind is yaml.StreamEndEvent:
                break
            if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                stack.pop()
                continue
            if kind not in (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.AliasEvent):
                continue  # stream and document boundaries
            path: Path_ | None = ()
            if stack:
                top = stack[-1]
                parent = top[0]
                if parent is None:
                    path = None
                elif top[1] is not None:  # a sequence: the next item
                    path = (*parent, top[1])
                    top[1] += 1
                elif top[2] is _NO_KEY:  # a mapping's key
                    if kind is yaml.ScalarEvent:
                        key = str(event.value)
                        if (*parent, key) in keys_wanted:
                            document.keys[(*parent, key)] = Position.of(event.start_mark)
                        top[2] = key
                    else:
                        top[2] = None  # not a key the data has; its value is skipped
                    if kind is not yaml.ScalarEvent and kind is not yaml.AliasEvent:
                        stack.append([None, None, _NO_KEY])
                    continue
                else:  # a mapping's value
                    path = None if top[2] is None else (*parent, top[2])
                    top[2] = _NO_KEY
            if path is not None and path in prefixes:
                document.values[path] = Position.of(event.start_mark)
            else:
                path = None
            if kind is yaml.MappingStartEvent:
                stack.append([path, None, _NO_KEY])
            elif kind is yaml.SequenceStartEvent:
                stack.append([path, 0, _NO_KEY])
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML error: {exc}", Position(1, 1)) from None
    finally:
        loader.dispose()
    return document


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
    return _scalar_value(node.tag, node.value)


def _scalar_value(tag: str, value: str) -> Any:
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
