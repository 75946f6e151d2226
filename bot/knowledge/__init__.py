"""The knowledge model and everything that reads it: loading, validation, YAML positions, the schema.

A knowledge directory is untrusted input: nothing here answers questions, and nothing here imports
discord. `load_knowledge` is the one way in; every problem it finds names `file:line:column`.
"""

from typing import TYPE_CHECKING, Any

from bot.knowledge.model import Entry, KnowledgeBase, Quote, Source, Speaker
from bot.knowledge.problems import KnowledgeError

if TYPE_CHECKING:
    from bot.knowledge.loader import bundled_knowledge_dir, load_knowledge

__all__ = [
    "Entry",
    "KnowledgeBase",
    "KnowledgeError",
    "Quote",
    "Source",
    "Speaker",
    "bundled_knowledge_dir",
    "load_knowledge",
]

# The loader (and the validation it brings) is imported at first use, not with the model: a warm start
# opens engines from the cache and never reads a knowledge file.
_FROM_LOADER = frozenset({"bundled_knowledge_dir", "load_knowledge"})


def __getattr__(name: str) -> Any:
    if name in _FROM_LOADER:
        from bot.knowledge import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
