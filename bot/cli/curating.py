"""Keeping the knowledge: `validate`, `stories`, `export`, `import`, `init`, `extract` and `merge`."""

from __future__ import annotations

import argparse
import getpass
import json
import shutil
import sys
from pathlib import Path

from bot.cli.common import (
    EXIT_INVALID_KB,
    EXIT_OK,
    EXIT_USAGE,
    _directory,
    _engine,
    _library,
)
from bot.knowledge import bundled_knowledge_dir, load_knowledge
from bot.knowledge.export import export_knowledge
from bot.knowledge.loader import display_path
from bot.settings import Settings


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    library = _library(args, settings)  # raises KnowledgeError, reported by main()
    chosen = [s for s in library if args.story in (None, s.id)]
    for story in chosen:
        kb = story.kb
        name = f" (story {story.id})" if len(library) > 1 else ""
        print(
            f"{display_path(story.directory)}{name}: valid — {len(kb.sources)} sources, {len(kb.speakers)} people "
            f"and organisations, {len(kb.quotes)} quotes, {len(kb.entries)} entries "
            f"({sum(len(e.questions) for e in kb.entries.values())} phrasings); every quote and excerpt is verbatim."
        )
    if len(library) > 1 and args.story is None:
        print(f"{display_path(library.directory)}: {len(library)} stories, each valid on its own.")
    return EXIT_OK


def cmd_stories(args: argparse.Namespace, settings: Settings) -> int:
    library = _library(args, settings)
    listed = [
        {"id": s.id, "title": s.title, "entries": len(s.kb.entries), "sources": len(s.kb.sources)}
        for s in library
        if args.story in (None, s.id)
    ]
    if args.json:
        json.dump(listed, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
        return EXIT_OK
    for item in listed:
        print(f"{item['id']}: {item['title']} — {item['entries']} entries, {item['sources']} sources")
    return EXIT_OK


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    if args.format == "csv":  # the entries only, as a spreadsheet edits them; no index is needed
        from bot.curation.bulk import export_csv  # curation is loaded only by the commands that curate

        library = _library(args, settings)
        kb = ((library.get(args.story) if args.story else None) or library.default).kb
        sys.stdout.flush()
        sys.stdout.buffer.write(export_csv(kb).encode("utf-8"))
        sys.stdout.buffer.flush()
        return EXIT_OK
    engine = _engine(args, settings)
    json.dump(export_knowledge(engine.kb), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return EXIT_OK


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.curation.bulk import ImportRefused, import_csv
    from bot.curation.store import STORE_FILE, Store

    directory = _directory(args, settings)
    if args.story:  # a library of stories: import into that story's folder
        story = _library(args, settings).get(args.story)
        if story is None:
            print(f"storybot: no story {args.story!r} here (see `storybot stories`).", file=sys.stderr)
            return EXIT_USAGE
        directory = story.directory
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(settings.data_dir / STORE_FILE)
    try:
        done = import_csv(directory, store, args.file, user_name=f"{getpass.getuser()} (storybot import)")
    except ImportRefused as refused:
        print(str(refused), file=sys.stderr)
        return EXIT_INVALID_KB
    finally:
        store.close()
    if done.change_id is None:
        print(f"{args.file.name}: nothing to change — {done.unchanged} entries already say that.")
        return EXIT_OK
    print(
        f"{args.file.name}: imported as change {done.change_id} — {len(done.added)} added, {len(done.changed)} "
        f"changed, {done.unchanged} unchanged ({', '.join(done.files)})."
    )
    return EXIT_OK


def cmd_init(args: argparse.Namespace, settings: Settings) -> int:
    """Start a knowledge folder of one's own from the bundled story, to curate and to point the bot at."""
    target: Path = args.directory
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        print(
            f"storybot: {display_path(target)} already exists and is not empty; choose a new folder.", file=sys.stderr
        )
        return EXIT_USAGE
    # Hidden files (a lock, an editor's temporary file) are not knowledge.
    shutil.copytree(bundled_knowledge_dir(), target, ignore=shutil.ignore_patterns(".*"), dirs_exist_ok=True)
    kb = load_knowledge(target)
    where = target.resolve()
    counts = f"{len(kb.entries)} entries, {len(kb.quotes)} quotes, {len(kb.speakers)} people"
    print(
        f"Started a knowledge base in {display_path(target)}, a copy of the bundled story ({counts}).\n"
        f"Check your edits with:    storybot validate --kb {where}\n"
        f"Point StoryBot at it:     export STORYBOT_KB={where}    (or STORYBOT_KB={where} in .env)"
    )
    return EXIT_OK


def cmd_extract(args: argparse.Namespace, settings: Settings) -> int:
    from bot.curation.extract import extract, source_id_for, write_draft
    from bot.knowledge.loader import validate_knowledge

    if args.kb is not None:  # every command takes --kb; a draft has no knowledge directory to read
        print(
            "storybot: extract reads no knowledge directory; it writes a new one to --out "
            f"(then check it with `storybot validate --kb {display_path(args.out)}`).",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        raw = args.article.read_bytes()
        text = raw.decode("utf-8")
    except OSError as exc:
        print(f"storybot: cannot read {args.article}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    except UnicodeDecodeError as exc:
        print(f"storybot: {args.article} is not UTF-8 text (byte {exc.start}); save it as UTF-8.", file=sys.stderr)
        return EXIT_USAGE
    if not text.strip():
        print(f"storybot: {args.article} is empty; there is nothing to draft from.", file=sys.stderr)
        return EXIT_USAGE
    meta = {key: getattr(args, key) for key in ("title", "outlet", "author", "date", "url")}
    draft = extract(text, source_id=args.id or source_id_for(args.article), **meta)
    try:
        write_draft(draft, args.out, source_bytes=raw, overwrite=args.force)
    except FileExistsError as exc:
        print(f"storybot: not overwriting {exc}; choose another --out or pass --force.", file=sys.stderr)
        return EXIT_USAGE
    _, problems = validate_knowledge(args.out)  # a draft that does not validate is a bug here, not the curator's
    for problem in problems:
        print(problem, file=sys.stderr)
    attributed = sum(1 for q in draft.quotes if q.speaker)
    print(
        f"{display_path(args.out)}: DRAFT — {len(draft.people)} people and organisations, {len(draft.quotes)} quotes "
        f"({attributed} with a speaker), {len(draft.entries)} candidate entries; {len(draft.places)} places and "
        f"{len(draft.terms)} quoted terms listed in comments. Check every item "
        f"(`# check:` lines first), then run `storybot validate --kb {display_path(args.out)}`."
    )
    return EXIT_INVALID_KB if problems else EXIT_OK


def cmd_merge(args: argparse.Namespace, settings: Settings) -> int:
    from bot.curation.merge import MergeError, merge_draft

    try:
        report = merge_draft(args.draft, args.into, story=args.story, story_id=args.as_id)
    except MergeError as exc:
        print(f"storybot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for section, renamed in report.renamed.items():
        for old, new in renamed.items():
            print(f"  renamed: {section} `{old}` → `{new}` (the story already has `{old}`)")
    for draft_id, own in report.reused.items():
        print(f"  same person: `{draft_id}` is the story's `{own}`; the draft's references now point at it")
    for line in report.duplicates:
        print(f"  duplicate phrasing: {line}")
    for entry_id in report.dropped:
        print(f"  left out: entry `{entry_id}` (every phrasing of it is already asked)")
    how = "as the new story" if report.new_story else "into the story"
    print(f"{display_path(report.folder)}: merged {how} `{report.story}`; the library validates.")
    return EXIT_OK
