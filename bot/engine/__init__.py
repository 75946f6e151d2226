"""The answering engine: knowledge model, loading and validation, normalisation and matching.

Pure Python; it never imports discord, so every front end (CLI, Discord, tests) shares it.
"""

from bot.engine.answer import Answer, Outcome, QuoteResult, QuoteView, Suggestion
from bot.engine.loader import KnowledgeError, bundled_knowledge_dir, load_knowledge
from bot.engine.matcher import Engine
from bot.engine.model import Entry, KnowledgeBase, Quote, Source, Speaker

__all__ = [
    "Answer",
    "Engine",
    "Entry",
    "KnowledgeBase",
    "KnowledgeError",
    "Outcome",
    "Quote",
    "QuoteResult",
    "QuoteView",
    "Source",
    "Speaker",
    "Suggestion",
    "bundled_knowledge_dir",
    "load_knowledge",
]
