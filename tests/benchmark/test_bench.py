"""`storybot bench`: the data it generates, how anchors get their cut-off, and the table it prints.

Figures themselves are not asserted here (speed targets live in benchmarks/README.md); only that
the benchmark runs at a small size and prints a number in every cell.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.benchmark.data import (
    ANSWERABLE,
    NEAR_MISSES,
    OFF_TOPIC,
    TYPO_EDITS,
    Generated,
    Question,
    generate,
    reads_as_typo,
)
from bot.benchmark.table import ANSWERS_HEADER, LOAD_HEADER, STAGE_HEADER, best_cut_off, score, top1_with_declines
from bot.benchmark.vocabulary import (
    CHAT_CLOSERS,
    CHAT_OPENERS,
    NAMED_TEMPLATES,
    OFF_TOPIC_TEMPLATES,
    ORGANISATION_KINDS,
    PLAIN_TEMPLATES,
    SYNONYMS,
    english,
    stem,
)
from bot.cli import main
from bot.knowledge import load_knowledge

SIZE = 1000
# The size `storybot bench` is run at here: its time goes to starting its measuring processes, the same at
# any size, and every table and cell is there at this size as at the real ones.
BENCH_SIZE = 150
_WORD = re.compile(r"[a-z]+")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Generated]:
    directory = tmp_path_factory.mktemp("bench") / "kb"
    return directory, generate(directory, SIZE)


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def test_the_base_is_valid_and_holds_several_stories_people_and_organisations(
    generated: tuple[Path, Generated],
) -> None:
    directory, data = generated
    kb = load_knowledge(directory)
    assert len(kb.entries) == SIZE
    assert len({entry_id.split("-")[0] for entry_id in kb.entries}) >= 3  # stories
    kinds = {s.kind.value for s in kb.speakers.values()}
    assert kinds == {"person", "organisation"}
    assert sum(len(e.questions) for e in kb.entries.values()) == len(data.phrasings)


def test_questions_come_in_every_kind_and_answerable_ones_name_an_entry(generated: tuple[Path, Generated]) -> None:
    directory, data = generated
    kb = load_knowledge(directory)
    kinds = [q.kind for q in data.questions]
    assert kinds.count("near-miss") == NEAR_MISSES and kinds.count("off-topic") == OFF_TOPIC
    answerable = [q for q in data.questions if q.entry_id is not None]
    assert len(answerable) == ANSWERABLE
    assert {q.kind for q in answerable} >= {"typo", "drop", "reorder", "synonym", "rephrase", "noise"}
    assert all(q.entry_id in kb.entries for q in answerable)
    phrasings = {p for _, p in data.phrasings}
    assert sum(q.text in phrasings for q in answerable) < len(answerable) / 4  # perturbed, not copied


def test_near_misses_name_someone_the_base_does_not_hold(generated: tuple[Path, Generated]) -> None:
    directory, data = generated
    kb = load_knowledge(directory)
    names = {n.lower() for s in kb.speakers.values() for n in s.names}
    base_words = {w for _, p in data.phrasings for w in _words(p)}
    for q in data.questions:
        if q.kind == "near-miss":
            words = _WORD.findall(q.text.lower())
            spans = {" ".join(words[i : i + n]) for n in (1, 2, 3) for i in range(len(words))}
            assert not spans & names, q.text
            assert _words(q.text) - base_words, q.text  # the stranger's name


def test_a_near_miss_stranger_is_no_misspelling_of_a_name_the_base_holds(generated: tuple[Path, Generated]) -> None:
    directory, data = generated
    kb = load_knowledge(directory)
    kinds = {k.lower() for k in ORGANISATION_KINDS}
    names = sorted({w for s in kb.speakers.values() for n in s.names for w in _words(n)} - kinds)
    base_words = {w for _, p in data.phrasings for w in _words(p)}
    for q in data.questions:
        if q.kind == "near-miss":
            for word in _words(q.text) - base_words:  # the stranger's name
                nearest = process.extractOne(word, names, scorer=OSA.distance)
                assert nearest is not None and nearest[1] > TYPO_EDITS, (q.text, nearest)


def test_a_stranger_near_a_name_reads_as_a_typo_of_it_unless_english_knows_both() -> None:
    assert reads_as_typo("Brandell Troust", ["brandel"])  # made up, a letter more: a typo
    assert reads_as_typo("Vaskar Labs", ["vaskor"])
    assert not reads_as_typo("Vaskor Labs", ["drainel"])  # the kind ("Labs") is every organisation's
    assert not reads_as_typo("Brandemoss Troust", ["brandel"])  # four edits: another name
    assert not reads_as_typo("Hanson", ["hansen"])  # two surnames English knows


def test_off_topic_questions_share_no_stem_with_the_base(generated: tuple[Path, Generated]) -> None:
    _, data = generated
    chat = {w for t in (*CHAT_OPENERS, *CHAT_CLOSERS) for w in _words(t)}
    frames = {stem(w) for t in (*PLAIN_TEMPLATES, *NAMED_TEMPLATES) for w in _words(t)}  # "what", "the"
    base = {stem(w) for _, p in data.phrasings for w in _words(p)} - frames
    for q in data.questions:
        if q.kind == "off-topic":
            stems = {stem(w) for w in _words(q.text) - chat}
            assert stems - frames and not stems & base, (q.text, stems & base)


def test_a_stem_is_a_topic_or_an_off_topic_word_never_both_nor_a_frame_s() -> None:
    vocabulary = english()
    topic = {stem(w) for w in vocabulary.topic}
    frames = {stem(w) for t in OFF_TOPIC_TEMPLATES for w in _words(t)}
    assert stem("recommended") == stem("recommend") in frames
    assert not topic & {stem(w) for w in vocabulary.off_topic}
    assert not topic & frames
    assert not frames & {stem(w) for group in SYNONYMS for w in group}  # entries use those


def test_generation_is_the_same_on_every_run(tmp_path: Path, generated: tuple[Path, Generated]) -> None:
    _, data = generated
    again = generate(tmp_path / "again", SIZE)
    assert again.questions == data.questions
    assert again.phrasings == data.phrasings


def test_an_anchor_gets_the_cut_off_that_gets_most_questions_right() -> None:
    questions = [
        Question("a", "e1", "typo"),
        Question("b", "e2", "typo"),
        Question("c", None, "near-miss"),
        Question("d", None, "off-topic"),
    ]
    answers = [("e1", 9.0), ("e2", 5.0), ("e3", 4.0), ("e1", 6.0)]
    cut_off, figures = best_cut_off(questions, answers)
    # 5.0 answers both right and declines the near-miss; 6.0 would decline e2 too; 4.0 answers the near-miss.
    assert cut_off == 5.0
    assert figures["top1"] == 1.0 and figures["near_miss_declines"] == 1.0 and figures["off_topic_declines"] == 0.0
    assert score(questions, answers)["top1"] == 1.0 and score(questions, answers)["near_miss_declines"] == 0.0
    # Held to declining every unanswerable question, the cut-off rises to 9.0: only the surest answer stays.
    assert top1_with_declines(questions, answers, floor=1.0) == 0.5
    assert top1_with_declines(questions, answers, floor=0.0) == 1.0


def _tables(output: str) -> list[list[list[str]]]:
    tables: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in [*output.splitlines(), ""]:
        if line.startswith("|"):
            current.append([cell.strip() for cell in line.strip("|").split("|")])
        elif current:
            tables.append(current)
            current = []
    return tables


def test_storybot_bench_prints_a_number_in_every_cell_at_a_small_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # In this process: each measurement runs in a fresh child process of its own all the same.
    assert main(["bench", "--sizes", str(BENCH_SIZE), "--json", str(tmp_path / "figures.json")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Machine: ") and "CPUs" in out
    answers, stage, load = _tables(out)
    assert tuple(answers[0]) == ANSWERS_HEADER
    assert tuple(stage[0]) == STAGE_HEADER
    assert tuple(load[0]) == ("entries", *LOAD_HEADER)
    methods = [row[0] for row in answers[2:]]
    assert methods[0] == "StoryBot engine"
    assert [m.split(",")[0] for m in methods[1:]] == [
        "naive WRatio",
        "tantivy (BM25",  # "tantivy (BM25, English stemmer), cut-off 9.8"
        "bm25s (BM25",
    ]
    assert all("cut-off" in m for m in methods[1:])
    assert [row[0] for row in stage[2:]] == ["engine's first stage", "tantivy alone on the engine's terms"]
    for table in (answers, stage, load):
        for row in table[2:]:
            assert len(row) == len(table[0])
            for cell in row[1:]:
                float(cell.rstrip("%").replace(",", ""))  # raises on anything but a number
    assert (tmp_path / "figures.json").is_file()
