"""Answering from a terminal: `ask`, `quote` and `console`, and how an answer reads there."""

from __future__ import annotations

import argparse
import sys

from bot.answering import Answer, QuoteResult
from bot.answering.answer import QuoteView, quote_result_json, to_json
from bot.answering.followup import Context, context_of
from bot.answering.startup import warm_up
from bot.answering.stories import StoryEngines
from bot.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    _json_line,
    _stories,
    _wrap,
)
from bot.settings import Settings


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


def cmd_console(args: argparse.Namespace, settings: Settings) -> int:
    stories = _stories(args, settings)
    warm_up(stories)  # the first question's one-time costs, paid before the prompt
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
