"""The question inside a rambling sentence that frames it: "what I really want to know is how much ...",
"did the article say how much more ...", "my question is whether ...".

A long message often wraps the one thing it asks in a frame that says the writer is asking; matched with the
frame, the question's own words are outweighed by "want", "know", "article", "say". `unwrapped` returns the
question from its question word on, as `Reader` reads it (pure general English; nothing here knows a story).
"""

from __future__ import annotations

import re

# "what I (really) want to know is ...", "all I'm asking is ...", "the thing I don't get is ...": a cleft whose
# second half is the question.
_CLEFT = re.compile(
    r"^(?:so\s+|anyway\s+|ok(?:ay)?\s+|but\s+)*(?:what|all|the\s+(?:thing|part|bit))\s+(?:i|i'?m|im|i'?d)\s+"
    r"(?:really\s+|actually\s+|genuinely\s+|just\s+)?(?:want(?:ed)?\s+to|wanna|need\s+to|would\s+like\s+to|like\s+to"
    r"|don'?t|do\s+not|can'?t|cannot|am|'?m)?\s*(?:know|ask|asking|find\s+out|get|understand|wondering|wonder)"
    r"\s+(?:is|was)\s+(?=(?:which|who|whom|whose|what|when|where|why|how|whether|if)\b)",
    re.I,
)
# "did the article say how much ...", "does the story mention who ...": a question about what the story says
# that asks what it says.
_STORY_SAYS = re.compile(
    r"^(?:so\s+|anyway\s+|but\s+)*(?:do|does|did|can|could)\s+(?:the|this|that)\s+(?:article|story|piece|report|post)"
    r"\s+(?:actually\s+|even\s+)?(?:say|mention|explain|tell\s+(?:us|me)|give|state|cover)\s+"
    r"(?=(?:which|who|whom|whose|what|when|where|why|how)\b)",
    re.I,
)
_WHETHER = re.compile(r"^(?:whether|if)\s+", re.I)


def unwrapped(clause: str) -> str:
    """The clause without the frame around its question ("whether ..." read as "did ..."), or as it is."""
    for frame in (_CLEFT, _STORY_SAYS):
        found = frame.match(clause)
        if found is not None:
            return whether_asked(clause[found.end() :])
    return clause


def whether_asked(question: str) -> str:
    """An embedded yes/no question asked as one: "whether ..." and "if ..." read as "did ..."."""
    return _WHETHER.sub("did ", question)
