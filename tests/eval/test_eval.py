"""The engine on the evaluation sets, as `storybot eval` scores it. CI fails if a figure drops.

questions.yaml was written from the article without looking at the knowledge base's phrasings;
blind.yaml was written later without looking at the phrasings, the engine or the first set. The
floors are the levels measured when they were last raised; raise them when the engine improves.
The decision is fitted on these sets (`storybot train`): `storybot train` reports held-out figures.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.answering import Engine
from bot.answering.decision import Decision
from bot.answering.evaluation import CaseError, Report, cut_phrasings, evaluate, load_cases
from bot.cli import main
from bot.knowledge import bundled_knowledge_dir, load_knowledge

HERE = Path(__file__).parent

# (file, answerable questions answered right (answers and quote look-ups), unanswerable declined)
# Measured 120/126 and 71/74, 71/80 and 62/70, 262/288 and 65/74; each floor is a question or three below.
FLOORS = [  # measured 123/126 and 69/74, 75/80 and 65/70, 269/288 and 66/74
    ("questions.yaml", 120 / 126, 67 / 74),
    ("blind.yaml", 72 / 80, 63 / 70),
    ("discord.yaml", 266 / 288, 64 / 74),
]
# The same story with each entry cut to its first three phrasings, as a busy moderator writes them.
SPARSE_FLOORS = [  # measured 119/126 and 73/74, 69/80 and 66/70
    ("questions.yaml", 116 / 126, 71 / 74),
    ("blind.yaml", 66 / 80, 64 / 70),
]
# The other stories: each its own article, a knowledge base of 2-3 phrasings an entry written without
# its questions, and 130-odd questions written from the article alone. Floors a few questions below the
# levels measured; their confidence is less well calibrated than the shipped story's, hence the ceilings.
# transit and recall were first scored before anything was tuned with them in view (60/110 and 53/113).
STORY_FLOORS = [
    # (story, answers and quote look-ups right, declines right, calibration ceiling)
    ("water", 83 / 102, 31 / 35, 0.15),  # measured 86/102, 32/35, ECE 0.081
    ("transit", 77 / 110, 27 / 31, 0.2),  # measured 80/110, 28/31, ECE 0.104
    ("recall", 65 / 113, 24 / 30, 0.18),  # measured 68/113, 25/30, ECE 0.104
    # nurses and breach are in no fit of the decision: stories it has never seen (first scored untuned at
    # 59/121, 30/30 and 52/117, 26/30)
    ("nurses", 65 / 121, 28 / 30, 0.18),  # measured 68/121, 29/30, ECE 0.107
    ("breach", 58 / 117, 25 / 30, 0.22),  # measured 60/117, 26/30, ECE 0.186
    # stadium and courts were written blind later (first scored untuned at 49/110, 28/30 and 60/113, 29/30),
    # in other voices (young sports fans' slang; British readers and phone typists); in no fit either
    ("stadium", 59 / 110, 26 / 30, 0.26),  # measured 62/110, 28/30, ECE 0.179
    ("courts", 63 / 113, 27 / 30, 0.18),  # measured 66/113, 29/30, ECE 0.080
    # schools and outage were written later still, each scored once untuned before anything else was done
    # with them in view (students' and young gamers' chat; a community server's parents, retirees and shop
    # owners)
    ("schools", 87 / 116, 23 / 31, 0.2),  # measured 90/116, 25/31, ECE 0.114 (untuned: 80/116, 24/31)
    ("outage", 75 / 116, 22 / 31, 0.2),  # measured 78/116, 24/31, ECE 0.082 (untuned: 70/116, 23/31)
]
WATER = HERE / "stories" / "water"
CALIBRATION_CEILING = 0.12  # the confidence shown stays within this of how often it is right (ECE)
# The story cut to three phrasings is scored on sets of 150 questions, whose ECE moves by a few hundredths
# between refits (0.112-0.126 for blind.yaml): a wider ceiling, still that of a well calibrated decision.
SPARSE_CALIBRATION_CEILING = 0.14


@pytest.fixture(scope="module")
def sparse_engine(story_engine: Engine) -> Engine:
    return Engine(cut_phrasings(story_engine.kb, 3))


def _check(
    story_engine: Engine, name: str, answer_floor: float, decline_floor: float, ceiling: float = CALIBRATION_CEILING
) -> None:
    report = evaluate(story_engine, load_cases(HERE / name))
    misses = "\n".join(f"  {c.kind}: {c.question!r} -> {a.outcome.value}" for c, a in report.failures)
    assert report.answer_accuracy >= answer_floor - 1e-9, f"answers fell:\n{misses}"
    assert report.decline_accuracy >= decline_floor - 1e-9, f"declines fell:\n{misses}"
    assert report.calibration_error <= ceiling


@pytest.mark.parametrize(("name", "answer_floor", "decline_floor"), FLOORS)
def test_evaluation_set_stays_at_its_measured_level(
    story_engine: Engine, name: str, answer_floor: float, decline_floor: float
) -> None:
    _check(story_engine, name, answer_floor, decline_floor)


@pytest.mark.parametrize(("name", "answer_floor", "decline_floor"), SPARSE_FLOORS)
def test_a_story_with_three_phrasings_per_entry_stays_at_its_measured_level(
    sparse_engine: Engine, name: str, answer_floor: float, decline_floor: float
) -> None:
    _check(sparse_engine, name, answer_floor, decline_floor, SPARSE_CALIBRATION_CEILING)


@pytest.mark.parametrize(("story", "answer_floor", "decline_floor", "ceiling"), STORY_FLOORS)
def test_each_other_story_stays_at_its_measured_level(
    story: str, answer_floor: float, decline_floor: float, ceiling: float
) -> None:
    folder = HERE / "stories" / story
    report = evaluate(Engine(load_knowledge(folder / "knowledge")), load_cases(folder / "questions.yaml"))
    misses = "\n".join(f"  {c.kind}: {c.question!r} -> {a.outcome.value}" for c, a in report.failures)
    assert report.answer_accuracy >= answer_floor - 1e-9, f"answers fell:\n{misses}"
    assert report.decline_accuracy >= decline_floor - 1e-9, f"declines fell:\n{misses}"
    assert report.calibration_error <= ceiling


def test_the_sets_are_large_and_varied() -> None:
    for name, _, _ in FLOORS:
        if not (HERE / name).exists():
            continue
        cases = load_cases(HERE / name)
        assert len(cases) >= 100
        assert {"answer", "quotes", "decline"} <= {c.expect for c in cases}


def test_cut_phrasings_keeps_the_first_ones(story_engine: Engine) -> None:
    sparse = cut_phrasings(story_engine.kb, 2)
    for entry_id, entry in story_engine.kb.entries.items():
        assert sparse.entries[entry_id].questions == entry.questions[:2]
        assert sparse.entries[entry_id].answer == entry.answer


# ---------------------------------------------------------------- storybot eval / train


def test_eval_prints_each_figure_per_kind_and_the_calibration(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(HERE / "questions.yaml"), str(HERE / "blind.yaml")]) == 0
    out = capsys.readouterr().out
    assert "questions.yaml" in out and "blind.yaml" in out and "all sets:" in out
    for words in ("answered right", "declined right", "quote look-ups", "calibration error (ECE)", "paraphrase", "p99"):
        assert words in out
    # How many questions to answer have their right entry ranked first: never fewer than are answered
    # right from one entry alone, and at most every question to answer.
    ranked = re.search(r"all sets:.*?right entry ranked first, answered or not: (\d+)/(\d+)", out, re.S)
    answered = re.search(r"all sets:.*?answered right (\d+)/(\d+)", out, re.S)
    assert ranked is not None and answered is not None
    assert int(ranked.group(2)) == int(answered.group(2))
    assert int(answered.group(1)) - 10 <= int(ranked.group(1)) <= int(ranked.group(2))


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (None, "cannot read"),
        ("- q: [unclosed\n", "not valid YAML"),
        ("q: a mapping, not a list\n", "a YAML list"),
        ("- q: who is greer?\n  expect: maybe\n", "`expect` must be one of"),
        ("- expect: answer\n", "needs `q`"),
    ],
)
def test_eval_ends_in_one_clear_line_for_a_bad_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str | None, reason: str
) -> None:
    path = tmp_path / "set.yaml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    assert main(["eval", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and reason in err and "set.yaml" in err
    with pytest.raises(CaseError):
        load_cases(path)


def test_train_writes_a_decision_the_engine_can_use(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Fitted on the small second story (the README's `storybot train` line fits the shipped one)."""
    pytest.importorskip("scipy")
    out = tmp_path / "decision.json"
    knowledge = WATER / "knowledge"
    transit = [
        "--score",
        str(HERE / "stories" / "transit" / "knowledge"),
        str(HERE / "stories" / "transit" / "questions.yaml"),
    ]
    assert main(["train", "--kb", str(knowledge), str(WATER / "questions.yaml"), *transit, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "held out" in printed and "calibration error (ECE)" in printed
    # The story held out of the fit is scored as `storybot eval` scores it.
    unseen = printed.split("held-out story", 1)[1]
    assert "not fitted on" in unseen and "answered right" in unseen and "nearmiss" in unseen
    decision = Decision.from_json(json.loads(out.read_text(encoding="utf-8")))
    assert Engine(load_knowledge(knowledge), decision).ask("desal contract value?").entry is not None
    assert Engine(load_knowledge(knowledge), decision).ask("what is the weather on mars?").entry is None
    # Nothing in it is about one story: the shipped story answers with it too.
    engine = Engine(load_knowledge(bundled_knowledge_dir()), decision)
    assert engine.ask("which companies paused facial recognition?").entry is not None


def test_train_leave_one_out_scores_each_story_by_a_decision_fitted_on_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`storybot train --leave-one-out`: a summary line per story, never its per-kind figures (a story may be a
    held-out judge), the means, and no decision written."""
    pytest.importorskip("scipy")
    out = tmp_path / "decision.json"
    transit = HERE / "stories" / "transit"
    story_args = ["--kb", str(WATER / "knowledge"), str(WATER / "questions.yaml")]
    also = ["--also", str(transit / "knowledge"), str(transit / "questions.yaml")]
    assert main(["train", *story_args, *also, "--leave-one-out", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    lines = [line for line in printed.splitlines() if "answered right" in line]
    assert len(lines) == 3, printed  # water, transit, and the means
    assert "transit" in lines[0] and "water" in lines[1] and "ranked first" in lines[0]
    assert lines[2].startswith("mean of the 2 stories held out: answered right")
    assert "nearmiss" not in printed and "paraphrase" not in printed
    assert not out.exists()


def test_train_leave_one_out_needs_two_stories(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("scipy")
    story_args = ["--kb", str(WATER / "knowledge"), str(WATER / "questions.yaml")]
    assert main(["train", *story_args, "--leave-one-out", "--out", str(tmp_path / "d.json")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "at least two stories" in err


def test_calibration_error_is_the_gap_between_confidence_and_how_often_it_is_right() -> None:
    calibrated = Report(calibration=[(0.75, True), (0.75, True), (0.75, True), (0.75, False)])
    assert calibrated.calibration_error == pytest.approx(0.0)
    overconfident = Report(calibration=[(0.95, False), (0.95, True), (0.15, False), (0.15, False)])
    assert overconfident.calibration_error == pytest.approx(0.5 * 0.45 + 0.5 * 0.15)
