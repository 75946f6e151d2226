"""An engine's whole state as plain values, to compare two engines built apart (a cold build and a rebuild).

Arrays become their type code and bytes, whether built (`array`) or opened from the cache (`memoryview`); a
mapping whose order no answer depends on (and that a cold build itself orders by string hashes) becomes a
plain dict, and everything whose order matters stays in order: the vocabulary, term and word lists, lists of
candidates.
"""

from __future__ import annotations

from array import array
from collections import Counter
from typing import Any

from bot.answering import Engine

# Where the engine keeps what is not its index's content: its first stage is compared by what it finds, and a
# story's rows (`shortlist_features`) are laid out from the index compared here.
_LEFT_OUT = {"_first_stage", "_index_dir", "_decision", "_reader", "_rows"}


def plain(value: Any) -> Any:
    if isinstance(value, array):
        return ("array", value.typecode, value.tobytes())
    if isinstance(value, memoryview):
        return ("array", value.format, value.tobytes())
    if hasattr(value, "tobytes") and hasattr(value, "nbytes"):  # the cache's bytes read when asked
        return ("array", "B", value.tobytes())
    if isinstance(value, Counter):
        return ("counter", list(value.items()))
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if callable(value):  # a bound method of the engine's own tables
        return "callable"
    if "__eq__" not in vars(type(value)) and hasattr(value, "__dict__"):  # compared by what it holds
        return (type(value).__name__, plain(vars(value)))
    return value


def engine_state(engine: Engine) -> dict[str, Any]:
    """Every attribute of the engine that answers depend on, as plain values."""
    state: dict[str, Any] = {}
    for name, value in vars(engine).items():
        if name in _LEFT_OUT:
            continue
        if name == "kb":
            value = (value.fingerprint, dict(value.entries.items()), dict(value.sources.items()), value.speakers)
        elif name == "_reuse":
            words = value.words()
            value = (value.code, *map(plain, (value.word_offsets, value.word_ids, value.word_counts)), words)
        elif name == "_entry_ids":  # a list, or the cache's packed ids
            value = list(value)
        elif name == "_acronyms":
            value = value._built()
        elif name == "_vocab":
            # caches of what was looked up and rewritten
            value = {k: v for k, v in vars(value).items() if k not in ("_terms", "_rewritten")}
        state[name] = plain(value)
    state["first stage docs"] = engine._first_stage.doc_count
    return state


def differences(one: dict[str, Any], other: dict[str, Any]) -> list[str]:
    """The attributes that differ, by name (empty when the engines are the same)."""
    return sorted(name for name in one.keys() | other.keys() if one.get(name) != other.get(name))
