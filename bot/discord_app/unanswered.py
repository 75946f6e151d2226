"""A record of questions the story could not answer, so moderators can see what readers want to know.

Minimal personal data: the question, who asked (user id only), where (server id) and when; never the
surrounding conversation. The JSONL file is append-only: one question per line, never rewritten.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger(__name__)

QUESTION_ROOM = 1000  # longer questions are kept shortened; nobody needs an essay to see a gap


@dataclass(frozen=True, slots=True)
class UnansweredQuestion:
    question: str
    user_id: int
    guild_id: int | None  # None: asked in a direct message
    asked_at: str  # ISO 8601, UTC
    suggested: tuple[str, ...] = ()  # entry ids offered instead
    confidence: float = 0.0

    @classmethod
    def now(
        cls,
        question: str,
        user_id: int,
        guild_id: int | None,
        suggested: tuple[str, ...] = (),
        confidence: float = 0.0,
    ) -> UnansweredQuestion:
        return cls(
            question=question[:QUESTION_ROOM],
            user_id=user_id,
            guild_id=guild_id,
            asked_at=datetime.now(UTC).isoformat(timespec="seconds"),
            suggested=suggested,
            confidence=round(confidence, 3),
        )


class UnansweredLog(Protocol):
    def record(self, item: UnansweredQuestion) -> None: ...


class MemoryUnansweredLog:
    """Keeps questions in memory; for tests, and for a bot with nowhere to write."""

    def __init__(self) -> None:
        self.items: list[UnansweredQuestion] = []

    def record(self, item: UnansweredQuestion) -> None:
        self.items.append(item)


class JsonlUnansweredLog:
    """Appends each question as one JSON line to a file (created with its folder on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def record(self, item: UnansweredQuestion) -> None:
        line = json.dumps(asdict(item), ensure_ascii=False)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as file:
                file.write(line + "\n")

    def read(self) -> list[dict[str, Any]]:
        """Every recorded question, oldest first; a damaged line is skipped and logged, never fatal."""
        if not self.path.is_file():
            return []
        items = []
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError:
                log.warning("%s:%d is not JSON; skipped", self.path, number)
        return items


def unanswered_path(data_dir: Path) -> Path:
    return data_dir / "unanswered.jsonl"
