"""What moderators read when teaching, refused evidence and statistics: marked, escaped and within limits."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.answering import Engine
from bot.curation.store import Rates, Stats, UnansweredGroup
from bot.curation.teaching import preview
from bot.discord_app import limits
from bot.discord_app.kb_text import not_verbatim_text, premise_warning_text, stats_embed, teach_preview_text
from bot.knowledge.verbatim import SourceText

from .conftest import discord_problems


def test_a_teach_preview_shows_the_answer_and_a_false_premise_says_why(story_engine: Engine) -> None:
    shown = preview(story_engine, "which-companies-paused", "did google pause *facial* recognition")
    text = teach_preview_text(shown)
    assert "`which-companies-paused`" in text and "declined now" in text
    assert "IBM walked away" in text and "\\*facial\\*" in text  # the moderator's words are shown literally
    warning = premise_warning_text(shown)
    assert "Likely false premise" in warning and "“google”" in warning and "IBM, Amazon, Microsoft" in warning
    assert len(text) <= limits.CONTENT and len(warning) <= limits.CONTENT


def test_a_refused_excerpt_shows_the_aligned_passage_with_the_differences_in_bold(story_engine: Engine) -> None:
    source = SourceText.of(next(iter(story_engine.kb.sources.values())).text)
    words = "Amazon has won £500million of public contracts in the past four years"
    text = not_verbatim_text("This excerpt", words, source.align(words))
    assert text.startswith("**Not saved:** This excerpt is not word for word")
    assert "> Amazon has won **£460million** of public contracts in the past four years" in text
    assert "Nothing in the source lines up" in not_verbatim_text("This quote", "zzz", None)


def test_stats_show_the_rates_and_the_most_declined_questions() -> None:
    since = datetime(2026, 3, 1, tzinfo=UTC)
    rates = Rates(since=since, asked=40, answered=30, declined=10, low_confidence=4)
    stats = Stats(since=since, asked=40, answered=30, declined=10, top_entries=(("e", 30),))
    groups = [UnansweredGroup(f"question *{n}* @everyone", 12 - n, (n,), (), (), since) for n in range(3)]
    embed = stats_embed(stats, "month", {"e": "What is e?"}, rates=rates, declined=groups)
    assert embed.title == "Questions in the last 30 days"
    assert embed.description is not None
    assert "**30** answered (75%)" in embed.description and "**10** declined (25%)" in embed.description
    assert "**4** answered with low confidence (10%" in embed.description
    declined = embed.fields[1]
    assert declined.name is not None and declined.name.startswith("Declined most often")
    assert declined.value is not None and declined.value.startswith("**12×** “question \\*0\\*")
    assert discord_problems(None, [embed]) == []
