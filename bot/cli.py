"""The `storybot` command: ask, quote, validate, export, console, run and sync.

Everything but `run` and `sync` works offline with no token; the Discord side is imported only
for those two.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import shutil
import statistics
import sys
import textwrap
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any, TextIO

from bot.answering import Answer, Engine, QuoteResult
from bot.answering.answer import QuoteView, StoryRef, quote_result_json, to_json
from bot.answering.cache import load_engine
from bot.answering.decision import DECISION_FILE
from bot.answering.evaluation import CaseError, Report, cut_phrasings, evaluate, load_cases
from bot.answering.followup import Context, context_of
from bot.answering.stories import StoryEngines, evaluate_story
from bot.knowledge import KnowledgeError, bundled_knowledge_dir, load_knowledge
from bot.knowledge.export import export_knowledge
from bot.knowledge.library import Library, is_story_folder, load_library
from bot.knowledge.loader import display_path
from bot.log_redaction import install as install_redaction
from bot.settings import Settings, SettingsError

log = logging.getLogger(__name__)

EXIT_OK, EXIT_INVALID_KB, EXIT_USAGE = 0, 1, 2
WIDTH = 100


def _wrap(text: str, indent: str = "") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def _quote_lines(view: QuoteView) -> list[str]:
    who = view.speaker + (f", {view.role}" if view.role else "")
    lines = [_wrap(f"“{view.quote.text}”", "  "), f"    — {who}"]
    if view.quote.attribution_note:
        lines.append(_wrap(f"({view.quote.attribution_note})", "      "))
    return lines


def format_answer(answer: Answer) -> str:
    """A readable answer for a terminal: the answer, the article's own words, and the source; for a message
    that asks several things, each part under its own question."""
    if answer.parts:
        return "\n".join(f"[{n}] {part.question}\n{format_answer(part)}" for n, part in enumerate(answer.parts, 1))
    lines = [_wrap(answer.text)]
    if answer.matched_question and answer.entry is not None:
        lines += ["", f"Answering: {answer.matched_question}  (confidence {answer.confidence:.0%})"]
    if answer.evidence:
        lines += ["", "From the story:"]
        for evidence in answer.evidence:
            lines.append(_wrap(f"“{evidence.excerpt}”", "  > "))
    if answer.quotes:
        lines += ["", "Quotes:" if answer.entry else ""]
        for view in answer.quotes:
            lines += _quote_lines(view)
    sources = {e.source.id: e.source for e in answer.evidence} | {q.source.id: q.source for q in answer.quotes}
    for source in sources.values():
        details = ", ".join(x for x in (source.outlet or "outlet not stated", source.date, source.url) if x)
        lines += ["", f"Source: {source.title} ({details})"]
    if answer.suggestions:
        lines += ["", "You could ask:"] + [f"  - {s.question}" for s in answer.suggestions]
    return "\n".join(line for line in lines).strip() + "\n"


def format_quotes(result: QuoteResult) -> str:
    lines = [result.message]
    for view in result.quotes:
        lines += ["", *_quote_lines(view)]
    sources = {q.source.id: q.source for q in result.quotes}
    for source in sources.values():
        lines += ["", f"Source: {source.title}"]
    if result.suggestions:
        lines += ["", "Quoted in the story: " + ", ".join(result.suggestions)]
    return "\n".join(lines) + "\n"


class UnknownStory(Exception):
    """`--story` names no story of the library."""


def _directory(args: argparse.Namespace, settings: Settings) -> Path:
    return Path(args.kb or settings.knowledge_dir or bundled_knowledge_dir())


def _library(args: argparse.Namespace, settings: Settings) -> Library:
    """The stories of the chosen knowledge directory (one, for a folder holding one story's files)."""
    library = load_library(_directory(args, settings))
    story = getattr(args, "story", None)
    if story is not None and library.get(story) is None:
        known = ", ".join(s.id for s in library)
        raise UnknownStory(f"no story has the id {story!r}; the stories are: {known} (see `storybot stories`).")
    return library


def _stories(args: argparse.Namespace, settings: Settings) -> StoryEngines:
    return StoryEngines.of_library(_library(args, settings))


def _engine(args: argparse.Namespace, settings: Settings) -> Engine:
    """The engine for the chosen story (`--story`, else the only or first one)."""
    library = _library(args, settings)
    story = library.get(args.story) if getattr(args, "story", None) else None
    return Engine((story or library.default).kb)


def _bot_engines(args: argparse.Namespace, settings: Settings) -> tuple[Engine, StoryEngines | None]:
    """The bot's engine, and its stories when it holds several. Each story keeps a built engine in the data
    directory for a warm start next time (the bot, whose knowledge base may be large): a folder of one story in
    `engine-cache/`, each story of a library in `engine-cache/stories/<id>/`."""
    directory = _directory(args, settings)
    cache = settings.data_dir / "engine-cache"
    if is_story_folder(directory) and args.story is None:
        return load_engine(directory, cache)[0], None
    library = _library(args, settings)  # every story validated, their problems reported together
    chosen = [s for s in library if args.story in (None, s.id)]
    stories = StoryEngines(
        (StoryRef(s.id, s.title), load_engine(s.directory, cache / "stories" / s.id)[0]) for s in chosen
    )
    return stories.engine(), stories if len(stories) > 1 else None


def _json_line(data: dict[str, Any], out: TextIO) -> None:
    out.write(json.dumps(data, ensure_ascii=False) + "\n")
    out.flush()


def _story_answer(answer: Answer, stories: StoryEngines) -> str:
    """`format_answer`, with the story named first when the bot holds several."""
    text = format_answer(answer)
    if len(stories) > 1 and answer.story is not None:
        return f"[{answer.story.title}]\n{text}"
    if len(stories) > 1 and any(s.story for s in answer.suggestions):
        lines = [f"  - {stories.refs[s.story].title}: {s.question}" for s in answer.suggestions if s.story]
        return "\n".join([_wrap(answer.text), "", "In the stories:", *lines]) + "\n"
    return text


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    stories = _stories(args, settings)
    question = " ".join(args.question)
    if question == "-":  # one question a line from standard input, one answer a line out
        for line in sys.stdin:
            answer = stories.ask(line.rstrip("\n"), story=args.story)
            if args.json:
                _json_line(to_json(answer), sys.stdout)
            else:
                sys.stdout.write(f"Q: {line.strip()}\n{_story_answer(answer, stories)}\n")
                sys.stdout.flush()
        return EXIT_OK
    answer = stories.ask(question, story=args.story)
    if args.json:
        _json_line(to_json(answer), sys.stdout)
    elif answer.outcome.value == "invalid":
        print(answer.text, file=sys.stderr)
        return EXIT_USAGE
    else:
        sys.stdout.write(_story_answer(answer, stories))
    return EXIT_OK


def cmd_quote(args: argparse.Namespace, settings: Settings) -> int:
    stories = _stories(args, settings)
    result = stories.quote(" ".join(args.name), story=args.story)
    if args.json:
        _json_line(quote_result_json(result), sys.stdout)
    else:
        sys.stdout.write(format_quotes(result))
    return EXIT_OK


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


def cmd_console(args: argparse.Namespace, settings: Settings) -> int:
    stories = _stories(args, settings)
    print("StoryBot console — ask about the story. `/quote NAME` for someone's words, `/quit` to leave.")
    context: Context | None = None  # what the last answer was about, for follow-ups ("what did he say?")
    while True:
        try:
            line = input("you> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return EXIT_OK
        if line.strip() in ("/quit", "/exit", ":q"):
            return EXIT_OK
        if line.strip().startswith("/quote"):
            print(format_quotes(stories.quote(line.strip().removeprefix("/quote"), story=args.story)))
            continue
        if line.strip():
            answer = stories.ask(line, context, story=args.story)
            kb = stories.engine(answer.story.id).kb if answer.story else None
            context = (context_of(answer, kb) if kb else None) or context
            print(_story_answer(answer, stories))


def _report_lines(report: Report) -> list[str]:
    lines = [
        f"  {kind:<14} {report.right_by_kind[kind]:>4}/{total:<4} {report.right_by_kind[kind] / total:.0%}"
        for kind, total in sorted(report.by_kind.items())
    ]
    figures = [
        f"{label} {report.right[expect]}/{report.total[expect]} ({report.accuracy(expect):.1%})"
        for expect, label in (("answer", "answered right"), ("decline", "declined right"), ("quotes", "quote look-ups"))
        if report.total[expect]
    ]
    lines.append("; ".join(figures) + f"; calibration error (ECE) {report.calibration_error:.3f}")
    if report.seconds:
        times = sorted(report.seconds)
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        lines.append(f"time per question: median {statistics.median(times) * 1e3:.2f} ms, p99 {p99 * 1e3:.2f} ms")
    return lines


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    try:
        sets = [(path, load_cases(path)) for path in args.questions]
    except CaseError as exc:
        print(f"storybot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    stories = _stories(args, settings)
    if len(stories) > 1 and args.story is None:
        print("storybot: a question set is about one story; pass --story ID (see `storybot stories`).", file=sys.stderr)
        return EXIT_USAGE
    engine = stories.engine(args.story) if args.story else stories.engine()
    if args.phrasings:
        engine = Engine(cut_phrasings(engine.kb, args.phrasings))
    total = Report()
    for path, cases in sets:
        if len(stories) == 1 or args.phrasings:
            report = evaluate(engine, cases)
        else:  # asked of every story, as a reader would: right only when answered right from this story
            report = evaluate_story(stories, str(args.story), cases, routed=not args.alone)
        total.merge(report)
        for case, answer in report.failures if args.show_failures else ():
            got = answer.entry.id if answer.entry else answer.speaker_id or answer.outcome.value
            wanted = case.entries or case.speaker or case.mentions or case.expect
            print(f"  MISS [{case.kind}] {case.question!r}: got {got} ({answer.confidence:.2f}), wanted {wanted}")
        print(f"{display_path(path)}:")
        print("\n".join(_report_lines(report)))
    if len(sets) > 1:
        print("all sets:")
        print("\n".join(_report_lines(total)))
    return EXIT_OK


def cmd_train(args: argparse.Namespace, settings: Settings) -> int:
    from bot.answering.training import Story, feature_table, train

    stories = [Story(Path(group[0]), tuple(Path(p) for p in group[1:])) for group in args.also or ()]
    if args.questions:
        stories.append(Story(args.kb or settings.knowledge_dir or bundled_knowledge_dir(), tuple(args.questions)))
    if not stories:
        print("storybot: give question sets to learn from (and --also DIR SET... for other stories)", file=sys.stderr)
        return EXIT_USAGE
    try:
        for story in stories:
            for path in story.sets:
                load_cases(path)
        result = train(stories)
    except (CaseError, ValueError) as exc:
        print(f"storybot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print("fitted feature weights (match stage):")
    print("\n".join(feature_table(result.decision)))
    print("samples: " + ", ".join(f"{source} {count}" for source, count in sorted(result.counts.items())))
    held = result.held_out
    if held.total:
        print("held out (a decision fitted without these questions):")
        for source in sorted(held.total):
            print("  " + held.line(source))
        ece = Report(calibration=held.calibration).calibration_error
        print(f"  calibration error (ECE) {ece:.3f}")
    notes = {
        "stories": [str(display_path(s.knowledge)) for s in stories],
        "sets": [str(display_path(p)) for s in stories for p in s.sets],
        "samples": dict(sorted(result.counts.items())),
        "held_out": {source: f"{held.right[source]}/{held.total[source]}" for source in sorted(held.total)},
    }
    args.out.write_text(json.dumps(result.decision.to_json(notes), indent=2) + "\n", encoding="utf-8")
    print(f"decision written to {display_path(args.out)}")
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


def cmd_bench(args: argparse.Namespace, settings: Settings) -> int:
    from bot.benchmark import bench, format_table

    try:
        sizes = [int(part) for part in args.sizes.split(",") if part.strip()]
    except ValueError:
        print("storybot: --sizes takes whole numbers separated by commas, e.g. 1000,10000", file=sys.stderr)
        return EXIT_USAGE
    if not sizes or min(sizes) < 1:
        print("storybot: --sizes needs at least one size of 1 or more", file=sys.stderr)
        return EXIT_USAGE
    results = bench(sizes, keep=args.keep)
    print(format_table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {display_path(args.json)}")
    return EXIT_OK


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.discord_app.runner import SETUP_HELP, run_bot  # only here: offline commands never import discord

    if not settings.discord_token:  # say so before anything else happens
        print(SETUP_HELP, file=sys.stderr)
        return EXIT_USAGE
    engine, stories = _bot_engines(args, settings)
    return run_bot(settings, engine, stories)


def cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    from bot.discord_app.runner import SETUP_HELP, sync_commands

    if not settings.discord_token:
        print(SETUP_HELP, file=sys.stderr)
        return EXIT_USAGE
    engine, stories = _bot_engines(args, settings)
    return sync_commands(settings, engine, args.guild, stories)


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


def _version() -> str:
    try:
        return metadata.version("storybot")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="storybot",
        description="Answers questions about a news story from a curated, source-checked knowledge base.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    verbose_help = "log match scores (DEBUG) to stderr"
    parser.add_argument("-v", "--verbose", action="store_true", help=verbose_help)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_text: str, kb: bool = True) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text, description=help_text)
        if kb:
            command.add_argument(
                "--kb", type=Path, help="knowledge directory (default: STORYBOT_KB or the bundled story)"
            )
            command.add_argument("--story", metavar="ID", help="only this story of the knowledge directory")
        # `storybot ask -v ...` as well as `storybot -v ask ...`; unset here, it leaves the main option alone.
        command.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=verbose_help)
        return command

    ask = add("ask", "answer a question from the story")
    ask.add_argument("question", nargs="+", help="the question, or - to read one question a line from stdin")
    ask.add_argument("--json", action="store_true", help="print one JSON object (JSON Lines with -)")
    ask.set_defaults(func=cmd_ask)

    quote = add("quote", "show everything a person is quoted as saying")
    quote.add_argument("name", nargs="+", help="a name, surname, alias or affiliation of someone the story quotes")
    quote.add_argument("--json", action="store_true", help="print one JSON object")
    quote.set_defaults(func=cmd_quote)

    evaluation = add("eval", "score the engine on question sets: answers, declines and quote look-ups right, per kind")
    evaluation.add_argument("questions", type=Path, nargs="+", help="YAML question sets, e.g. tests/eval/*.yaml")
    evaluation.add_argument("--show-failures", action="store_true", help="list every question it got wrong")
    evaluation.add_argument(
        "--phrasings", type=int, metavar="N", help="first cut each entry's phrasings to its first N (a sparse story)"
    )
    evaluation.add_argument(
        "--alone", action="store_true", help="with several stories: ask the --story's engine only, not the library"
    )
    evaluation.set_defaults(func=cmd_eval)

    training = add("train", "fit the answer/decline decision on question sets (needs the `train` extra)")
    training.add_argument("questions", type=Path, nargs="*", help="question sets about the --kb story")
    training.add_argument(
        "--also",
        nargs="+",
        action="append",
        metavar="DIR_THEN_SETS",
        help="another story to learn from: its knowledge directory, then its question sets (repeatable)",
    )
    training.add_argument(
        "--out", type=Path, default=DECISION_FILE, help="where to write it (default: the shipped one)"
    )
    training.set_defaults(func=cmd_train)

    extract_ = add("extract", "draft a knowledge directory from an article's plain text, for curation")
    extract_.add_argument("article", type=Path, help="the article as a UTF-8 text file")
    extract_.add_argument("--out", type=Path, required=True, help="directory to write the draft into")
    extract_.add_argument("--id", help="source id (default: from the file name)")
    for field in ("title", "outlet", "author", "date", "url"):
        extract_.add_argument(
            f"--{field}", help=f"the article's {field} (default: {'first line' if field == 'title' else 'null'})"
        )
    extract_.add_argument("--force", action="store_true", help="replace draft files already in --out")
    extract_.epilog = "--kb is refused here: extract writes a new knowledge directory to --out."
    extract_.set_defaults(func=cmd_extract)

    init = add("init", "start your own knowledge folder: a copy of the bundled story to curate", kb=False)
    init.add_argument("directory", type=Path, help="a new (or empty) folder to create")
    init.set_defaults(func=cmd_init)

    merge = add("merge", "add an `extract` draft to a library: as a new story, or into --story with ids renamed")
    merge.add_argument("draft", type=Path, help="the draft folder written by `storybot extract --out`")
    merge.add_argument("--into", type=Path, required=True, help="the knowledge directory (a folder of stories)")
    merge.add_argument("--as", dest="as_id", metavar="ID", help="the new story's id (default: the draft folder's name)")
    merge.set_defaults(func=cmd_merge)

    benchmark = add(
        "bench",
        "measure speed, memory and accuracy on synthetic knowledge bases of real English, beside anchors "
        "(naive WRatio, tantivy, bm25s) run on the same questions",
        kb=False,
    )
    benchmark.add_argument(
        "--sizes", default="1000,10000,100000", help="entries per knowledge base (default: %(default)s)"
    )
    benchmark.add_argument(
        "--keep", type=Path, help="leave each knowledge base in DIR/<size>/ and its questions beside it"
    )
    benchmark.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    benchmark.set_defaults(func=cmd_bench)

    add("validate", "check a knowledge directory; exit 1 on any problem").set_defaults(func=cmd_validate)
    stories = add("stories", "list the stories of the knowledge directory")
    stories.add_argument("--json", action="store_true", help="print a JSON list of {id, title, entries, sources}")
    stories.set_defaults(func=cmd_stories)
    export = add("export", "print the knowledge base as normalised JSON, or its entries as CSV")
    export.add_argument(
        "--format", choices=("json", "csv"), default="json", help="csv: one row an entry, for a spreadsheet"
    )
    export.set_defaults(func=cmd_export)
    import_ = add("import", "apply a CSV of entries (from `export --format csv`) as one validated change")
    import_.add_argument("file", type=Path, help="the CSV file, e.g. entries.csv (UTF-8, as spreadsheets save it)")
    import_.set_defaults(func=cmd_import)
    add("console", "chat with the engine offline").set_defaults(func=cmd_console)
    add("run", "start the Discord bot (needs DISCORD_TOKEN)").set_defaults(func=cmd_run)
    sync = add("sync", "register the slash commands with Discord (globally, or to one guild)")
    sync.add_argument("--guild", type=int, help="sync to this guild only (instant), instead of globally")
    sync.set_defaults(func=cmd_sync)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    discord = args.command in ("run", "sync")
    try:
        settings = Settings.load(discord=discord)  # offline commands ignore the bot's own settings
    except SettingsError as exc:
        for problem in exc.problems:
            print(f"storybot: {problem}", file=sys.stderr)
        return EXIT_USAGE
    # Offline commands keep the terminal for answers; the bot logs what it does.
    level = "DEBUG" if args.verbose else settings.log_level or ("INFO" if discord else "WARNING")
    logging.basicConfig(
        level=getattr(logging, level),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # Every handler, at every level: no token or interaction URL is ever written to a log.
    install_redaction(logging.getLogger().handlers, [settings.discord_token.get_secret_value()])
    try:
        return int(args.func(args, settings))
    except KnowledgeError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID_KB
    except UnknownStory as exc:
        print(f"storybot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `storybot export | head` is fine
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
