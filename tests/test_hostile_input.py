"""Hostile input, generated: any question, any YAML, any swapped name — no crash, no ping, no guess.

Property-based (hypothesis) with bounded example counts so the suite stays quick; timings live in
`storybot bench`, not here.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answering import Engine
from bot.answering.answer import to_json
from bot.discord_app import limits
from bot.discord_app.embeds import Reply, answer_reply
from bot.knowledge import bundled_knowledge_dir, load_knowledge
from bot.knowledge.loader import validate_knowledge

KB = load_knowledge(bundled_knowledge_dir())  # the near-miss examples below are drawn from it at import

# Characters people and attackers actually send: controls, bidi marks, zero-width joiners, emoji,
# combining marks, other scripts, markdown and mention syntax.
TRICKY = st.sampled_from(
    [
        "\x00", "\x07", "\x1b", "\u202e", "\u200f", "\u200b", "\u200d", "\ufeff", "\u0301", "\u0338",
        "👍", "🏳️‍🌈", "é", "Ж", "中", "ع", "ℌ", "＠", "`", "```", "*", "_", "~", "|", ">", "<@&123>", "<@!456>",
        "@everyone", "@here", "<#789>", "[link](https://example.com)", "\n", "\t", " ",
    ]
)  # fmt: skip
QUESTIONS = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(TRICKY, st.text(max_size=12)), max_size=60).map("".join),
    st.tuples(st.text(min_size=1, max_size=50), st.integers(1, 2000)).map(lambda t: t[0] * t[1]),
)
LIVE_MENTION = re.compile(r"(?<!\\)@(everyone|here)|<@[!&]?\d+>")


def _shown(reply: Reply) -> str:
    """Everything a reader sees of a reply: its content and its embeds, as sent."""
    embeds = [embed.to_dict() for embed in reply.embeds]
    return (reply.content or "") + json.dumps(embeds, ensure_ascii=False)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(QUESTIONS)
def test_any_question_gets_a_reply_that_fits_discord_and_pings_nobody(story_engine: Engine, question: str) -> None:
    answer = story_engine.ask(question)
    json.dumps(to_json(answer))  # the CLI contract serialises whatever came in
    assert 0.0 <= answer.confidence <= 1.0
    reply = answer_reply(answer)
    assert len(reply.content or "") <= limits.CONTENT
    assert len(reply.embeds) <= limits.EMBEDS
    assert sum(len(embed) for embed in reply.embeds) <= limits.EMBED_TOTAL
    for embed in reply.embeds:
        assert len(embed.description or "") <= limits.EMBED_DESCRIPTION
        assert len(embed.fields) <= limits.EMBED_FIELDS
        assert all(
            len(f.value or "") <= limits.FIELD_VALUE and len(f.name or "") <= limits.FIELD_NAME for f in embed.fields
        )
    shown = _shown(reply)
    assert not LIVE_MENTION.search(shown), shown


def test_a_hundred_thousand_characters_are_refused_kindly(story_engine: Engine) -> None:
    answer = story_engine.ask("why " * 25_000)
    assert not answer.answered
    assert "long question" in answer.text


# --- any YAML in place of a knowledge file ------------------------------------------------------

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=40))
DATA = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=30,
)
KNOWLEDGE_SHAPED = st.fixed_dictionaries(
    {},
    optional={
        section: st.lists(st.dictionaries(st.sampled_from(["id", "name", "kind", "text", "speaker", "source",
                                                           "questions", "answer", "evidence", "about"]),
                                          DATA, max_size=6), max_size=3)
        for section in ("sources", "people", "quotes", "entries")
    },
)  # fmt: skip
# Each level refers to the one before nine times: a billion "lol"s if aliases were expanded. They are refused.
BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(9)
)
HOSTILE_TEXTS = st.sampled_from(
    [
        BILLION_LAUGHS,
        "entries: " + "[" * 5000 + "]" * 5000,
        "entries:\n" + "  - " * 300 + "x\n",
        "!!python/object/apply:os.system ['echo hacked']\n",
        "entries: !!binary aGVsbG8=\n",
        "people: {<<: {id: x}}\n",
        "sources:\n  - id: x\n    title: " + "t" * 200_000 + "\n",
        "\t\x00\x01 not yaml: [",
        "%YAML 9.9\n---\nx: 1\n",
        "--- a\n--- b\n",
    ]
)  # fmt: skip


@pytest.fixture(scope="module")
def small_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny valid knowledge directory: the shipped source only."""
    root = tmp_path_factory.mktemp("kb")
    shutil.copy(bundled_knowledge_dir() / "sources.yaml", root / "sources.yaml")
    shutil.copytree(bundled_knowledge_dir() / "sources", root / "sources")
    return root


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(DATA.map(yaml.safe_dump), KNOWLEDGE_SHAPED.map(yaml.safe_dump), HOSTILE_TEXTS, st.text(max_size=200)))
def test_any_yaml_in_a_knowledge_file_is_an_error_or_fine_never_a_crash(small_kb: Path, text: str) -> None:
    extra = small_kb / "zz-fuzz.yaml"
    try:
        extra.write_text(text, encoding="utf-8", errors="surrogatepass")
        kb, problems = validate_knowledge(small_kb)
    finally:
        extra.unlink(missing_ok=True)
    assert (kb is None) == bool(problems)
    for problem in problems:
        assert problem.line >= 1 and problem.column >= 1
        assert problem.message
    assert not (Path.cwd() / "hacked").exists()


# --- adversarial near misses ----------------------------------------------------------------------

OUTSIDE_NAMES = ["Google", "Apple", "Facebook", "Tim Cook", "Palantir", "Clearview AI", "Sundar Pichai", "Nest"]
NAMES = sorted({n for s in KB.speakers.values() for n in s.names if len(n) > 2}, key=len, reverse=True)
NAME = re.compile(r"\b(" + "|".join(re.escape(n) for n in NAMES) + r")\b")
# Phrasings naming exactly one person or organisation. Entries about unattributed quotes are left out:
# "did Google say <those words>?" is honestly answered by saying the story does not say who did.
ONE_NAME = [
    (entry.id, q)
    for entry in KB.entries.values()
    if not any(KB.quotes[quote].speaker is None for quote in entry.quotes)
    for q in entry.questions
    if len(NAME.findall(q)) == 1
]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(ONE_NAME), st.sampled_from(OUTSIDE_NAMES))
def test_a_name_swapped_for_one_the_story_never_names_is_declined(
    story_engine: Engine, phrasing: tuple[str, str], outside: str
) -> None:
    _, question = phrasing
    swapped = NAME.sub(outside, question, count=1)
    answer = story_engine.ask(swapped)
    assert not answer.answered, f"{swapped!r} was answered from {answer.entry and answer.entry.id}"
