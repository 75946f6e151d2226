"""Answering: from what a reader typed to an answer, a set of quotes, or an honest decline.

Normalisation, matching and the decision live here, with the `Answer` every front end formats.
Pure Python over the knowledge model; it never imports discord.
"""

from bot.answering.answer import Answer, Outcome, QuoteResult, QuoteView, Suggestion
from bot.answering.matcher import Engine


def load_word_lists() -> None:
    """Read the general-English and language word lists answering uses (about 0.5 s, read lazily otherwise):
    the bot calls this in a worker thread at start-up so the first question does not wait on the event loop."""
    from bot.answering import general_english, language

    general_english.load()
    language.load()


__all__ = ["Answer", "Engine", "Outcome", "QuoteResult", "QuoteView", "Suggestion", "load_word_lists"]
