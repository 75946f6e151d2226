"""Model objects, built from each record as its file is read (after its fields are checked, `fields`).

A builder gets the validation under way, the record, its ordinal among its section's ids and whether its fields
were valid; it reports what only it can see (a source with both `text` and `text_file`, a phrasing another entry
has) and returns the model object, or None.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from bot.knowledge.fields import shown
from bot.knowledge.files import Unreadable, real_path
from bot.knowledge.model import Entry, Evidence, Kind, Quote, Source, Speaker, Synonyms
from bot.knowledge.problems import _Record, phrasing_key
from bot.knowledge.text import clean
from bot.knowledge.validation import _Validation


def _text(value: Any) -> str | None:
    return None if value is None else " ".join(str(value).split())


def _ref(value: Any) -> Any:
    """Ids are repeated wherever they are referred to; one copy of each will do."""
    return sys.intern(value) if type(value) is str else value


def _build_source(v: _Validation, rec: _Record, ordinal: int, valid: bool) -> Source | None:
    if not valid:
        return None
    d = rec.data
    text, file_name = d.get("text"), d.get("text_file")
    if (text is None) == (file_name is None):
        v.report(
            rec.at(),
            "a source needs exactly one of `text` (the text itself) or `text_file` "
            "(a path to it, relative to this YAML file).",
        )
        return None
    if text is None:
        path = v.files[rec.file].parent / str(file_name)
        key = real_path(path)
        text = v.texts.get(key)
        if text is None:
            try:
                text = v.texts[key] = v.read_bytes(path).decode("utf-8")
            except (Unreadable, UnicodeDecodeError) as exc:
                reason = exc.reason if isinstance(exc, Unreadable) else "it is not UTF-8 text"
                v.report(
                    rec.at("text_file"),
                    f"cannot read `{shown(str(file_name))}` ({reason}); the path is relative to this YAML file "
                    "and must stay inside the knowledge folder.",
                )
                return None
    return Source(
        id=_ref(d["id"]),
        title=" ".join(d["title"].split()),
        text=text,
        outlet=_text(d.get("outlet")),
        author=_text(d.get("author")),
        date=_text(d.get("date")),
        url=_text(d.get("url")),
        note=_text(d.get("note")),
    )


def _build_speaker(v: _Validation, rec: _Record, ordinal: int, valid: bool) -> Speaker | None:
    d = rec.data
    if d.get("kind") == "person":
        v.person_ids.add(d["id"])
    if not valid:
        return None
    return Speaker(
        id=_ref(d["id"]),
        name=d["name"].strip(),
        kind=Kind.PERSON if d["kind"] == "person" else Kind.ORGANISATION,
        aliases=tuple(str(a).strip() for a in d.get("aliases") or ()),
        role=_text(d.get("role")),
        affiliation=_ref(d.get("affiliation")),
        description=_text(d.get("description")),
    )


def _build_quote(v: _Validation, rec: _Record, ordinal: int, valid: bool) -> Quote | None:
    if not valid:
        return None
    d = rec.data
    if d["speaker"] is None and not d.get("attribution_note"):
        v.report(
            rec.at("speaker"),
            "an unattributed quote needs an `attribution_note` saying what the "
            "source does say about who spoke (e.g. 'the story says only \"he said\"').",
        )
    return Quote(
        id=_ref(d["id"]),
        text=" ".join(d["text"].split()),
        source=_ref(d["source"]),
        speaker=_ref(d["speaker"]),
        attribution_note=_text(d.get("attribution_note")),
    )


def _build_entry(v: _Validation, rec: _Record, ordinal: int, valid: bool) -> Entry | None:
    phrasings = v.phrasings
    first = phrasings.count
    phrasings.start.append(first)
    if not valid:
        return None
    d = rec.data
    questions = d["questions"]
    entry = Entry(
        id=d["id"],
        questions=tuple(" ".join(str(q).split()) for q in questions),
        answer=" ".join(d["answer"].split()),
        evidence=tuple(Evidence(_ref(e["source"]), " ".join(str(e["excerpt"]).split())) for e in d["evidence"]),
        keywords=tuple(str(k) for k in d.get("keywords") or ()),
        quotes=tuple(_ref(q) for q in d.get("quotes") or ()),
        about=tuple(_ref(a) for a in d.get("about") or ()),
    )
    entries = v.claims["entries"]
    entries.built[ordinal] = entry  # its own phrasings are compared with each other too
    phrasings.count += len(questions)
    for i, phrasing in enumerate(entry.questions):
        key = phrasing_key(phrasing)
        if not key:
            v.report(rec.at("questions", i), "this phrasing has no words in it; write the question out.")
            continue
        owner = phrasings.claim(key, first + i)
        if owner is None:
            continue
        owner_ordinal, j = phrasings.whose(owner)
        owner_id = entries.built[owner_ordinal].id
        same = "this entry" if owner_id == entry.id else f"entry `{owner_id}`"
        v.report(
            rec.at("questions", i),
            f"the phrasing {questions[i]!r} already belongs to {same} (",
            entries.at(owner_ordinal, "questions", j),
            "); keep it in one entry only.",
        )
    return entry


def _build_synonyms(v: _Validation, rec: _Record, valid: bool) -> Synonyms | None:
    if not valid:
        return None
    means = " ".join(str(rec.data["means"]).split())
    words: list[str] = []
    for i, word in enumerate(rec.data["words"]):
        text = " ".join(str(word).split())
        if not clean(text):
            v.report(rec.at("words", i), f"{text!r} has no letters or digits to match; write the word out.")
        elif clean(text) == clean(means):
            v.report(rec.at("words", i), f"{text!r} is `means` itself; list only the other words for it.")
        else:
            words.append(text)
    if not clean(means):
        v.report(rec.at("means"), f"`means` {means!r} has no letters or digits to match; write the word out.")
        return None
    return Synonyms(means, tuple(words))


def _build_example(v: _Validation, rec: _Record, valid: bool) -> str | None:
    return " ".join(str(rec.data["question"]).split()) if valid else None


LISTED: dict[str, Callable[[_Validation, _Record, bool], Any]] = {
    "vocabulary": _build_synonyms,
    "examples": _build_example,
}

BUILDERS: dict[str, Callable[[_Validation, _Record, int, bool], Any]] = {
    "sources": _build_source,
    "people": _build_speaker,
    "quotes": _build_quote,
    "entries": _build_entry,
}
