"""The `storybot` command: ask, quote, validate, export, console, run and sync.

Everything but `run` and `sync` works offline with no token; the Discord side is imported only
for those two. The commands live by what they are for: `answers` (ask, quote, console), `curating`
(validate, stories, export, import, init, extract, merge), `measuring` (eval, train, bench) and
`running` (run, sync); `common` holds what they share.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.answering.decision import DECISION_FILE
from bot.cli.answers import cmd_ask, cmd_console, cmd_quote, format_answer, format_quotes
from bot.cli.common import EXIT_INVALID_KB, EXIT_OK, EXIT_USAGE, UnknownStory
from bot.knowledge.problems import KnowledgeError
from bot.log_redaction import install as install_redaction
from bot.settings import Settings, SettingsError

__all__ = ["EXIT_INVALID_KB", "EXIT_OK", "EXIT_USAGE", "build_parser", "format_answer", "format_quotes", "main"]

log = logging.getLogger(__name__)


def _version() -> str:
    # Reading the installed package's metadata costs a warm `ask` 50 ms: only `--version` pays it.
    from importlib import metadata

    try:
        return metadata.version("storybot")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


class _VersionAction(argparse.Action):
    """`--version`, with the version looked up only when asked for."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        print(f"{parser.prog} {_version()}")  # to stdout, as argparse's own version action does
        parser.exit()


Command = Callable[[argparse.Namespace, Any], int]


def _later(module: str, name: str) -> Command:
    """A command of `bot.cli.<module>`, imported when it runs: `ask` never loads what curating, measuring
    or running the bot import (the loader's validation, the benchmark, Discord)."""

    def run(args: argparse.Namespace, settings: Any) -> int:
        command: Command = getattr(importlib.import_module(f"bot.cli.{module}"), name)
        return command(args, settings)

    run.__name__ = name
    return run


cmd_export, cmd_extract, cmd_import = (_later("curating", n) for n in ("cmd_export", "cmd_extract", "cmd_import"))
cmd_init, cmd_merge, cmd_stories = (_later("curating", n) for n in ("cmd_init", "cmd_merge", "cmd_stories"))
cmd_validate = _later("curating", "cmd_validate")
cmd_bench, cmd_eval, cmd_train = (_later("measuring", n) for n in ("cmd_bench", "cmd_eval", "cmd_train"))
cmd_run, cmd_sync = (_later("running", n) for n in ("cmd_run", "cmd_sync"))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="storybot",
        description="Answers questions about a news story from a curated, source-checked knowledge base.",
    )
    parser.add_argument("--version", action=_VersionAction, help="show program's version number and exit")
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
        "--score",
        nargs="+",
        action="append",
        metavar="DIR_THEN_SETS",
        help="a story held out of the fit, scored with the fitted decision: its knowledge directory, then its "
        "question sets (repeatable); how the decision does on a story it has never seen",
    )
    training.add_argument(
        "--leave-one-out",
        action="store_true",
        help="fit once per story on the other stories and score the one left out (a summary line each, and the "
        "means); writes nothing: how the decision does on stories it was never fitted on",
    )
    training.add_argument(
        "--near-misses",
        type=float,
        default=0.0,
        metavar="WEIGHT",
        help="also learn from near misses made from the phrasings (a detail the entry lacks swapped in), each "
        "counting WEIGHT beside a real question (default 0: off; see training.NEAR_MISS_WEIGHT)",
    )
    training.add_argument(
        "--phrasings",
        type=int,
        metavar="N",
        help="learn from each story only as cut to its first N phrasings per entry (and fewer), the phrasings cut "
        "away asked as questions: a fit for sparsely curated stories (default: as curated, and cut to 3 and to 2)",
    )
    training.add_argument(
        "--curated-weight",
        type=float,
        metavar="W",
        help="how much each story as curated counts beside its copies cut to 3 and 2 phrasings, sample for sample "
        "(default: training.CURATED_WEIGHT)",
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
    for command in (ask, quote, evaluation, sub.choices["console"], sub.choices["run"], sync):
        command.add_argument(
            "--no-cache", action="store_true", help="build the engine, neither opening nor writing the engine cache"
        )
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
