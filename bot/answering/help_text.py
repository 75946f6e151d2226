"""What StoryBot says it does, for every front end: the engine's reply to "help" and Discord's /help."""

from __future__ import annotations

from collections.abc import Sequence

ABOUT = (
    "I answer questions about one news story, only from what the story says, "
    "with the sentences and quotes that back each answer."
)
REPLY_EXAMPLES = 2  # questions a one-paragraph help names; a longer help (Discord's /help) lists more


def try_asking(examples: Sequence[str], count: int = REPLY_EXAMPLES) -> str:
    """'Ask me anything about the story, e.g. "…" or "…".', with the first `count` examples (if any)."""
    named = " or ".join(f'"{example}"' for example in examples[:count])
    return f"Ask me anything about the story, e.g. {named}." if named else "Ask me about the story."


def help_text(examples: Sequence[str]) -> str:
    """The whole help as one paragraph: what StoryBot does, and what to ask it."""
    return f"{ABOUT} {try_asking(examples)}"
