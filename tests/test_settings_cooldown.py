"""The question cooldown's settings: a burst of STORYBOT_ASK_RATE questions per STORYBOT_ASK_PER seconds."""

from __future__ import annotations

import pytest

from bot.settings import Settings, SettingsError


def test_the_default_allows_four_questions_in_twenty_seconds() -> None:
    settings = Settings.from_mapping({})
    assert (settings.ask_rate, settings.ask_per) == (4, 20.0)


def test_rate_and_period_are_configurable_and_zero_turns_the_cooldown_off() -> None:
    settings = Settings.from_mapping({"STORYBOT_ASK_RATE": "6", "STORYBOT_ASK_PER": "30"})
    assert (settings.ask_rate, settings.ask_per) == (6, 30.0)
    assert Settings.from_mapping({"STORYBOT_ASK_RATE": "0"}).ask_rate == 0


@pytest.mark.parametrize(("name", "value"), [("STORYBOT_ASK_RATE", "lots"), ("STORYBOT_ASK_PER", "-5")])
def test_an_unusable_value_is_named_in_the_error(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_mapping({name: value})
