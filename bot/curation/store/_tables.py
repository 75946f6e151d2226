"""What every part of the store shares: the connection, its lock and its write transactions (see `Store`)."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import AbstractContextManager


class Tables:
    """The parts of `Store` that its mixins use; `Store` provides them."""

    _db: sqlite3.Connection
    _lock: threading.Lock
    max_questions: int
    max_changes: int

    def _transaction(self, *, durable: bool = False) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError
