"""What the bot sent the double, kept in order, and a way to wait for an item without polling."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass
class RecordedRequest:
    """One REST request as the bot made it, with the status the double answered."""

    method: str
    path: str  # below the API base, e.g. "/channels/1/messages"
    query: dict[str, str]
    json: Any  # the JSON body, or multipart's payload_json; None when there was no body
    headers: dict[str, str]
    at: float  # event-loop time when it arrived
    files: list[str] = field(default_factory=list)  # names of multipart file parts
    status: int = 0
    problems: list[str] = field(default_factory=list)  # why the double refused it, if it did
    message: Any = None  # the message this request created or edited, as it stood right after
    index: int = -1  # position in DiscordDouble.requests

    def __str__(self) -> str:
        query = "?" + "&".join(f"{k}={v}" for k, v in self.query.items()) if self.query else ""
        return f"{self.method} {self.path}{query} -> {self.status}"


@dataclass
class GatewayFrame:
    """One frame the bot sent on a gateway connection."""

    op: int
    d: Any
    connection: int  # index into DiscordDouble.connections
    path: str  # the URL path that connection was opened on
    at: float


class Log(Generic[T]):
    """An append-only list whose readers can await the first item that matches a predicate."""

    def __init__(self, describe: Callable[[T], str] = str) -> None:
        self._items: list[T] = []
        self._waiters: list[tuple[Callable[[T], bool], asyncio.Future[T]]] = []
        self._describe = describe

    def __iter__(self) -> Iterator[T]:
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: int) -> T:
        return self._items[index]

    def append(self, item: T) -> None:
        self._items.append(item)
        for predicate, future in list(self._waiters):
            if not future.done() and predicate(item):
                future.set_result(item)
                self._waiters.remove((predicate, future))

    async def wait_for(self, predicate: Callable[[T], bool], *, timeout: float = 5.0, after: int = 0) -> T:
        """The first item from index `after` on that matches, waiting up to `timeout` seconds for it."""
        for item in self._items[after:]:
            if predicate(item):
                return item
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        waiter = (predicate, future)
        self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            seen = "\n  ".join(self._describe(item) for item in self._items[after:]) or "(nothing)"
            raise AssertionError(f"nothing matching arrived within {timeout} s; what arrived:\n  {seen}") from None
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)
