from bot.discord_app.safety import escape_user_text, neutralise_fences, strip_mention


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
