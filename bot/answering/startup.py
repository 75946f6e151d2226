"""What a long-running front end does once, before its first reader: `warm_up`.

Answering reads a few things only when a question first needs them: the word lists (`load_word_lists`),
a module numpy imports inside its first call, the patterns that strip the bot's own names from a message,
a large base's table of entry ids, its acronym table (after a cold build), and for a library the words
that name each story. Each is paid once per process, and without a warm-up it is paid inside a reader's
question: at 1,000 entries the first question took 20-85 ms and the first one naming someone 110-130 ms
(the ordinary-English word list), against a median of 1.5 ms; at 100,000 entries, after a cold build,
the first question with a short unknown word took 6.6 s (the acronym table). Measured with
`time.perf_counter` around each `Engine.ask`, and `cProfile` on the slow ones.

Then the collector is told to leave what was loaded alone (`gc.freeze`): the engine and its tables live
as long as the process, and a full collection walking them stalls the question that happens to trigger it.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Sequence

from bot.answering import load_word_lists
from bot.answering.matcher import Engine
from bot.answering.stories import StoryEngines

log = logging.getLogger(__name__)

# Set aside by the reader like any chat around a question: the warm-up goes through the same steps as a
# message that greets the bot before asking.
_GREETING = "hey"
# Initials no story spells out, shouted as a reader shouts them: the question that asks what they stand for
# reads the acronym table of the whole base (built on first use: 6.6 s at 100,000 entries, after a cold
# build) and tries to correct a word the base does not know.
_ACRONYM_QUESTION = "what does QXZJ stand for?"


def warm_up(stories: StoryEngines | Engine, names: Sequence[str] = ()) -> None:
    """Pay the first question's one-time costs now, for every engine, then freeze what is loaded.

    `names` are the bot's own names, as the front end passes them to `ask`. Each engine is asked one of its
    own questions (the first phrasing of its first entry), greeted as a reader greets the bot; a library's
    router is asked one too. Answers are thrown away: asking changes nothing in an engine but its caches.
    """
    started = time.perf_counter()
    load_word_lists()
    router = stories if isinstance(stories, StoryEngines) else None
    engines = list(stories.engines.values()) if isinstance(stories, StoryEngines) else [stories]
    for engine in engines:
        warm_engine(engine, names)
    if router is not None and len(router) > 1:
        router.ask(_own_question(engines[0]), names=names)  # the words that name each story, read once
    freeze()
    log.info("warmed up %d engine(s) in %.2f s", len(engines), time.perf_counter() - started)


def warm_engine(engine: Engine, names: Sequence[str] = ()) -> None:
    """One engine's own first-question costs (a reload's new engine pays them here, before the swap)."""
    engine.ask(_own_question(engine), names=names)
    engine.ask(_ACRONYM_QUESTION, names=names)


def freeze() -> None:
    """Collect what is garbage now, then leave every object alive out of later collections.

    What is alive after a start-up or a reload is the engine: collecting it again and again finds nothing,
    and at 100,000 entries a full collection took 30-80 ms inside a question. Objects frozen are still freed
    by reference counting once nothing holds them (an engine swapped out by a reload).
    """
    gc.collect()
    gc.freeze()


def _own_question(engine: Engine) -> str:
    entry = next(iter(engine.kb.entries.values()), None)
    asked = entry.questions[0] if entry is not None and entry.questions else "what happened?"
    return f"{_GREETING}, {asked}"
