import discord_double.limits as discord_side
from hypothesis import given
from hypothesis import strategies as st

from bot.discord_app import limits
from bot.discord_app.limits import ELLIPSIS, trim

# Each limit the adapter fits text into, and the one the Discord double refuses requests by. The two tables
# stay apart on purpose: the double stands for Discord and takes nothing from the code it tests.
SAME_LIMITS = {
    "CONTENT": "CONTENT_MAX",
    "EMBEDS": "EMBEDS_MAX",
    "EMBED_TITLE": "EMBED_TITLE_MAX",
    "EMBED_DESCRIPTION": "EMBED_DESCRIPTION_MAX",
    "EMBED_FIELDS": "EMBED_FIELDS_MAX",
    "FIELD_NAME": "EMBED_FIELD_NAME_MAX",
    "FIELD_VALUE": "EMBED_FIELD_VALUE_MAX",
    "FOOTER": "EMBED_FOOTER_MAX",
    "AUTHOR_NAME": "EMBED_AUTHOR_MAX",
    "EMBED_TOTAL": "EMBED_TOTAL_MAX",
    "BUTTON_LABEL": "BUTTON_LABEL_MAX",
    "BUTTONS_PER_ROW": "BUTTONS_PER_ROW_MAX",
    "CUSTOM_ID": "CUSTOM_ID_MAX",
    "CHOICES": "CHOICES_MAX",
    "CHOICE_NAME": "CHOICE_NAME_MAX",
    "CHOICE_VALUE": "CHOICE_STRING_VALUE_MAX",
}


def test_the_adapter_fits_text_into_the_limits_the_double_enforces() -> None:
    adapter = {name: getattr(limits, name) for name in SAME_LIMITS}
    assert adapter == {name: getattr(discord_side, other) for name, other in SAME_LIMITS.items()}
    # Every size the adapter names is in the table: a new one is checked against Discord's too.
    named = {name for name, value in vars(limits).items() if name.isupper() and isinstance(value, int)}
    assert named == set(SAME_LIMITS)


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


def test_choices_fit_discord_and_leave_out_values_that_cannot_travel() -> None:
    options = [("a long name " * 20, "kept-0"), ("no value", ""), ("too long a value", "v" * 101)]
    options += [(f"name {n}", f"kept-{n}") for n in range(1, 40)]
    choices = limits.text_choices(options)
    assert [c.value for c in choices] == [f"kept-{n}" for n in range(limits.CHOICES)]
    assert len(choices[0].name) <= limits.CHOICE_NAME and choices[0].name.endswith(ELLIPSIS)
