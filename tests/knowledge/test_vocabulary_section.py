"""The `vocabulary` and `examples` sections as a curator meets them: loaded, and each mistake reported
at its `file:line:column` with what to do."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge import bundled_knowledge_dir, load_knowledge
from bot.knowledge.loader import Problem, validate_knowledge
from bot.knowledge.model import Synonyms


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return Path(shutil.copytree(bundled_knowledge_dir(), tmp_path / "kb"))


def write(kb: Path, text: str) -> str:
    (kb / "zz-words.yaml").write_text(text, encoding="utf-8")
    return text


def problems(kb: Path) -> list[Problem]:
    found, listed = validate_knowledge(kb)
    assert found is None, "the broken knowledge base was accepted"
    return listed


def position_of(text: str, needle: str) -> tuple[int, int]:
    index = text.index(needle)
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def test_the_shipped_vocabulary_and_examples_are_loaded() -> None:
    kb = load_knowledge(bundled_knowledge_dir())
    assert kb.vocabulary and all(isinstance(item, Synonyms) and item.words for item in kb.vocabulary)
    assert kb.examples


def test_items_from_every_file_are_kept_in_order(kb: Path) -> None:
    write(kb, "vocabulary:\n  - means: elephant\n    words: [jumbo, big grey one]\nexamples:\n  - question: hi?\n")
    loaded = load_knowledge(kb)
    assert loaded.vocabulary[-1] == Synonyms("elephant", ("jumbo", "big grey one"))
    assert loaded.examples[-1] == "hi?"


@pytest.mark.parametrize(
    ("text", "needle", "message"),
    [
        ("vocabulary:\n  - words: [jumbo]\n", "words:", "missing required field `means`"),
        ("vocabulary:\n  - means: elephant\n", "means:", "missing required field `words`"),
        ("vocabulary:\n  - means: elephant\n    words: jumbo\n", "jumbo", "`words` must be a list"),
        ("vocabulary:\n  - means: elephant\n    words: [jumbo, '?!']\n", "'?!'", "has no letters or digits"),
        ("vocabulary:\n  - means: elephant\n    words: [Elephant]\n", "Elephant]", "is `means` itself"),
        ("vocabulary:\n  - means: elephant\n    word: [jumbo]\n", "word:", "Did you mean 'words'?"),
        ("examples:\n  - question: ''\n", "''", "`question` must be some text"),
    ],
)
def test_each_mistake_is_reported_where_it_is(kb: Path, text: str, needle: str, message: str) -> None:
    write(kb, text)
    [problem] = [p for p in problems(kb) if message in p.message]
    assert (problem.file, problem.line, problem.column) == ("kb/zz-words.yaml", *position_of(text, needle))
