"""Ways of phrasing a question that hang on the words around them, read as the plain question.

The forms that mean the same wherever they stand are data (`english/question_forms.yaml`); these need a
look at their neighbours, on a cleaned question whose phrases are already rewritten:

- "be going to <verb>" is the future ("is the plant going to be built" asks what will be), but "going to
  the hearing" is going somewhere: a determiner or pronoun after it keeps it as it is. The "be" must be
  seen: cleaning takes the "'s" of "someone's going to" away, and a bare "going to" may be a place.
- "used to" is the past ("what did fares used to cost"), but "is used to", "got used to" are not: after a
  form of "be" or "get" it stays. "did X use to" is the same past.
- "do/did X happen to <verb>" carries nothing ("did they happen to say"), but "what happened to X" asks
  what befell X and stays.

Both sides of a match read the same way: a knowledge base's texts go through this too.
"""

from __future__ import annotations

import re

# What follows "to" when it is a place or thing, not a verb.
_NOT_A_VERB = r"(?:the|a|an|this|that|these|those|his|her|their|its|my|your|our|me|us|them|him|some|any|every)\b"

_BE = r"(?:is|are|was|were|am|im|be|been|being|isnt|arent|wasnt|werent|aint)"
_GOING_TO = re.compile(rf"\b({_BE})((?: \S+){{0,8}}?) (?:going|goin) to (?!{_NOT_A_VERB})")
# "used to" after a form of "be" or "get" a few words back is use ("is the money used to pay"), not the past.
_USED_TO = re.compile(rf"\b(?:({_BE}|get|gets|got|getting)\b((?: \S+){{0,4}}?) )?used to ")
_DID_USE_TO = re.compile(r"\b(did|didnt) ((?:\S+ ){1,4}?)use to ")
_HAPPEN_TO = re.compile(rf"\b(do|does|did|would|will) ((?:\S+ ){{1,4}}?)happen to (?!{_NOT_A_VERB})")


def _past(found: re.Match[str]) -> str:
    """ "used to" read as the past, but after "be" or "get" (kept whole)."""
    return found.group(0) if found.group(1) else ""


def plain_question(text: str) -> str:
    """The question with its future, past and idle "happen to" said plainly ("is it going to close" -> "is it
    will close", "what did it used to cost" -> "what did it cost")."""
    if "to " not in text:
        return text
    if "going to" in text or "goin to" in text:
        text = _GOING_TO.sub(r"\1\2 will ", text)
    if "use" in text:
        text = _DID_USE_TO.sub(r"\1 \2", _USED_TO.sub(_past, text))
    if "happen to" in text:
        text = _HAPPEN_TO.sub(r"\1 \2", text)
    return text
