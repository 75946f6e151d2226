"""Answering: from what a reader typed to an answer, a set of quotes, or an honest decline.

Normalisation, matching and the decision live here, with the `Answer` every front end formats.
Pure Python over the knowledge model; it never imports discord.
"""

from bot.answering.answer import Answer, Outcome, QuoteResult, QuoteView, Suggestion
from bot.answering.matcher import Engine

__all__ = ["Answer", "Engine", "Outcome", "QuoteResult", "QuoteView", "Suggestion"]
