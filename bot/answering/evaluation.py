"""Scoring the engine on a set of questions with known outcomes (`storybot eval FILE...`).

A question set is a YAML list of items:
    - q: which firms stopped selling the scanner to police?
      expect: answer        # answer | quotes | decline
      entry: [id, ...]      # answer: the entry (or entries) that answer it correctly
      mentions: [Acme]       # answer without `entry`: words the answer must contain
      speaker: ana-reyes   # quotes: whose words must be shown
      honest_entry: id      # decline: an entry whose answer says the story lacks this detail
      kind: paraphrase      # free label, reported per kind
Three figures come out, one per `expect`: answers right, quote look-ups right, and correct declines;
then accuracy per kind, and the expected calibration error (ECE) of the confidence the engine shows:
how far, on average over questions, the probability it gives its best entry is from how often that
entry is right. Moderators can keep a set of their own next to their knowledge base.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.answering.answer import Answer, Outcome
from bot.answering.matcher import Engine
from bot.knowledge.model import KnowledgeBase

EXPECTS = ("answer", "quotes", "decline")
CALIBRATION_BINS = 10  # confidence bins of the expected calibration error, the usual choice


class CaseError(ValueError):
    """A question set that cannot be read: the message names the file and what is wrong."""


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
    total: Counter[str] = field(default_factory=Counter)  # by expect
    right: Counter[str] = field(default_factory=Counter)
    by_kind: Counter[str] = field(default_factory=Counter)
    right_by_kind: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[Case, Answer]] = field(default_factory=list)
    # (confidence shown, whether the best entry was right), for every question the engine ranked entries for
    calibration: list[tuple[float, bool]] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)  # how long each `ask` took (time.perf_counter)
    # Questions to answer whose right entry the engine ranks first, answered or not: how often a low
    # confidence, not the ranking, is what keeps a right answer back.
    ranked_first: int = 0

    def count(self, case: Case, answer: Answer, right: bool) -> None:
        """One case's reply, right or not, in the totals by what it expects and by kind."""
        self.total[case.expect] += 1
        self.right[case.expect] += right
        self.by_kind[case.kind] += 1
        self.right_by_kind[case.kind] += right
        if not right:
            self.failures.append((case, answer))

    def accuracy(self, expect: str) -> float:
        return self.right[expect] / self.total[expect] if self.total[expect] else 1.0

    @property
    def answer_accuracy(self) -> float:
        """Answerable questions (answers and quote look-ups) answered right."""
        total = self.total["answer"] + self.total["quotes"]
        return (self.right["answer"] + self.right["quotes"]) / total if total else 1.0

    @property
    def decline_accuracy(self) -> float:
        return self.accuracy("decline")

    @property
    def calibration_error(self) -> float:
        """Expected calibration error: |confidence - accuracy| per bin, weighed by the bin's share."""
        if not self.calibration:
            return 0.0
        bins: dict[int, list[tuple[float, bool]]] = {}
        for confidence, right in self.calibration:
            bins.setdefault(min(int(confidence * CALIBRATION_BINS), CALIBRATION_BINS - 1), []).append(
                (confidence, right)
            )
        gap = 0.0
        for members in bins.values():
            mean_confidence = sum(c for c, _ in members) / len(members)
            accuracy = sum(r for _, r in members) / len(members)
            gap += len(members) * abs(mean_confidence - accuracy)
        return gap / len(self.calibration)

    def merge(self, other: Report) -> None:
        for mine, theirs in (
            (self.total, other.total),
            (self.right, other.right),
            (self.by_kind, other.by_kind),
            (self.right_by_kind, other.right_by_kind),
        ):
            mine.update(theirs)
        self.failures += other.failures
        self.ranked_first += other.ranked_first
        self.calibration += other.calibration
        self.seconds += other.seconds


def _item(path: Path, number: int, item: Any) -> Case:
    where = f"{path}: question {number}"
    if not isinstance(item, dict) or not isinstance(item.get("q"), str):
        raise CaseError(f"{where}: each item needs `q`, the question as text")
    expect = item.get("expect")
    if expect not in EXPECTS:
        raise CaseError(f"{where}: `expect` must be one of {', '.join(EXPECTS)}, not {expect!r}")
    entry = item.get("entry")
    entries = tuple(str(e) for e in entry) if isinstance(entry, list) else (str(entry),) if entry else ()
    mentions = item.get("mentions") or ()
    if not isinstance(mentions, list | tuple):
        raise CaseError(f"{where}: `mentions` must be a list of words")
    return Case(
        question=item["q"],
        expect=expect,
        kind=str(item.get("kind", expect)),
        entries=entries,
        mentions=tuple(str(m) for m in mentions),
        speaker=item.get("speaker"),
        honest_entry=item.get("honest_entry"),
    )


def load_cases(path: Path) -> list[Case]:
    """The cases of a question set; a missing or malformed file raises CaseError with a one-line reason."""
    try:
        items: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CaseError(f"{path}: cannot read the question set ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise CaseError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise CaseError(f"{path}: not valid YAML{line}") from exc
    if items is None:
        return []
    if not isinstance(items, list):
        raise CaseError(f"{path}: a question set is a YAML list of questions")
    return [_item(path, number, item) for number, item in enumerate(items, 1)]


def right_entry(case: Case, kb: KnowledgeBase, entry_id: str) -> bool:
    """Whether this entry is a right reply to the case (for a decline: only its honest entry)."""
    if case.expect == "decline":
        return entry_id == case.honest_entry
    if case.expect != "answer":
        return False
    if case.entries:
        return entry_id in case.entries
    text = kb.entries[entry_id].answer.casefold()
    return bool(case.mentions) and all(m.casefold() in text for m in case.mentions)


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
        started = time.perf_counter()
        answer = engine.ask(case.question)
        report.seconds.append(time.perf_counter() - started)
        right = judge(engine, case, answer)
        report.count(case, answer, right)
        if case.expect != "quotes" and answer.outcome in (Outcome.ANSWERED, Outcome.DECLINED):
            ranked = engine.ranked(case.question)
            if ranked:
                top_right = right_entry(case, engine.kb, ranked[0].entry_id)
                report.calibration.append((engine.confidence(ranked), top_right))
                report.ranked_first += case.expect == "answer" and top_right
    return report


def cut_phrasings(kb: KnowledgeBase, keep: int) -> KnowledgeBase:
    """The knowledge base with each entry's phrasings cut to its first `keep`: how a busy moderator's
    story looks, to measure how well the engine does from few phrasings."""
    entries = {key: dataclasses.replace(e, questions=e.questions[:keep]) for key, e in kb.entries.items()}
    return dataclasses.replace(kb, entries=entries)
