import pytest

from bot.discord_app.embeds import decline_reply
from bot.discord_app.safety import (
    escape_knowledge_text,
    escape_user_text,
    neutralise_fences,
    quiet_mentions,
    strip_mention,
)

from .conftest import make_decline


def test_echoed_text_cannot_ping_anyone() -> None:
    text = escape_user_text("hey @everyone and @here and <@123456789012345678> and <@&123456789012345678> @EVERYONE")
    for ping in ("@everyone", "@here", "<@123456789012345678>", "<@&123456789012345678>", "@EVERYONE"):
        assert ping not in text


def test_echoed_text_shows_markdown_literally() -> None:
    text = escape_user_text("**bold** _it_ ```code``` ~~x~~ ||spoiler||")
    assert "**" not in text.replace("\\*", "")
    assert "```" not in text
    assert "||" not in text.replace("\\|", "")


def test_fences_cannot_close_a_code_block() -> None:
    assert "```" not in neutralise_fences("error near ``` here")


def test_strip_mention_removes_both_spellings_of_the_bot_only() -> None:
    content = "<@42> who is Evan Greer? <@!42> cc <@43>"
    assert strip_mention(content, 42) == "who is Evan Greer? cc <@43>"


def test_strip_mention_of_a_bare_mention_is_empty() -> None:
    assert strip_mention("  <@42>  ", 42) == ""


BIDI = [chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)]


@pytest.mark.parametrize("control", BIDI)
def test_echoed_text_loses_every_bidi_control(control: str) -> None:
    for escape in (escape_user_text, quiet_mentions, escape_knowledge_text):
        assert escape(f"who is {control}reeG navE?") == "who is reeG navE?"


def test_you_asked_shows_a_right_to_left_override_inert() -> None:
    reply = decline_reply(make_decline(question="what about \u202eregnad\u202c now?"))
    shown = "\n".join([reply.content or "", *(str(embed.to_dict()) for embed in reply.embeds)])
    assert "You asked:" in shown
    assert not any(control in shown for control in BIDI)
    assert "what about regnad now?" in shown
