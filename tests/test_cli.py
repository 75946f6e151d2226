"""The `storybot` command as a user runs it: what it prints, on which stream, and its exit code.

Most tests call `main([...])` in-process; a few run the real command in a child process from
another working directory, to prove the bundled knowledge base is found from anywhere.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot import cli
from bot.answering import Engine
from bot.answering.answer import quote_result_json
from bot.knowledge import bundled_knowledge_dir, load_knowledge

QUESTION = "which companies paused facial recognition?"
_CURLY = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


def squeezed(text: str) -> str:
    """Text as the verbatim rule compares it: no whitespace, straight quotes."""
    return "".join(text.translate(_CURLY).split())


pytestmark = pytest.mark.usefixtures("cli_environment", "cli_reuses_engine")


@pytest.fixture(scope="module")
def article() -> str:
    kb = load_knowledge(bundled_knowledge_dir())
    return squeezed("\n".join(source.text for source in kb.sources.values()))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def position_of(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of `needle` in `text`."""
    index = text.index(needle)
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def one_json(out: str) -> dict[str, Any]:
    lines = out.splitlines()
    assert len(lines) == 1, out
    data = json.loads(lines[0])
    assert isinstance(data, dict)
    return data


BREAKS = {  # file: [(shipped text, broken text)]
    "quotes.yaml": [
        ("want to have it both ways\n", "want to have it all ways\n"),
        ("greer-city-councils\n    speaker: evan-greer", "greer-city-councils\n    speaker: evan-grear"),
    ],
    "people.yaml": [("name: Evan Greer\n    kind: person", "name: Evan Greer\n    kind: persn")],
}


def broken_copy(tmp_path: Path) -> Path:
    """The shipped knowledge with a quote changed by a word, a speaker misspelt and a kind misspelt."""
    kb = Path(shutil.copytree(bundled_knowledge_dir(), tmp_path / "kb"))
    for name, edits in BREAKS.items():
        text = (kb / name).read_text(encoding="utf-8")
        for old, new in edits:
            assert text.count(old) == 1, f"{old!r} should occur once in {name}; the shipped knowledge changed"
            text = text.replace(old, new)
        (kb / name).write_text(text, encoding="utf-8")
    return kb


def assert_contract(data: dict[str, Any]) -> None:
    """The `ask --json` object other tools rely on (extra keys are allowed)."""
    assert isinstance(data["question"], str)
    assert isinstance(data["answered"], bool)
    assert isinstance(data["answer"], str) and data["answer"]
    assert data["entry"] is None or isinstance(data["entry"], str)
    assert isinstance(data["confidence"], float) and 0.0 <= data["confidence"] <= 1.0
    assert isinstance(data["quotes"], list)
    for quote in data["quotes"]:
        assert {type(quote[key]) for key in ("speaker", "text", "source")} == {str}
    assert isinstance(data["sources"], list)
    for source in data["sources"]:
        assert {type(source[key]) for key in ("id", "title", "excerpt")} == {str}
    assert isinstance(data["suggestions"], list)
    assert all(isinstance(s, str) for s in data["suggestions"])


# ------------------------------------------------------------------ validate


def test_validate_the_shipped_knowledge(capsys: pytest.CaptureFixture[str], story_engine: Engine) -> None:
    code, out, err = run(capsys, "validate")
    assert code == 0
    assert err == ""
    assert f"{len(story_engine.kb.entries)} entries" in out
    assert out.rstrip().endswith("every quote and excerpt is verbatim.")


def test_validate_a_broken_copy_lists_every_problem(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    kb = broken_copy(tmp_path)
    people = (kb / "people.yaml").read_text(encoding="utf-8")
    quotes = (kb / "quotes.yaml").read_text(encoding="utf-8")
    code, out, err = run(capsys, "validate", "--kb", str(kb))
    assert code == 1
    assert out == ""
    lines = err.splitlines()
    # `file:line:column: message`, sorted, with paths as the user can open them, then a count.
    expected = [
        ("kb/people.yaml", position_of(people, "persn"), "`kind` must be `person` or `organisation`"),
        ("kb/quotes.yaml", position_of(quotes, "I think broadly"), "this quote is not word for word in the source."),
        ("kb/quotes.yaml", position_of(quotes, "evan-grear"), "no person or organisation has the id `evan-grear`."),
    ]
    assert len(lines) == len(expected) + 1
    for line, (file, (line_number, column), message) in zip(lines[:-1], expected, strict=True):
        assert line.startswith(f"{file}:{line_number}:{column}: {message}")
    assert "First difference: 'all' where the source has 'both'." in lines[1]
    assert "Did you mean 'evan-greer'?" in lines[2]
    assert lines[-1] == "3 problems found; the knowledge base was not loaded."


def test_validate_a_missing_directory(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", "--kb", "nowhere")
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == "nowhere:1:1: no such knowledge directory; pass --kb with a folder of YAML files."


def test_storybot_kb_setting_chooses_the_knowledge(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STORYBOT_KB", str(broken_copy(tmp_path)))
    code, _, err = run(capsys, "ask", QUESTION)
    assert code == 1
    assert "3 problems found" in err


def test_ask_with_a_broken_knowledge_base_answers_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run(capsys, "ask", "--kb", str(broken_copy(tmp_path)), QUESTION)
    assert (code, out) == (1, "")
    assert "kb/quotes.yaml:" in err and "the knowledge base was not loaded" in err


# ------------------------------------------------------------------ ask


def test_ask_prints_the_answer_the_articles_words_and_the_source(
    capsys: pytest.CaptureFixture[str], story_engine: Engine, article: str
) -> None:
    code, out, err = run(capsys, "ask", QUESTION)
    assert (code, err) == (0, "")
    answer = story_engine.ask(QUESTION)
    assert "IBM" in out and "Amazon" in out
    assert "From the story:" in out
    printed = " ".join(line.strip().removeprefix(">").strip() for line in out.splitlines())
    assert answer.evidence
    for evidence in answer.evidence:
        assert squeezed(evidence.excerpt) in article  # the article's own sentence...
        assert f"“{evidence.excerpt}”" in printed  # ...printed as evidence
    title = next(iter(story_engine.kb.sources.values())).title
    assert f"Source: {title}" in out


def test_ask_prints_each_part_of_a_message_under_its_question(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "hey bot, who is evan greer? also what is mijente")
    assert code == 0
    first, second = out.index("[1] who is evan greer?"), out.index("[2] what is mijente")
    assert first < out.index("Fight for Our Future") < second
    assert out.count("From the story:") == 2


def test_ask_json_of_several_parts_keeps_the_contract_in_each(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "--json", "who is evan greer? also what is mijente")
    data = one_json(out)
    assert code == 0 and len(data["parts"]) == 2
    for part in (data, *data["parts"]):
        assert_contract(part)


def test_ask_json_keeps_the_contract(capsys: pytest.CaptureFixture[str], article: str) -> None:
    code, out, _ = run(capsys, "ask", "--json", QUESTION)
    assert code == 0
    data = one_json(out)
    assert_contract(data)
    assert data["question"] == QUESTION
    assert data["answered"] is True
    assert data["entry"] is not None
    assert "IBM" in data["answer"] and "Amazon" in data["answer"]
    assert data["sources"]
    assert any("IBM" in source["excerpt"] for source in data["sources"])
    for source in data["sources"]:
        assert squeezed(source["excerpt"]) in article
    for quote in data["quotes"]:
        assert squeezed(quote["text"]) in article


def test_ask_json_lines_from_standard_input(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    questions = [QUESTION, "", "What is the capital of France?", "who is evan greer?"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(q + "\n" for q in questions)))
    code, out, _ = run(capsys, "ask", "--json", "-")
    assert code == 0
    answers = [json.loads(line) for line in out.splitlines()]
    assert [a["question"] for a in answers] == questions  # one line out for each line in, in order
    for data in answers:
        assert_contract(data)
    assert [a["answered"] for a in answers] == [True, False, False, True]
    assert answers[1]["entry"] is None
    assert answers[2]["entry"] is None and answers[2]["suggestions"], "a decline offers questions it can answer"


def test_ask_questions_from_standard_input_as_text(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{QUESTION}\nWhat is the capital of France?\n"))
    code, out, _ = run(capsys, "ask", "-")
    assert code == 0
    assert out.startswith(f"Q: {QUESTION}\n")
    assert "\nQ: What is the capital of France?\n" in out
    assert "You could ask:" in out


def test_ask_empty_question_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "ask", "  ")
    assert (code, out) == (2, "")
    assert err == "Please ask a question about the story, in words.\n"


def test_ask_needs_a_question(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        cli.main(["ask"])
    assert raised.value.code == 2
    assert "the following arguments are required: question" in capsys.readouterr().err


# (what was typed, what the reader gets: "invalid" (a message, exit 2), "declined", "answered" or
# "other_language" (a polite note that the bot answers in English, with nothing to press))
ODD_INPUT = [
    pytest.param("x" * 100_000, "invalid", id="100,000 characters"),
    pytest.param("🙂🙂🙂", "invalid", id="only emoji"),
    pytest.param("?!… -- ...", "invalid", id="only punctuation"),
    pytest.param("\x00\x07\x1b[31m", "declined", id="control characters"),
    pytest.param("\u200b\u200d\u2060", "invalid", id="only zero-width characters"),
    pytest.param("which com\u200bpanies paused facial recog\u00adnition?", "answered", id="zero-width inside words"),
    pytest.param("\u202ewhich companies paused facial recognition?\u202c", "answered", id="right-to-left override"),
    pytest.param(f"{QUESTION} 🙂", "answered", id="emoji after a question"),
    pytest.param("Какие компании приостановили распознавание лиц?", "other_language", id="Cyrillic"),
    pytest.param("哪些公司暂停了人脸识别？", "other_language", id="Chinese"),
    pytest.param("ما هي الشركات التي أوقفت التعرف على الوجه؟", "other_language", id="Arabic"),
]


@pytest.mark.parametrize(("question", "outcome"), ODD_INPUT)
def test_odd_input_gets_a_message_or_an_honest_reply(
    capsys: pytest.CaptureFixture[str], question: str, outcome: str
) -> None:
    code, out, err = run(capsys, "ask", question)
    if outcome == "invalid":
        assert (code, out) == (2, "")
        assert err.strip() and len(err) < 200  # a short message, not the input echoed back
    else:
        assert (code, err) == (0, "")
        assert ("You could ask:" in out) == (outcome == "declined")
        assert ("IBM" in out) == (outcome == "answered")
        assert ("only answer in English" in out) == (outcome == "other_language")

    code, out, err = run(capsys, "ask", "--json", question)
    assert (code, err) == (0, "")
    data = one_json(out)
    assert_contract(data)
    assert data["answered"] is (outcome == "answered")
    assert bool(data["suggestions"]) is (outcome == "declined")
    assert len(data["question"]) <= 1000  # a huge question is not echoed back whole


# ------------------------------------------------------------------ quote


def test_quote_greer_json(capsys: pytest.CaptureFixture[str], article: str) -> None:
    code, out, _ = run(capsys, "quote", "greer", "--json")
    assert code == 0
    data = one_json(out)
    assert data["query"] == "greer"
    assert data["speaker"] == "Evan Greer"
    assert data["quotes"]
    for quote in data["quotes"]:
        assert quote["speaker"] == "Evan Greer"
        assert squeezed(quote["text"]) in article
    assert any("both ways" in quote["text"] for quote in data["quotes"])


def test_quote_greer_as_text(capsys: pytest.CaptureFixture[str], story_engine: Engine) -> None:
    code, out, _ = run(capsys, "quote", "Evan", "Greer")
    assert code == 0
    assert out.startswith("Evan Greer:")
    for quote in story_engine.kb.quotes_by_speaker["evan-greer"]:
        assert f"“{quote.text}”" in " ".join(line.strip() for line in out.splitlines())
    assert "— Evan Greer, deputy director" in out


def test_quote_nobody_by_that_name(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "quote", "tim cook", "--json")
    assert code == 0
    data = one_json(out)
    assert data["speaker"] is None
    assert data["quotes"] == []
    assert data["suggestions"] and all(isinstance(name, str) for name in data["suggestions"])


def test_every_quote_of_every_speaker_is_verbatim_and_theirs(story_engine: Engine, article: str) -> None:
    # The same look-up and JSON that `storybot quote NAME --json` prints, for every name the story has.
    kb = story_engine.kb
    said_by = {quote.text: kb.speaker_label(quote.speaker) for quote in kb.quotes.values()}
    for speaker in kb.speakers.values():
        data = quote_result_json(story_engine.quote(speaker.name))
        own = kb.quotes_by_speaker.get(speaker.id, ())
        if own:  # someone quoted: exactly their words
            assert data["speaker"] == speaker.name
            assert sorted(q["text"] for q in data["quotes"]) == sorted(q.text for q in own)
        for quote in data["quotes"]:
            # An organisation may lead to its quoted people, but never under the wrong name.
            assert quote["speaker"] == said_by[quote["text"]] == data["speaker"]
            assert squeezed(quote["text"]) in article


# ------------------------------------------------------------------ export and console


EXPORT_FIELDS = {
    "sources": {"id", "title", "outlet", "author", "date", "url", "note", "text"},
    "people": {"id", "name", "kind", "aliases", "role", "affiliation", "description"},
    "quotes": {"id", "speaker", "speaker_name", "text", "source", "attribution_note"},
    "entries": {"id", "questions", "answer", "evidence", "keywords", "quotes", "about"},
}


def test_export_prints_the_whole_knowledge_base_as_json(
    capsys: pytest.CaptureFixture[str], story_engine: Engine
) -> None:
    code, out, _ = run(capsys, "export")
    assert code == 0
    data = json.loads(out)
    assert set(data) == set(EXPORT_FIELDS)
    for section, fields in EXPORT_FIELDS.items():
        assert isinstance(data[section], list)
        for item in data[section]:
            assert set(item) == fields, section
    kb = story_engine.kb
    assert [s["id"] for s in data["sources"]] == list(kb.sources)
    assert [p["id"] for p in data["people"]] == list(kb.speakers)
    assert [q["id"] for q in data["quotes"]] == list(kb.quotes)
    assert [e["id"] for e in data["entries"]] == list(kb.entries)
    texts = {s["id"]: squeezed(s["text"]) for s in data["sources"]}
    for entry in data["entries"]:
        for evidence in entry["evidence"]:
            assert squeezed(evidence["excerpt"]) in texts[evidence["source"]]


def test_console_answers_and_quotes_until_quit(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{QUESTION}\n\n/quote greer\n/quit\nnever read\n"))
    code, out, _ = run(capsys, "console")
    assert code == 0
    assert "IBM" in out
    assert "Evan Greer:" in out
    # One prompt for each line up to `/quit`; the line after it is never read.
    assert out.count("you> ") == 4


def test_console_keeps_the_conversation_for_follow_ups(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, story_engine: Engine
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("who is geoffrey alpert?\nwhat did he say?\n/quit\n"))
    code, out, _ = run(capsys, "console")
    assert code == 0
    first, follow_up = out.split("you> ")[1:3]
    assert "Geoffrey Alpert" in first
    assert "is quoted" in follow_up and "Geoffrey Alpert" in follow_up
    quotes = story_engine.kb.quotes_by_speaker["geoffrey-alpert"]
    assert quotes and all(q.text in " ".join(follow_up.split()) for q in quotes)


def test_console_ends_at_end_of_input(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("who is evan greer?\n"))
    code, out, _ = run(capsys, "console")
    assert code == 0
    assert "Greer" in out


# ------------------------------------------------------------------ the real command


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("STORYBOT_", "DISCORD_"))}


def run_in(directory: Path, *command: str) -> subprocess.CompletedProcess[str]:
    """`command` as a separate process in `directory`, with no StoryBot settings in its environment."""
    return subprocess.run(
        command, cwd=directory, env=_environment(), capture_output=True, text=True, timeout=120, check=False
    )


def test_python_m_bot_answers_from_any_directory(tmp_path: Path) -> None:
    done = run_in(tmp_path, sys.executable, "-m", "bot", "ask", "--json", QUESTION)
    assert (done.returncode, done.stderr) == (0, "")
    data = one_json(done.stdout)
    assert_contract(data)
    assert data["answered"] is True and "IBM" in data["answer"]


def test_installed_storybot_reports_a_broken_knowledge_base(tmp_path: Path) -> None:
    command = shutil.which("storybot", path=str(Path(sys.executable).parent))
    if command is None:
        pytest.skip("the storybot console script is not installed beside this Python")
    kb = broken_copy(tmp_path)
    done = run_in(tmp_path, command, "validate", "--kb", "kb")
    assert done.returncode == 1
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert [line.split(":", 1)[0] for line in lines[:-1]] == ["kb/people.yaml", "kb/quotes.yaml", "kb/quotes.yaml"]
    assert lines[-1] == "3 problems found; the knowledge base was not loaded."
    assert kb.is_dir()
