"""Concurrent paging within Jira's rate limits: a bounded, adaptive number of requests in flight.

Jira Cloud answers a search page in about a second whatever the client does, so a large load
is bound by waiting, not by work: several independent pagings (`slices`) run in threads, each
page requested inside a slot of an `AdaptiveLimit`, which halves the slots on a 429 and holds
every new request until the `Retry-After` has passed (the request that got the 429 is retried
by the session, see `retries`), then grows back one slot per round of successful pages.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from dlt.common import logger

T = TypeVar("T")
_DONE = object()


class AdaptiveLimit:
    """At most `limit` requests in flight, `1 <= limit <= ceiling` (additive increase,
    multiplicative decrease, as TCP): a 429 halves it once per episode and pauses everyone
    until its `Retry-After`; each successful request adds `1 / limit`."""

    def __init__(self, ceiling: int) -> None:
        self.ceiling = max(1, ceiling)
        self.limit = float(self.ceiling)
        self.in_flight = 0
        self.paused_until = 0.0
        self.throttles = 0
        self.condition = threading.Condition()

    @contextmanager
    def slot(self) -> Iterator[None]:
        with self.condition:
            while True:
                pause = self.paused_until - time.monotonic()
                if pause > 0:
                    self.condition.wait(pause)
                elif self.in_flight < int(self.limit):
                    break
                else:
                    self.condition.wait()
            self.in_flight += 1
        try:
            yield
        finally:
            with self.condition:
                self.in_flight -= 1
                self.condition.notify_all()

    def succeeded(self) -> None:
        with self.condition:
            self.limit = min(float(self.ceiling), self.limit + 1 / self.limit)
            self.condition.notify_all()

    def throttled(self, retry_after: float) -> None:
        """Jira answered 429: fewer requests at once, none before `retry_after` seconds.
        The 429s of requests sent together count once (they are one episode)."""
        with self.condition:
            now = time.monotonic()
            if now >= self.paused_until:
                self.limit = max(1.0, self.limit / 2)
                self.throttles += 1
                logger.info(
                    f"Jira rate-limited the load: {int(self.limit)} requests at once from now, "
                    f"none for {retry_after:.0f} s"
                )
            self.paused_until = max(self.paused_until, now + retry_after)


def fetch_concurrently(
    pagings: Sequence[Callable[[], Iterable[T]]], limit: AdaptiveLimit, buffer: int
) -> Iterator[T]:
    """The items (pages) of every paging as they arrive, each paging in its own thread (at most
    `limit.ceiling` threads), each item fetched in a slot of `limit`. At most `buffer` items wait
    for the consumer, so fetching runs ahead of processing by a bounded amount. The first error
    of any paging stops the others and is raised here."""
    arrived: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=max(1, buffer))
    stop = threading.Event()

    def put(kind: str, value: Any) -> None:
        while not stop.is_set():
            try:
                arrived.put((kind, value), timeout=0.1)
                return
            except queue.Full:
                continue

    def run(paging: Callable[[], Iterable[T]]) -> None:
        try:
            items = iter(paging())
            while not stop.is_set():
                with limit.slot():
                    item = next(items, _DONE)
                if item is _DONE:
                    break
                limit.succeeded()
                put("item", item)
        except BaseException as error:  # raised in the consumer's thread
            put("error", error)
        finally:
            put("done", None)

    with ThreadPoolExecutor(limit.ceiling, thread_name_prefix="jira-slice") as pool:
        for paging in pagings:
            pool.submit(run, paging)
        remaining = len(pagings)
        try:
            while remaining:
                kind, value = arrived.get()
                if kind == "item":
                    yield value
                elif kind == "error":
                    raise value
                else:
                    remaining -= 1
        finally:
            stop.set()
            pool.shutdown(wait=True, cancel_futures=True)


class RequestsAhead:
    """Requests sent beside the slices (e.g. bulk changelogs) in slots of the slices'
    `AdaptiveLimit`, so their 429s back everyone off, their results taken in submission order.
    The consumer waits only when `most` requests are pending or at the end: a request of
    several seconds no longer stalls the pages behind it."""

    def __init__(self, limit: AdaptiveLimit, most: int) -> None:
        self.limit = limit
        self.most = max(1, most)
        self.pending: deque[Future[Any]] = deque()
        self.pool = ThreadPoolExecutor(self.most, thread_name_prefix="jira-ahead")

    def submit(self, request: Callable[[], T]) -> None:
        self.pending.append(self.pool.submit(self._in_slot, request))

    def ready(self, wait_all: bool = False) -> Iterator[Any]:
        """Results of the finished requests (every request's with `wait_all`), oldest first;
        waits for the oldest while more than `most` are pending. Raises a request's error."""
        while self.pending and (
            wait_all or self.pending[0].done() or len(self.pending) > self.most
        ):
            yield self.pending.popleft().result()

    def close(self) -> None:
        for future in self.pending:
            future.cancel()
        self.pending.clear()
        self.pool.shutdown(wait=True)

    def _in_slot(self, request: Callable[[], T]) -> T:
        with self.limit.slot():
            result = request()
        self.limit.succeeded()
        return result
