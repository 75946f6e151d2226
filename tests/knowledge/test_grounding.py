"""Answers proven against their evidence: figures, names and quoted phrases must be in the support."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from bot import cli
from bot.knowledge import bundled_knowledge_dir, load_knowledge
from bot.knowledge.grounding import Grounding, Unsupported
from bot.knowledge.loader import validate_knowledge
from bot.knowledge.model import Entry, Evidence, Kind, KnowledgeBase, Quote, Speaker

SOURCE = "s"
ACME = Speaker("acme", "Acme Corporation", Kind.ORGANISATION, aliases=("Acme",))
JO = Speaker("jo-bloggs", "Jo Bloggs", Kind.PERSON, aliases=("Bloggs",), role="chief executive", affiliation="acme")
SPEAKERS = (ACME, JO, Speaker("zenith", "Zenith", Kind.ORGANISATION))
TEXT = "Acme has won £460million of contracts. Jo Bloggs said the firm works with 400 councils."


def check(answer: str, *excerpts: str, quotes: tuple[Quote, ...] = (), about: tuple[Speaker, ...] = ()) -> list[str]:
    entry = Entry("e", ("q?",), answer, tuple(Evidence(SOURCE, e) for e in excerpts))
    return [u.word for u in Grounding(SPEAKERS, [TEXT]).check(entry, quotes, about)]


@pytest.mark.parametrize(
    ("answer", "evidence", "unsupported"),
    [
        ("It works with 400 councils.", "works with more than 400 councils", []),
        ("It works with 900 councils.", "works with more than 400 councils", ["900"]),
        ("It won £460 million.", "Acme has won £460million of contracts", []),
        ("It won £460m.", "Acme has won £460million of contracts", []),
        ("It won £470million.", "Acme has won £460million of contracts", ["£470million"]),
        ("It won 460 of them.", "Acme has won £460million of contracts", []),
        ("It raised $4.2m.", "it raised $4.2 million", []),
        ("It raised $4.3m.", "it raised $4.2 million", ["$4.3m"]),
        ("Up 12%.", "up 12 per cent", []),
        ("Up 13%.", "up 12 per cent", ["13%"]),
        ("It has two offices.", "it has 2 offices", []),
        ("It has three offices.", "it has 2 offices", ["three"]),
        ("A one-year pause.", "a one-year moratorium", []),
        ("A two-year pause.", "a one-year moratorium", ["two"]),
        ("Dozens of deals.", "dozens of deals", []),
        ("Hundreds of deals.", "dozens of deals", ["Hundreds"]),
        ("It began in June 2020.", "it began in June 2020", []),
        ("It began in July 2020.", "it began in June 2020", ["July"]),
        ("Some may say so.", "some say so", []),  # "may" is a verb, not the month
    ],
)
def test_every_figure_must_be_in_the_evidence(answer: str, evidence: str, unsupported: list[str]) -> None:
    assert check(answer, evidence) == unsupported


@pytest.mark.parametrize(
    ("answer", "evidence", "unsupported"),
    [
        ("Acme's chief said so.", "Acme Corporation said so", []),  # an alias with a possessive
        ("Acme Corporation said so.", "Acme said so", []),  # the name, where the evidence has the alias
        ("Zenith said so.", "Acme said so", ["Zenith"]),  # known to the story, not to this entry
        ("Google said so.", "Acme said so", ["Google"]),  # at a sentence's start, and unknown
        ("It says Google did.", "Acme said so", ["Google"]),
        ("Separately, Acme said so.", "Acme said so", []),  # an ordinary word starting a sentence
        ("The NSA said so.", "Acme said so", ["NSA"]),  # an acronym is a name wherever it stands
        ("Bloggs's firm said so.", "the chief said so", []),  # backed by the people the entry is about
    ],
)
def test_every_name_must_be_backed(answer: str, evidence: str, unsupported: list[str]) -> None:
    about = (JO,) if "Bloggs" in answer else ()
    assert check(answer, evidence, about=about) == unsupported


def test_the_people_an_entry_is_about_back_their_organisation_and_role() -> None:
    assert check("Jo Bloggs, chief executive of Acme, spoke.", "she spoke", about=(JO,)) == []


def test_quoted_phrases_must_be_word_for_word() -> None:
    quote = Quote("q1", "We will not sell it", SOURCE, "jo-bloggs")
    assert check('Jo Bloggs said "we will not sell it".', "said Jo Bloggs", quotes=(quote,)) == []
    assert check('Jo Bloggs said "we will never sell it".', "said Jo Bloggs", quotes=(quote,)) == [
        "we will never sell it"
    ]


def test_a_failure_names_the_word_and_what_to_do() -> None:
    message = Unsupported("900", 10, "figure").message
    assert "'900'" in message and "evidence" in message


# ---------------------------------------------------------------------- the shipped knowledge


def test_every_shipped_answer_is_grounded() -> None:
    load_knowledge(bundled_knowledge_dir())  # raises, listing every problem, if one is not


def _support(kb: KnowledgeBase, entry: Entry) -> tuple[list[Quote], list[Speaker]]:
    return [kb.quotes[q] for q in entry.quotes], [kb.speakers[a] for a in entry.about]


_DIGITS = re.compile(r"\d+")


def mutations(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """(entry id, answer) for every shipped answer with one figure raised or one name made another's."""
    names = sorted({n for s in kb.speakers.values() for n in s.names}, key=len, reverse=True)
    made: list[tuple[str, str]] = []
    for entry in kb.entries.values():
        for match in _DIGITS.finditer(entry.answer):
            changed = str(int(match.group()) * 2 + 501)  # 400 → 1301: a figure no evidence has
            made.append((entry.id, entry.answer[: match.start()] + changed + entry.answer[match.end() :]))
        for name in names:
            found = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", entry.answer)
            if found and not found.group().startswith("Google"):
                made.append((entry.id, entry.answer[: found.start()] + "Google" + entry.answer[found.end() :]))
                break
    return made


def test_every_answer_with_a_figure_or_name_changed_is_refused() -> None:
    kb = load_knowledge(bundled_knowledge_dir())
    grounding = Grounding(kb.speakers.values(), [s.text for s in kb.sources.values()])
    made = mutations(kb)
    assert len(made) >= 40  # the shipped answers are full of figures and names
    passed = []
    for entry_id, answer in made:
        entry = kb.entries[entry_id]
        changed = Entry(entry.id, entry.questions, answer, entry.evidence, entry.keywords, entry.quotes, entry.about)
        if not grounding.check(changed, *_support(kb, changed)):
            passed.append((entry_id, answer))
    assert passed == []


# ---------------------------------------------------------------------- storybot validate on a changed copy


def changed_copy(tmp_path: Path, entry_id: str, old: str, new: str) -> tuple[Path, Path, int]:
    """A copy of the shipped knowledge with `old` changed to `new` in one entry's answer; the answer's line."""
    kb = Path(shutil.copytree(bundled_knowledge_dir(), tmp_path / "kb"))
    for file in sorted((kb / "entries").glob("*.yaml")):
        text = file.read_text(encoding="utf-8")
        start = text.find(f"  - id: {entry_id}\n")
        if start < 0:
            continue
        answer = text.index("    answer:", start)
        end = text.index("    evidence:", answer)
        assert old in text[answer:end]
        file.write_text(text[:answer] + text[answer:end].replace(old, new, 1) + text[end:], encoding="utf-8")
        assert yaml.safe_load(file.read_text(encoding="utf-8"))
        return kb, file, text.count("\n", 0, answer) + 1
    raise AssertionError(f"no entry {entry_id}")


@pytest.mark.parametrize(
    ("entry_id", "old", "new", "word"),
    [
        ("ring-police-partnerships", "400", "900", "'900'"),
        ("ibm-walks-away", "IBM", "Google", "'Google'"),
    ],
)
def test_validate_refuses_a_copy_with_a_figure_or_name_changed(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    entry_id: str,
    old: str,
    new: str,
    word: str,
) -> None:
    kb, file, line = changed_copy(tmp_path, entry_id, old, new)
    monkeypatch.chdir(tmp_path)
    code = cli.main(["validate", "--kb", str(kb)])
    err = capsys.readouterr().err
    assert code == 1
    assert f"{file.relative_to(tmp_path)}:{line}:" in err
    assert word in err
    assert "1 problem found" in err


def test_the_unchanged_copy_validates(tmp_path: Path) -> None:
    kb = Path(shutil.copytree(bundled_knowledge_dir(), tmp_path / "kb"))
    assert validate_knowledge(kb)[1] == []
