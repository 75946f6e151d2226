"""Answering: from what a reader typed to an answer, a set of quotes, or an honest decline.

Normalisation, matching and the decision live here, with the `Answer` every front end formats.
Pure Python over the knowledge model; it never imports discord.
"""

from bot.answering.answer import Answer, Outcome, QuoteResult, QuoteView, Suggestion
from bot.answering.matcher import Engine


def load_word_lists() -> None:
    """Read the general-English, language and ordinary-English word lists answering uses (about 0.6 s, read
    lazily otherwise): front ends call this at start-up (see `startup.warm_up`) so that no question waits."""
    from bot.answering import general_english, language
    from bot.knowledge.grounding import is_english_word

    general_english.load()
    language.load()
    is_english_word("question")  # the first name in a question reads the whole list (0.1 s)


__all__ = ["Answer", "Engine", "Outcome", "QuoteResult", "QuoteView", "Suggestion", "load_word_lists"]
