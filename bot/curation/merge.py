"""Adding an `extract` draft to a library of stories: as a story of its own, or into an existing story.

As a new story the draft folder is copied whole (its `# check:` comments and all) to a folder of the
library named by its id. Into an existing story, its records are written to a folder of their own inside
that story, `from-<draft>/`, after three repairs, each reported:
- an id the story already uses is renamed (`who-is-x` → `who-is-x-2`), and every reference follows;
- a person or organisation the story already has (the same name) is not declared twice: the draft's
  references point at the story's own record;
- a phrasing the story already asks (the loader's own comparison of phrasings) is left out of the draft's
  entry, and an entry left with no phrasing is left out altogether.
The result is validated with the rest of the library; a merge that would not validate is undone.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.curation.roundtrip import dump, styled_data
from bot.knowledge.library import Library, is_story_folder, story_id_for, validate_library
from bot.knowledge.loader import STORY_FILE, Problem, knowledge_files, load_knowledge, phrasing_key
from bot.knowledge.model import KnowledgeBase

SECTIONS = ("sources", "people", "quotes", "entries")
MERGED_YAML = "knowledge.yaml"
_Records = dict[str, list[dict[str, Any]]]  # a draft's records as read: section -> its items


class MergeError(Exception):
    """The draft cannot be merged as asked; the message says why and what to do."""


@dataclass(slots=True)
class MergeReport:
    story: str  # the id of the story the draft went into
    folder: Path  # where the draft's files were written
    new_story: bool
    renamed: dict[str, dict[str, str]] = field(default_factory=dict)  # section -> old id -> new id
    reused: dict[str, str] = field(default_factory=dict)  # the draft's person id -> the story's own
    duplicates: list[str] = field(default_factory=list)  # phrasings left out, one line each
    dropped: list[str] = field(default_factory=list)  # entries left with no phrasing


def merge_draft(draft: Path, into: Path, *, story: str | None = None, story_id: str | None = None) -> MergeReport:
    """Merge `draft` into the library at `into`: into the story `story`, or as a new story `story_id`."""
    load_knowledge(draft)  # a draft that does not validate on its own is fixed first (KnowledgeError)
    library, problems = validate_library(into) if into.exists() else (None, [])
    if problems:
        raise MergeError("the library does not validate as it is; fix it first:\n" + "\n".join(map(str, problems)))
    if story is None:
        return _as_new_story(draft, into, library, story_id or story_id_for(draft.resolve().name))
    if library is None or library.get(story) is None:
        raise MergeError(f"there is no story {story!r} in {into}; `storybot stories --kb {into}` lists them.")
    return _into_story(draft, library, story)


def _check(into: Path, undo: Path) -> None:
    """Validate the library with the draft in it, or take the draft out again and say why."""
    _, problems = validate_library(into)
    if problems:
        shutil.rmtree(undo)
        raise MergeError("merged, the library would not validate, so nothing was changed:\n" + _lines(problems))


def _lines(problems: list[Problem]) -> str:
    return "\n".join(str(p) for p in problems)


def _as_new_story(draft: Path, into: Path, library: Library | None, story_id: str) -> MergeReport:
    if into.exists() and is_story_folder(into):
        raise MergeError(
            f"{into} holds one story's files at its top level; a second story needs a folder of stories. Move "
            f"them into a folder of their own first (e.g. {into}/<story-id>/), then merge into {into}."
        )
    if library is not None and library.get(story_id) is not None:
        raise MergeError(f"the story id {story_id!r} is taken; pass --as with another id, or --story to add to it.")
    target = into / story_id
    if target.exists():
        raise MergeError(f"{target} already exists; pass --as with another id.")
    shutil.copytree(draft, target, ignore=shutil.ignore_patterns(".*"))
    (target / STORY_FILE).write_text(f"story:\n  id: {story_id}\n", encoding="utf-8")
    _check(into, target)
    return MergeReport(story_id, target, new_story=True)


def _read(draft: Path) -> tuple[_Records, dict[str, Path]]:
    """The draft's records by section, and each source's text file (absolute) by source id."""
    records: _Records = {name: [] for name in SECTIONS}
    texts: dict[str, Path] = {}
    for file in knowledge_files(draft):
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        for section in SECTIONS:
            for item in data.get(section) or ():
                records[section].append(dict(item))
                if section == "sources" and item.get("text_file"):
                    texts[item["id"]] = (file.parent / item["text_file"]).resolve()
    return records, texts


def _free(ident: str, used: set[str]) -> str:
    number = 2
    while f"{ident}-{number}" in used:
        number += 1
    return f"{ident}-{number}"


def _into_story(draft: Path, library: Library, story_id: str) -> MergeReport:
    story = library.stories[story_id]
    target = story.directory / f"from-{story_id_for(draft.resolve().name)}"
    if target.exists():
        raise MergeError(f"{target} already exists: this draft was merged before.")
    report = MergeReport(story_id, target, new_story=False)
    records, texts = _read(draft)
    _reuse_known_people(records, story.kb, report)
    names = _rename_taken_ids(records, story.kb, report)
    _follow_renames(records, names, names["people"] | report.reused)
    records["entries"] = _without_asked_phrasings(records["entries"], story.kb, names["entries"], report)
    _write_merged(draft, target, records, texts, names["sources"])
    _check(library.directory, target)
    return report


def _reuse_known_people(records: _Records, kb: KnowledgeBase, report: MergeReport) -> None:
    """Leave out the draft's people the story already has (the same name), noting whose record stands for them."""
    by_name = {s.name.casefold(): s.id for s in kb.speakers.values()}
    kept = []
    for record in records["people"]:
        same = by_name.get(str(record.get("name", "")).casefold())
        if same is None:
            kept.append(record)
        else:  # the draft's references will point at the story's record
            report.reused[record["id"]] = same
    records["people"] = kept


def _rename_taken_ids(records: _Records, kb: KnowledgeBase, report: MergeReport) -> dict[str, dict[str, str]]:
    """Give each record whose id the story already uses a free one; section -> old id -> new id."""
    taken = {"sources": set(kb.sources), "people": set(kb.speakers), "quotes": set(kb.quotes)}
    taken["entries"] = set(kb.entries)
    names: dict[str, dict[str, str]] = {}
    for section in SECTIONS:
        names[section] = _rename_in(records[section], taken[section])
        if names[section]:
            report.renamed[section] = dict(names[section])
    return names


def _rename_in(section: list[dict[str, Any]], taken: set[str]) -> dict[str, str]:
    used = taken | {r["id"] for r in section}
    renamed: dict[str, str] = {}
    for record in section:
        if record["id"] in taken:
            new = _free(record["id"], used)
            used.add(new)
            renamed[record["id"]] = new
            record["id"] = new
    return renamed


def _follow_renames(records: _Records, names: dict[str, dict[str, str]], people: dict[str, str]) -> None:
    """Point every reference of the draft at the renamed (or reused) record, and each source at its new text file."""

    def renamed(table: dict[str, str], ref: Any) -> Any:
        return table.get(ref, ref)

    for source in records["sources"]:
        if source.get("text_file"):
            source["text_file"] = f"sources/{source['id']}.txt"
    for item in records["people"]:
        if item.get("affiliation"):
            item["affiliation"] = renamed(people, item["affiliation"])
    for quote in records["quotes"]:
        quote["source"] = renamed(names["sources"], quote["source"])
        if quote.get("speaker"):
            quote["speaker"] = renamed(people, quote["speaker"])
    for entry in records["entries"]:
        for evidence in entry.get("evidence") or ():
            evidence["source"] = renamed(names["sources"], evidence["source"])
        if entry.get("quotes"):
            entry["quotes"] = [renamed(names["quotes"], q) for q in entry["quotes"]]
        if entry.get("about"):
            entry["about"] = [renamed(people, p) for p in entry["about"]]


def _without_asked_phrasings(
    entries: list[dict[str, Any]], kb: KnowledgeBase, renamed: dict[str, str], report: MergeReport
) -> list[dict[str, Any]]:
    """The entries with the phrasings the story already asks left out; an entry left with none goes altogether."""
    asked = {phrasing_key(q): e.id for e in kb.entries.values() for q in e.questions}
    kept = []
    for entry in entries:
        fresh = []
        for question in entry.get("questions") or ():
            other = asked.get(phrasing_key(question))
            if other is None:
                fresh.append(question)
            else:
                report.duplicates.append(f"{entry['id']}: “{question}” is already asked by {other}; left out")
        if fresh:
            entry["questions"] = fresh
            kept.append(entry)
            continue
        report.dropped.append(entry["id"])
        original = next((o for o, n in renamed.items() if n == entry["id"]), None)
        report.renamed.get("entries", {}).pop(original or "", None)  # not renamed: left out
    return kept


def _write_merged(
    draft: Path, target: Path, records: _Records, texts: dict[str, Path], sources: dict[str, str]
) -> None:
    """The draft's records in one file of `target`, its source texts beside them under their new ids."""
    (target / "sources").mkdir(parents=True)
    for old, path in texts.items():
        shutil.copyfile(path, target / "sources" / f"{sources.get(old, old)}.txt")
    head = f"# Merged from the draft {draft.name} by `storybot merge`; review it like any draft.\n"
    body = dump(styled_data({s: records[s] for s in SECTIONS if records[s]}))
    (target / MERGED_YAML).write_text(head + body, encoding="utf-8")
