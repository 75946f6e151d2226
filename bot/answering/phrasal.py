"""Phrasal verbs written once and read in every form: "cough up" also as "coughed up", "coughing up", "coughs
it up".

A reader says "how much did they cough up" where the article says "paid", "the plant laid them off" where it
says "dismissed". General English lists such verbs once, as "verb particle: meaning" (`english/phrases.yaml`,
`phrasal_verbs`); here each becomes the exact phrases the engine's phrase table looks up: every form of the verb
(regular endings, and the irregular forms of `forms`), and, when the verb takes one particle, the same with an
object pronoun between the two ("called it off"). A form that is no English word ("cutted up") costs a table
entry and is never met, so the endings may overshoot; they never reach a word without the particle after it.
"""

from __future__ import annotations

from collections.abc import Mapping

# Object pronouns that sit between a verb and its particle: "laid them off", "paid it back".
OBJECT_PRONOUNS = ("it", "them", "him", "her", "this", "that")
_VOWELS = frozenset("aeiou")


def verb_forms(verb: str, irregular: Mapping[str, str]) -> set[str]:
    """The verb and its inflected forms: -s/-es, -ed/-d, -ing (with the last consonant doubled or a final "e"
    dropped where English does), -ies/-ied after a consonant, and the irregular forms read as it (`forms`)."""
    found = {verb, verb + "s", verb + "ing"}
    if verb.endswith("e"):
        found |= {verb + "d", verb[:-1] + "ing"}
    else:
        found.add(verb + "ed")
    if verb.endswith(("s", "x", "z", "ch", "sh", "o")):
        found.add(verb + "es")
    if len(verb) > 2 and verb.endswith("y") and verb[-2] not in _VOWELS:
        found |= {verb[:-1] + "ies", verb[:-1] + "ied"}
    if len(verb) > 2 and verb[-1] not in _VOWELS | {"w", "x", "y"} and verb[-2] in _VOWELS and verb[-3] not in _VOWELS:
        found |= {verb + verb[-1] + "ed", verb + verb[-1] + "ing"}  # "step" -> "stepped", "cut" -> "cutting"
    found |= {form for form, base in irregular.items() if base == verb}
    return found


def phrasal_phrases(verbs: Mapping[str, str], irregular: Mapping[str, str]) -> dict[str, str]:
    """Exact phrase -> rewrite for every form of each phrasal verb ("verb particle...: meaning")."""
    by_verb: dict[str, set[str]] = {}
    phrases: dict[str, str] = {}
    for phrase, meaning in verbs.items():
        verb, *rest = phrase.split()
        if not rest:
            raise ValueError(f"a phrasal verb needs a particle after its verb: {phrase!r}")
        forms = by_verb.get(verb)
        if forms is None:
            forms = by_verb[verb] = verb_forms(verb, irregular)
        tail = " ".join(rest)
        for form in sorted(forms):
            phrases[f"{form} {tail}"] = meaning
            if len(rest) == 1:
                phrases.update({f"{form} {pronoun} {tail}": meaning for pronoun in OBJECT_PRONOUNS})
    return phrases
