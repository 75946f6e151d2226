"""The `storybot` command: ask, quote, validate, export, console, run and sync.

Everything but `run` and `sync` works offline with no token; the Discord side is imported only
for those two.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from bot.answering import Answer, Engine, QuoteResult
from bot.answering.answer import QuoteView, quote_result_json, to_json
from bot.answering.cache import load_engine
from bot.answering.evaluation import evaluate, load_cases
from bot.answering.followup import Context, context_of
from bot.answering.stories import StoryEngines, evaluate_story
from bot.knowledge import KnowledgeError, bundled_knowledge_dir
from bot.knowledge.export import export_knowledge
from bot.knowledge.library import Library, is_story_folder, load_library
from bot.knowledge.loader import display_path
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
    """A readable answer for a terminal: the answer, the article's own words, and the source."""
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
    """The bot's engine, and its stories when it holds several. A folder of one story keeps a built engine in
    the data directory for a warm start next time (the bot, whose knowledge base may be large)."""
    directory = _directory(args, settings)
    if is_story_folder(directory) and args.story is None:
        return load_engine(directory, settings.data_dir / "engine-cache")[0], None
    library = _library(args, settings)
    chosen = [s for s in library if args.story in (None, s.id)]
    stories = StoryEngines.of_library(Library({s.id: s for s in chosen}, library.directory))
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
    engine = _engine(args, settings)
    json.dump(export_knowledge(engine.kb), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
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


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    stories = _stories(args, settings)
    if len(stories) > 1 and args.story is None:
        print("storybot: a question set is about one story; pass --story ID (see `storybot stories`).", file=sys.stderr)
        return EXIT_USAGE
    cases = load_cases(args.questions)
    if len(stories) == 1:
        report = evaluate(stories.engine(), cases)
    else:  # asked of every story, as a reader would: right only when answered right from this story
        report = evaluate_story(stories, args.story, cases, routed=not args.alone)
    for case, answer in report.failures if args.show_failures else ():
        got = answer.entry.id if answer.entry else answer.speaker_id or answer.outcome.value
        wanted = case.entries or case.speaker or case.mentions or case.expect
        print(f"  MISS [{case.kind}] {case.question!r}: got {got} ({answer.confidence:.2f}), wanted {wanted}")
    for kind, total in sorted(report.by_kind.items()):
        print(f"  {kind:<12} {report.right_by_kind[kind]:>4}/{total}")
    print(
        f"answerable: {report.answered_right}/{report.answerable} right ({report.answer_accuracy:.1%}); "
        f"unanswerable: {report.declined_right}/{report.unanswerable} declined ({report.decline_accuracy:.1%})"
    )
    return EXIT_OK


def cmd_extract(args: argparse.Namespace, settings: Settings) -> int:
    from bot.curation.extract import extract, source_id_for, write_draft
    from bot.knowledge.loader import validate_knowledge

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
        f"({attributed} with a speaker), {len(draft.entries)} candidate entries. Check every item "
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="storybot",
        description="Answers questions about a news story from a curated, source-checked knowledge base.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log match scores (DEBUG) to stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.add_argument("--kb", type=Path, help="knowledge directory (default: STORYBOT_KB or the bundled story)")
        command.add_argument("--story", metavar="ID", help="only this story of the knowledge directory")
        return command

    ask = add("ask", "answer a question from the story")
    ask.add_argument("question", nargs="+", help="the question, or - to read one question a line from stdin")
    ask.add_argument("--json", action="store_true", help="print one JSON object (JSON Lines with -)")
    ask.set_defaults(func=cmd_ask)

    quote = add("quote", "show everything a person is quoted as saying")
    quote.add_argument("name", nargs="+", help="a name, surname, alias or affiliation, e.g. greer")
    quote.add_argument("--json", action="store_true", help="print one JSON object")
    quote.set_defaults(func=cmd_quote)

    evaluation = add("eval", "score the engine on a question set: answers right, and declines right")
    evaluation.add_argument("questions", type=Path, help="a YAML question set, e.g. tests/eval/questions.yaml")
    evaluation.add_argument("--show-failures", action="store_true", help="list every question it got wrong")
    evaluation.add_argument(
        "--alone", action="store_true", help="with several stories: ask the --story's engine only, not the library"
    )
    evaluation.set_defaults(func=cmd_eval)

    extract_ = add("extract", "draft a knowledge directory from an article's plain text, for curation")
    extract_.add_argument("article", type=Path, help="the article as a UTF-8 text file")
    extract_.add_argument("--out", type=Path, required=True, help="directory to write the draft into")
    extract_.add_argument("--id", help="source id (default: from the file name)")
    for field in ("title", "outlet", "author", "date", "url"):
        extract_.add_argument(
            f"--{field}", help=f"the article's {field} (default: {'first line' if field == 'title' else 'null'})"
        )
    extract_.add_argument("--force", action="store_true", help="replace draft files already in --out")
    extract_.set_defaults(func=cmd_extract)

    merge = add("merge", "add an `extract` draft to a library: as a new story, or into --story with ids renamed")
    merge.add_argument("draft", type=Path, help="the draft folder written by `storybot extract --out`")
    merge.add_argument("--into", type=Path, required=True, help="the knowledge directory (a folder of stories)")
    merge.add_argument("--as", dest="as_id", metavar="ID", help="the new story's id (default: the draft folder's name)")
    merge.set_defaults(func=cmd_merge)

    benchmark = sub.add_parser("bench", help="measure speed, memory and accuracy on synthetic knowledge bases")
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
    add("export", "print the knowledge base as normalised JSON").set_defaults(func=cmd_export)
    add("console", "chat with the engine offline").set_defaults(func=cmd_console)
    add("run", "start the Discord bot (needs DISCORD_TOKEN)").set_defaults(func=cmd_run)
    sync = add("sync", "register the slash commands with Discord (globally, or to one guild)")
    sync.add_argument("--guild", type=int, help="sync to this guild only (instant), instead of globally")
    sync.set_defaults(func=cmd_sync)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.load()
    except SettingsError as exc:
        print(f"storybot: {exc}", file=sys.stderr)
        return EXIT_USAGE
    # Offline commands keep the terminal for answers; the bot logs what it does.
    default = "INFO" if args.command in ("run", "sync") else "WARNING"
    level = "DEBUG" if args.verbose else settings.log_level or default
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
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
