import json
from pathlib import Path

from bot.discord_app.cooldown import Cooldown
from bot.discord_app.unanswered import JsonlUnansweredLog, UnansweredQuestion


def test_unanswered_questions_are_appended_one_json_line_each(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "unanswered.jsonl"
    log = JsonlUnansweredLog(path)
    log.record(UnansweredQuestion.now("what about Mars?", 1, 2, ("entry-a",), 0.1234))
    log.record(UnansweredQuestion.now("and Venus? " * 200, 3, None))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["question"] == "what about Mars?"
    assert (first["user_id"], first["guild_id"], first["suggested"]) == (1, 2, ["entry-a"])
    assert first["confidence"] == 0.123
    assert first["asked_at"].endswith("+00:00")
    assert set(first) == {"question", "user_id", "guild_id", "asked_at", "suggested", "confidence"}
    assert len(json.loads(lines[1])["question"]) == 1000
    assert [item["user_id"] for item in log.read()] == [1, 3]


def test_a_damaged_line_does_not_lose_the_others(tmp_path: Path) -> None:
    path = tmp_path / "unanswered.jsonl"
    path.write_text('{"question": "a"}\nnot json\n{"question": "b"}\n', encoding="utf-8")
    assert [item["question"] for item in JsonlUnansweredLog(path).read()] == ["a", "b"]


def test_cooldown_counts_per_person_and_expires() -> None:
    now = [100.0]
    cooldown = Cooldown(5, clock=lambda: now[0])
    assert cooldown.retry_after(1) == 0
    assert cooldown.retry_after(2) == 0
    now[0] += 1.5
    assert cooldown.retry_after(1) == 3.5
    now[0] += 3.5
    assert cooldown.retry_after(1) == 0


def test_a_zero_cooldown_never_waits() -> None:
    cooldown = Cooldown(0)
    assert cooldown.retry_after(1) == cooldown.retry_after(1) == 0
