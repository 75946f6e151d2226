"""The knowledge validator as a curator meets it.

Each test copies the shipped knowledge base, breaks it in one way, and checks that the problem is
reported at the right `file:line:column` with a message saying what to do. Expected positions are
worked out from the text each test writes, never typed in.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeError, bundled_knowledge_dir, load_knowledge
from bot.knowledge.loader import Problem, validate_knowledge

SOURCE_ID = "tech-police-surveillance-2020"
# A sentence of the article, as printed (the article has a straight apostrophe in "That's").
EXCERPT = (
    "That's in addition to Amazon's Ring doorbell camera system, which has video-sharing partnerships "
    "with more than 400 police departments."
)
# One valid entry of our own, in a file that sorts after every shipped one; tests break it.
TEST_ENTRY = f"""\
# Written by the tests.
entries:
  - id: test-ring-cameras
    questions:
      - In this test, how many police departments does Ring share video with?
    answer: More than 400 police departments, the story says.
    evidence:
      - source: {SOURCE_ID}
        excerpt: {EXCERPT}
    about: [ring]
"""
TEST_FILE = "entries/zz-test.yaml"


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped knowledge base at `kb/`; problems then name files as `kb/...`."""
    monkeypatch.chdir(tmp_path)
    return Path(shutil.copytree(bundled_knowledge_dir(), tmp_path / "kb"))


def position_of(text: str, needle: str, start: int = 0) -> tuple[int, int]:
    """1-based line and column of the first `needle` in `text` at or after `start`."""
    index = text.index(needle, start)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def edit(path: Path, old: str, new: str) -> str:
    """Replace the one occurrence of `old` in `path`; return the new text."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should occur once in {path}; the shipped knowledge changed"
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return text


def write(kb: Path, name: str, text: str) -> str:
    path = kb / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return text


def problems(directory: Path) -> list[Problem]:
    loaded, found = validate_knowledge(directory)
    assert loaded is None, "the broken knowledge base was loaded"
    assert found, "a refused knowledge base must say why"
    return found


def only_problem(directory: Path) -> Problem:
    found = problems(directory)
    assert len(found) == 1, "expected exactly one problem, got:\n" + "\n".join(map(str, found))
    return found[0]


def where(problem: Problem) -> tuple[str, int, int]:
    return problem.file, problem.line, problem.column


# ------------------------------------------------------------------ what loads


def test_the_shipped_knowledge_base_is_valid() -> None:
    loaded, found = validate_knowledge(bundled_knowledge_dir())
    assert found == []
    assert loaded is not None
    assert loaded.sources and loaded.speakers and loaded.quotes and loaded.entries
    assert SOURCE_ID in loaded.sources


def test_an_added_entry_file_is_loaded(kb: Path) -> None:
    write(kb, TEST_FILE, TEST_ENTRY)
    entry = load_knowledge(kb).entries["test-ring-cameras"]
    assert entry.evidence[0].excerpt == EXCERPT
    assert entry.about == ("ring",)


def test_an_unattributed_quote_with_a_note_is_accepted(kb: Path) -> None:
    edit(
        kb / "quotes.yaml",
        "  - id: greer-both-ways\n    speaker: evan-greer\n",
        "  - id: greer-both-ways\n    speaker: null\n    attribution_note: The story does not say.\n",
    )
    assert load_knowledge(kb).quotes["greer-both-ways"].speaker is None


def test_an_empty_file_and_hidden_folders_are_ignored(kb: Path) -> None:
    write(kb, "entries/later.yaml", "# nothing here yet\n")
    write(kb, ".trash/broken.yaml", "entries: [unclosed\n")
    assert load_knowledge(kb).entries


# ------------------------------------------------------------------ YAML that cannot be read


# (file, text to replace, replacement, the text at which the problem must be reported, words of the message)
SYNTAX_ERRORS = [
    pytest.param(
        "people.yaml",
        "    aliases: [Greer]\n",
        "    aliases: [Greer]\n   note: indented one space too few\n",
        "note: indented one space too few",
        "did not find expected '-' indicator",
        id="under-indented key",
    ),
    pytest.param(
        "people.yaml",
        "    aliases: [Greer]\n",
        "    aliases: [Greer]\n      note: indented too far\n",
        "note: indented too far",
        "did not find expected key",
        id="over-indented key",
    ),
    pytest.param(
        "quotes.yaml",
        "  - id: greer-both-ways\n    speaker:",
        "  - id: greer-both-ways\n\tspeaker:",
        "\tspeaker:",
        "tab character",
        id="tab indentation",
    ),
    pytest.param(
        "people.yaml",
        "    role: deputy director\n",
        "    role: deputy: director\n",
        ": director",
        "mapping values are not allowed",
        id="colon in a plain value",
    ),
    pytest.param(
        "sources.yaml",
        "    title: Tech companies",
        '    title: "Tech companies',
        '"Tech companies',
        "never closed",
        id="unclosed quote",
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "at", "words"), SYNTAX_ERRORS)
def test_yaml_syntax_error_is_reported_where_it_is(
    kb: Path, name: str, old: str, new: str, at: str, words: str
) -> None:
    text = edit(kb / name, old, new)
    problem = only_problem(kb)  # ids in the unread file are not reported as missing too
    assert where(problem) == (f"kb/{name}", *position_of(text, at, text.index(new)))
    assert problem.message.startswith("YAML syntax error")
    assert words in problem.message
    assert "Fix the YAML here" in problem.message


# ------------------------------------------------------------------ fields


# (a field line of the test entry, the field it holds)
REQUIRED_ENTRY_FIELDS = [
    ("    answer: More than 400 police departments, the story says.\n", "answer"),
    ("    questions:\n      - In this test, how many police departments does Ring share video with?\n", "questions"),
    (f"    evidence:\n      - source: {SOURCE_ID}\n        excerpt: {EXCERPT}\n", "evidence"),
]


@pytest.mark.parametrize(("line", "field"), REQUIRED_ENTRY_FIELDS, ids=[f for _, f in REQUIRED_ENTRY_FIELDS])
def test_missing_required_field_names_the_entry_and_the_field(kb: Path, line: str, field: str) -> None:
    text = write(kb, TEST_FILE, TEST_ENTRY.replace(line, ""))
    problem = only_problem(kb)
    assert where(problem) == (f"kb/{TEST_FILE}", *position_of(text, "id: test-ring-cameras"))
    assert f"entry is missing required field `{field}`" in problem.message


def test_missing_field_of_a_quote(kb: Path) -> None:
    text = edit(kb / "quotes.yaml", f"    source: {SOURCE_ID}\n    text: I think broadly", "    text: I think broadly")
    problem = only_problem(kb)
    assert where(problem) == ("kb/quotes.yaml", *position_of(text, "id: greer-both-ways"))
    assert "quote is missing required field `source`" in problem.message


def test_misspelt_field_suggests_the_right_one(kb: Path) -> None:
    text = write(kb, TEST_FILE, TEST_ENTRY.replace("    answer:", "    answr:"))
    missing, unknown = problems(kb)
    assert where(missing) == (f"kb/{TEST_FILE}", *position_of(text, "id: test-ring-cameras"))
    assert "entry is missing required field `answer`" in missing.message
    assert where(unknown) == (f"kb/{TEST_FILE}", *position_of(text, "answr:"))
    assert unknown.message.startswith("unknown field `answr` in entry. Did you mean 'answer'?")
    assert "Known fields: id, questions, answer, evidence" in unknown.message


def test_unknown_field_far_from_any_lists_the_known_ones(kb: Path) -> None:
    text = write(kb, TEST_FILE, TEST_ENTRY.replace("    about: [ring]\n", "    about: [ring]\n    colour: blue\n"))
    problem = only_problem(kb)
    assert where(problem) == (f"kb/{TEST_FILE}", *position_of(text, "colour:"))
    assert "unknown field `colour`" in problem.message
    assert "Did you mean" not in problem.message
    assert "Known fields: id, questions, answer, evidence, keywords, quotes, about." in problem.message


def test_unknown_section_suggests_the_right_one(kb: Path) -> None:
    text = write(kb, TEST_FILE, TEST_ENTRY.replace("entries:", "entrys:"))
    problem = only_problem(kb)
    assert where(problem) == (f"kb/{TEST_FILE}", *position_of(text, "entrys:"))
    assert "unknown section `entrys`. Did you mean 'entries'?" in problem.message
    assert "Sections: sources, people, quotes, entries, vocabulary, examples." in problem.message


def test_misspelt_section_does_not_bury_itself_under_missing_ids(kb: Path) -> None:
    # Every entry that cites a quote would otherwise report it missing.
    text = edit(kb / "quotes.yaml", "\nquotes:\n", "\nquotess:\n")
    problem = only_problem(kb)
    assert where(problem) == ("kb/quotes.yaml", *position_of(text, "quotess:"))
    assert "Did you mean 'quotes'?" in problem.message


# ------------------------------------------------------------------ word for word


def test_quote_changed_by_one_word_shows_the_difference_and_the_passage(kb: Path) -> None:
    text = edit(kb / "quotes.yaml", "want to have it both ways\n", "want to have it all ways\n")
    problem = only_problem(kb)
    assert where(problem) == ("kb/quotes.yaml", *position_of(text, "I think broadly"))
    assert problem.message.startswith("this quote is not word for word in the source.")
    assert "First difference: 'all' where the source has 'both'." in problem.message
    passage = "'I think broadly, tech companies want to have it [both] ways'"
    assert f"The closest passage, with what differs in [brackets], is: {passage}." in problem.message
    assert "Copy the words exactly from the source" in problem.message


# (changed excerpt, the first difference the message must show)
CHANGED_EXCERPTS = [
    (
        EXCERPT.replace("video-sharing", "video-swapping"),
        "'video-swapping' where the source has 'video-sharing'",
        EXCERPT.replace("video-sharing", "[video-sharing]"),
    ),
    (EXCERPT.replace("400", "40"), "'40' where the source has '400'", EXCERPT.replace("400", "[400]")),
    (
        EXCERPT.replace("which has", "which"),
        "the source has 'has' here, which this leaves out",
        EXCERPT.replace("which has", "which [has]"),
    ),
]


@pytest.mark.parametrize(("excerpt", "difference", "marked"), CHANGED_EXCERPTS, ids=["word", "number", "word left out"])
def test_excerpt_changed_shows_the_difference_and_the_passage(
    kb: Path, excerpt: str, difference: str, marked: str
) -> None:
    text = write(kb, TEST_FILE, TEST_ENTRY.replace(EXCERPT, excerpt))
    problem = only_problem(kb)
    assert where(problem) == (f"kb/{TEST_FILE}", *position_of(text, excerpt))
    assert problem.message.startswith("this excerpt is not word for word in the source.")
    assert f"First difference: {difference}." in problem.message
    assert f"The closest passage, with what differs in [brackets], is: {marked!r}." in problem.message


def test_excerpt_with_other_spacing_and_quotes_is_accepted(kb: Path) -> None:
    folded = textwrap.fill(EXCERPT.replace("'", "’"), 60, subsequent_indent="          ")
    write(kb, TEST_FILE, TEST_ENTRY.replace(f"excerpt: {EXCERPT}", f"excerpt: >-\n          {folded}"))
    assert "test-ring-cameras" in load_knowledge(kb).entries


# ------------------------------------------------------------------ references


# (the id written, what the message must end its first sentence with)
DANGLING_SPEAKERS = [
    ("evan-grear", "no person or organisation has the id `evan-grear`. Did you mean 'evan-greer'?"),
    ("tim-cook", "no person or organisation has the id `tim-cook`. Add it to `people`"),
]


@pytest.mark.parametrize(("speaker", "words"), DANGLING_SPEAKERS, ids=["close", "far"])
def test_dangling_speaker_is_reported_at_the_speaker(kb: Path, speaker: str, words: str) -> None:
    text = edit(
        kb / "quotes.yaml", "greer-both-ways\n    speaker: evan-greer", f"greer-both-ways\n    speaker: {speaker}"
    )
    problem = only_problem(kb)
    assert where(problem) == ("kb/quotes.yaml", *position_of(text, speaker))
    assert words in problem.message
    if speaker == "tim-cook":
        assert "Did you mean" not in problem.message


def test_dangling_reference_in_an_entry(kb: Path) -> None:
    text = write(kb, TEST_FILE, TEST_ENTRY.replace("about: [ring]", "about: [ring, amazn]"))
    problem = only_problem(kb)
    assert where(problem) == (f"kb/{TEST_FILE}", *position_of(text, "amazn"))
    assert "no person or organisation has the id `amazn`. Did you mean 'amazon'?" in problem.message


def test_unattributed_quote_needs_an_attribution_note(kb: Path) -> None:
    text = edit(kb / "quotes.yaml", "greer-both-ways\n    speaker: evan-greer", "greer-both-ways\n    speaker: null")
    problem = only_problem(kb)
    assert where(problem) == ("kb/quotes.yaml", *position_of(text, "null", text.index("greer-both-ways")))
    assert "an unattributed quote needs an `attribution_note`" in problem.message


def test_source_text_file_that_is_missing(kb: Path) -> None:
    text = edit(kb / "sources.yaml", f"text_file: sources/{SOURCE_ID}.txt", "text_file: sources/gone.txt")
    problem = only_problem(kb)  # quotes and excerpts of an unreadable source are not also reported
    assert where(problem) == ("kb/sources.yaml", *position_of(text, "sources/gone.txt"))
    assert "cannot read `sources/gone.txt`" in problem.message
    assert "relative to this YAML file" in problem.message


# ------------------------------------------------------------------ duplicates


def _shipped_entry_with(kb: Path, phrasing: str) -> tuple[str, str, int, int]:
    """(file, entry id, line of the entry's id, line of `phrasing`) of the shipped entry that has it."""
    for path in sorted((kb / "entries").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if f"- {phrasing}\n" in text:
            at = text.index(f"- {phrasing}\n")
            id_at = text.rindex("  - id: ", 0, at)
            entry_id = text[id_at:].split("\n", 1)[0].removeprefix("  - id: ")
            id_line, phrasing_line = position_of(text, "id: ", id_at)[0], position_of(text, f"- {phrasing}\n")[0]
            return f"kb/{path.relative_to(kb)}", entry_id, id_line, phrasing_line
    raise AssertionError(f"no shipped entry asks {phrasing!r}; the shipped knowledge changed")


# The same question as a shipped one, in other capitals and punctuation: still the same phrasing.
@pytest.mark.parametrize(
    "copy", ["Which companies paused facial recognition?", "which companies PAUSED facial recognition!"]
)
def test_duplicate_phrasing_names_the_entry_that_has_it(kb: Path, copy: str) -> None:
    first_file, first_entry, _, first_line = _shipped_entry_with(kb, "Which companies paused facial recognition?")
    text = write(kb, TEST_FILE, TEST_ENTRY.replace("    answer:", f"      - {copy}\n    answer:"))
    problem = only_problem(kb)
    assert where(problem) == (f"kb/{TEST_FILE}", *position_of(text, copy))
    assert f"the phrasing {copy!r} already belongs to entry `{first_entry}` ({first_file}:{first_line})" in (
        problem.message
    )
    assert "keep it in one entry only" in problem.message


def test_duplicate_phrasing_within_one_entry(kb: Path) -> None:
    phrasing = "In this test, how many police departments does Ring share video with?"
    text = write(kb, TEST_FILE, TEST_ENTRY.replace("    answer:", f"      - {phrasing}\n    answer:"))
    problem = only_problem(kb)
    first = position_of(text, phrasing)
    assert where(problem) == (f"kb/{TEST_FILE}", *position_of(text, phrasing, text.index(phrasing) + 1))
    assert f"already belongs to this entry (kb/{TEST_FILE}:{first[0]})" in problem.message


def test_duplicate_entry_id_names_the_first(kb: Path) -> None:
    first_file, first_entry, first_line, _ = _shipped_entry_with(kb, "Which companies paused facial recognition?")
    text = write(kb, TEST_FILE, TEST_ENTRY.replace("id: test-ring-cameras", f"id: {first_entry}"))
    problem = only_problem(kb)
    assert where(problem) == (f"kb/{TEST_FILE}", *position_of(text, first_entry))
    assert problem.message == (
        f"the entry id `{first_entry}` is already used at {first_file}:{first_line}; give this one another id."
    )


def test_duplicate_person_id_across_files(kb: Path) -> None:
    people = (kb / "people.yaml").read_text(encoding="utf-8")
    text = write(kb, "zz-people.yaml", "people:\n  - id: evan-greer\n    name: Evan Greer\n    kind: person\n")
    problem = only_problem(kb)
    assert where(problem) == ("kb/zz-people.yaml", *position_of(text, "evan-greer"))
    line = position_of(people, "id: evan-greer")[0]
    assert f"the person or organisation id `evan-greer` is already used at kb/people.yaml:{line}" in problem.message


# ------------------------------------------------------------------ hostile or broken files


# (document, the text at which it must be refused)
ANCHORS = [
    ("people:\n  - id: &who someone\n    name: *who\n    kind: person\n", "&who"),
    ("people:\n  - id: someone\n    name: Someone\n    kind: person\n    aliases: &names [A, B]\n", "&names"),
    ("people:\n  - id: someone\n    name: Someone\n    kind: person\n    <<: {role: x}\n", "<<"),
]


@pytest.mark.parametrize(("document", "at"), ANCHORS, ids=["scalar alias", "unused anchor", "merge key"])
def test_anchors_aliases_and_merge_keys_are_refused(kb: Path, document: str, at: str) -> None:
    write(kb, "zz-people.yaml", document)
    problem = only_problem(kb)
    assert where(problem) == ("kb/zz-people.yaml", *position_of(document, at))
    assert "not supported" in problem.message
    assert "write the" in problem.message


BILLION_LAUGHS = 'lol: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
    f"lol{level}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for level, (previous, name) in enumerate(zip("abcdefghi", "bcdefghij", strict=True))
)


def test_billion_laughs_is_refused_at_once(kb: Path) -> None:
    write(kb, "laughs.yaml", BILLION_LAUGHS)
    # In a child process, so that a regression fails on the timeout instead of hanging the suite.
    script = (
        "import sys; from pathlib import Path; from bot.knowledge.loader import validate_knowledge; "
        "print(*validate_knowledge(Path(sys.argv[1]))[1], sep='\\n')"
    )
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", script, "kb"], capture_output=True, text=True, timeout=60, check=True)
    assert time.perf_counter() - started < 30
    line, column = position_of(BILLION_LAUGHS, "&a")
    assert done.stdout.splitlines() == [
        f"kb/laughs.yaml:{line}:{column}: anchors and aliases (&name, *name) are not supported; write the value "
        "out. Fix the YAML here; the rest of the file was not read."
    ]


def test_deep_nesting_is_refused(kb: Path) -> None:
    write(kb, "deep.yaml", "entries: " + "[" * 100 + "]" * 100 + "\n")
    problem = only_problem(kb)
    assert problem.file == "kb/deep.yaml"
    assert "nested more than" in problem.message


def test_non_utf8_file_is_reported_at_the_bad_byte(kb: Path) -> None:
    text = "people:\n  - id: cafe\n    name: Café\n    kind: organisation\n"
    (kb / "zz-people.yaml").write_bytes(text.encode("latin-1"))
    problem = only_problem(kb)
    assert where(problem) == ("kb/zz-people.yaml", *position_of(text, "é"))
    assert "not UTF-8" in problem.message and "save it as UTF-8" in problem.message


def test_file_that_is_a_list_not_sections(kb: Path) -> None:
    text = write(kb, "zz-list.yaml", "# a list of items, but in no section\n- id: x\n")
    problem = only_problem(kb)
    assert where(problem) == ("kb/zz-list.yaml", *position_of(text, "- id: x"))
    assert "a knowledge file is a mapping with the sections sources, people, quotes, entries" in problem.message


def test_empty_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    assert [str(p) for p in problems(tmp_path / "empty")] == [
        "empty:1:1: the folder has no .yaml files; it is not a knowledge directory."
    ]


def test_missing_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert [str(p) for p in problems(tmp_path / "nowhere")] == [
        "nowhere:1:1: no such knowledge directory; pass --kb with a folder of YAML files."
    ]


def test_directory_without_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "kb", "people.yaml", "people:\n  - id: someone\n    name: Someone\n    kind: person\n")
    assert [str(p) for p in problems(tmp_path / "kb")] == [
        "kb/people.yaml:1:1: no `sources` found; add at least one source with its text."
    ]


# ------------------------------------------------------------------ all at once


def test_every_problem_in_every_file_is_reported_at_once_and_sorted(kb: Path) -> None:
    quotes = edit(kb / "quotes.yaml", "want to have it both ways\n", "want to have it all ways\n")
    people = edit(kb / "people.yaml", "    kind: person\n    aliases: [Greer]", "    kind: persn\n    aliases: [Greer]")
    entry = write(kb, TEST_FILE, TEST_ENTRY.replace("    answer:", "    answr:"))

    found = problems(kb)
    assert found == sorted(found)
    assert [where(p) for p in found] == [
        (f"kb/{TEST_FILE}", *position_of(entry, "id: test-ring-cameras")),
        (f"kb/{TEST_FILE}", *position_of(entry, "answr:")),
        ("kb/people.yaml", *position_of(people, "persn")),
        ("kb/quotes.yaml", *position_of(quotes, "I think broadly")),
    ]

    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(kb)
    report = str(raised.value).splitlines()
    assert report[:-1] == [f"{p.file}:{p.line}:{p.column}: {p.message}" for p in found]
    assert report[-1] == "4 problems found; the knowledge base was not loaded."
    assert raised.value.problems == tuple(found)
