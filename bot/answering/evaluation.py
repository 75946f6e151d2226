"""Scoring the engine on a set of questions with known outcomes (`storybot eval FILE`).

A question set is a YAML list of items:
    - q: which firms stopped selling facial recognition to police?
      expect: answer        # answer | quotes | decline
      entry: [id, ...]      # answer: the entry (or entries) that answer it correctly
      mentions: [IBM]       # answer without `entry`: words the answer must contain
      speaker: evan-greer   # quotes: whose words must be shown
      honest_entry: id      # decline: an entry whose answer says the story lacks this detail
      kind: paraphrase      # free label, reported per kind
Two figures come out: accuracy on answerable questions (answers and quote look-ups) and correct
declines on the rest. Moderators can keep a set of their own next to their knowledge base.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.answering.answer import Answer
from bot.answering.matcher import Engine


@dataclass(frozen=True, slots=True)
class Case:
    question: str
    expect: str
    kind: str
    entries: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    speaker: str | None = None
    honest_entry: str | None = None


@dataclass(slots=True)
class Report:
    answerable: int = 0
    answered_right: int = 0
    unanswerable: int = 0
    declined_right: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    right_by_kind: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[Case, Answer]] = field(default_factory=list)

    @property
    def answer_accuracy(self) -> float:
        return self.answered_right / self.answerable if self.answerable else 1.0

    @property
    def decline_accuracy(self) -> float:
        return self.declined_right / self.unanswerable if self.unanswerable else 1.0


def load_cases(path: Path) -> list[Case]:
    items: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    cases = []
    for item in items:
        entry = item.get("entry")
        entries = tuple(entry) if isinstance(entry, list) else (entry,) if entry else ()
        cases.append(
            Case(
                question=str(item["q"]),
                expect=str(item["expect"]),
                kind=str(item.get("kind", item["expect"])),
                entries=entries,
                mentions=tuple(str(m) for m in item.get("mentions") or ()),
                speaker=item.get("speaker"),
                honest_entry=item.get("honest_entry"),
            )
        )
    return cases


def judge(engine: Engine, case: Case, answer: Answer) -> bool:
    """Whether the engine's reply is what the case expects."""
    if case.expect == "decline":
        return not answer.answered or (answer.entry is not None and answer.entry.id == case.honest_entry)
    if not answer.answered:
        return False
    answered = [part for part in answer.parts or (answer,) if part.answered]  # every part of a message
    if case.expect == "quotes":
        wanted = engine.kb.speaker_label(case.speaker)
        return any(view.speaker == wanted for part in answered for view in part.quotes)
    if case.entries:
        return any(part.entry is not None and part.entry.id in case.entries for part in answered)
    text = " ".join(t for part in answered for t in (part.text, *(q.quote.text for q in part.quotes))).casefold()
    return all(m.casefold() in text for m in case.mentions)


def evaluate(engine: Engine, cases: list[Case]) -> Report:
    report = Report()
    for case in cases:
        answer = engine.ask(case.question)
        right = judge(engine, case, answer)
        if case.expect == "decline":
            report.unanswerable += 1
            report.declined_right += right
        else:
            report.answerable += 1
            report.answered_right += right
        report.by_kind[case.kind] += 1
        report.right_by_kind[case.kind] += right
        if not right:
            report.failures.append((case, answer))
    return report
