from hypothesis import given
from hypothesis import strategies as st

from bot.discord_app.limits import ELLIPSIS, trim


def test_text_that_fits_is_untouched() -> None:
    assert trim("IBM walked away.", 100) == "IBM walked away."


def test_a_long_text_is_cut_after_a_sentence_and_marked() -> None:
    text = "IBM walked away from facial recognition. Amazon paused police use for a year. Microsoft waited."
    assert trim(text, 85) == "IBM walked away from facial recognition. Amazon paused police use for a year. …"


def test_without_a_sentence_end_the_cut_falls_between_words() -> None:
    text = "a very long clause that keeps going without any stop at all for quite a while"
    result = trim(text, 30)
    assert result.endswith(ELLIPSIS)
    assert result[:-1] in text
    assert not result[:-1].endswith(" ")
    assert text.startswith(result[:-1]) and text[len(result) - 1] == " "


@given(st.text(), st.integers(min_value=2, max_value=300))
def test_trimmed_text_fits_and_is_the_start_of_the_original(text: str, limit: int) -> None:
    result = trim(text, limit)
    assert len(result) <= limit
    if result != text.strip():
        assert result.endswith(ELLIPSIS)
        assert text.strip().startswith(result[: -len(ELLIPSIS)].rstrip())
