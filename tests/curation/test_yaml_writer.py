"""The project's one YAML writer (`bot.curation.roundtrip`), as drafts, merges and CSV imports use it: whatever
the text, the loader reads back exactly the data written."""

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.curation.roundtrip import dump, styled_data

# Text as articles and moderators write it, spaces and YAML's own marks included, and words YAML 1.1 reads
# as something other than text.
TEXT = st.text(st.sampled_from(list("ab  ,.:#-'\"\n\t?!&*é0129")), max_size=300) | st.sampled_from(
    ["yes", "no", "on", "null", "~", "400", "1e3", "2020-01-02", "", " x", "x ", "- x", "# x"]
)
ITEM = st.dictionaries(
    st.sampled_from(["id", "answer", "text", "questions", "evidence"]),
    TEXT | st.none() | st.lists(TEXT, max_size=3) | st.lists(st.dictionaries(st.sampled_from(["excerpt"]), TEXT)),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(ITEM, max_size=3))
def test_what_is_written_reads_back_the_same(items: list[dict[str, object]]) -> None:
    data = {"entries": items}
    assert yaml.safe_load(dump(styled_data(data))) == data


def test_long_text_is_folded_within_the_shipped_width_and_short_text_stays_on_its_line() -> None:
    answer = "word " * 60
    written = dump(styled_data({"entries": [{"id": "yes", "answer": answer.strip()}]}))
    assert "id: 'yes'" in written
    assert "answer: >-" in written
    assert all(len(line) <= 100 for line in written.splitlines())
