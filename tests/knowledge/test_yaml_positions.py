"""YAML reading that names where a value is: plain values as PyYAML's safe loader reads them, the
positions of values and keys, and refusals that point at the offending line and column."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from bot.knowledge.yaml_positions import MAX_DEPTH, Position, YamlProblem, load_data, parse

DOCUMENT = """\
# a comment first
entries:
  - id: first
    answer: Some text.
    keywords: [400, partnerships]
  - id: second
    questions:
      - What is it?
"""


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("plain text", "plain text"),
        ("yes", True),
        ("off", False),
        ("400", 400),
        ("0x1f", 31),
        ("1_000", 1000),
        ("1.5", 1.5),
        ("null", None),
        ("~", None),
        ("", None),
        ("'400'", "400"),
        ('"yes"', "yes"),
        ("2020-06-10", "2020-06-10"),  # a date stays the text the curator wrote
    ],
)
def test_scalars_read_as_the_loader_expects(written: str, value: Any) -> None:
    text = f"key: {written}\n"
    assert load_data(text) == {"key": value}
    assert parse(text).data == {"key": value}


def test_an_empty_document_is_none() -> None:
    assert load_data("") is None
    assert load_data("# only a comment\n") is None
    assert parse("").data is None


def test_values_and_keys_have_their_line_and_column() -> None:
    doc = parse(DOCUMENT)

    assert doc.data == load_data(DOCUMENT) == yaml.safe_load(DOCUMENT)
    assert doc.where(("entries", 0, "answer")) == Position(4, 13)
    assert doc.where(("entries", 0, "keywords", 1)) == Position(5, 21)
    assert doc.where(("entries", 1, "questions", 0)) == Position(8, 9)
    assert doc.where_key(("entries", 1, "questions")) == Position(7, 5)
    # A path that is not there is shown at its nearest enclosing value.
    assert doc.where(("entries", 1, "answer")) == Position(6, 5)
    assert doc.where(("nowhere",)) == Position(2, 1)


def test_an_anchor_or_alias_is_refused_where_it_is_written() -> None:
    text = "base: &name\n  a: 1\ncopy: *name\n"
    with pytest.raises(YamlProblem, match="anchors and aliases") as refused:
        load_data(text)
    assert refused.value.position == Position(1, 7)


def test_a_key_given_twice_is_refused_at_the_second() -> None:
    with pytest.raises(YamlProblem, match="'id' appears twice") as refused:
        load_data("entries:\n  - id: a\n    id: b\n")
    assert refused.value.position == Position(3, 5)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\n<<: {b: 2}\n", "merge keys"),
        ("? [a, b]\n: c\n", "plain name"),
        ("a: 1\n---\nb: 2\n", "single document"),
    ],
)
def test_unusual_yaml_is_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(YamlProblem, match=message):
        load_data(text)


def test_nesting_deeper_than_the_limit_is_refused() -> None:
    fine = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    assert load_data(fine) is not None
    deep = "[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2) + "\n"
    with pytest.raises(YamlProblem, match=f"nested more than {MAX_DEPTH} levels"):
        load_data(deep)


def test_an_unclosed_quote_points_at_where_it_was_opened() -> None:
    text = "entries:\n  - id: a\n    answer: 'never closed\n    evidence: []\n"
    with pytest.raises(YamlProblem, match="never closed, the file ends first") as refused:
        load_data(text)
    assert refused.value.position.line == 3


def test_a_syntax_error_names_its_line() -> None:
    with pytest.raises(YamlProblem, match="YAML syntax error") as refused:
        load_data("entries:\n  - id: a\n  bad indentation: here\n")
    assert refused.value.position.line == 3


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(st.characters(blacklist_categories=["Cs", "Cc"]), max_size=30),
)
_documents = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=10), children, max_size=4
        )
    ),
    max_leaves=20,
)


@given(_documents)
def test_plain_values_match_pyyaml_safe_load(data: Any) -> None:
    text = yaml.safe_dump({"root": data}, allow_unicode=True)
    assert load_data(text) == yaml.safe_load(text)
    assert parse(text).data == yaml.safe_load(text)
