"""The knowledge model and everything that reads it: loading, validation, YAML positions, the schema.

A knowledge directory is untrusted input: nothing here answers questions, and nothing here imports
discord. `load_knowledge` is the one way in; every problem it finds names `file:line:column`.
"""

from bot.knowledge.loader import KnowledgeError, bundled_knowledge_dir, load_knowledge
from bot.knowledge.model import Entry, KnowledgeBase, Quote, Source, Speaker

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
