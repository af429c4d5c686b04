"""The durable webhook spool: SQLite in WAL mode, one row per distinct delivery.

SQLite, not DuckDB: the receiver must never take the warehouse's single write lock, and WAL
lets the sensor (another process) read while the receiver appends. ``synchronous=FULL`` makes
every acknowledged delivery survive a crash or power loss; the unique delivery id merges
Jira's retries and replays.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from pipelines.events.jira_events import Delivery

SCHEMA = """
create table if not exists deliveries (
    seq integer primary key autoincrement,
    delivery_id text not null unique,
    event text not null,
    project_key text,
    issue_key text,
    received_at real not null,
    body blob not null
)
"""


@dataclass(frozen=True)
class SpooledEvent:
    """A delivery as the sensor reads it back, in arrival order (``seq``)."""

    seq: int
    delivery_id: str
    event: str
    project_key: str | None
    issue_key: str | None
    received_at: float


class WebhookSpool:
    """Append-only queue of deliveries; safe to share between the receiver's threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("pragma journal_mode=wal")
        self._db.execute("pragma synchronous=full")
        self._db.execute("pragma busy_timeout=10000")
        self._db.execute(SCHEMA)

    def append(self, delivery: Delivery) -> bool:
        """Store the delivery; False when its id is already spooled (a retry or a replay)."""
        with self._lock:
            cursor = self._db.execute(
                "insert into deliveries (delivery_id, event, project_key, issue_key, "
                "received_at, body) values (?, ?, ?, ?, ?, ?) on conflict do nothing",
                (
                    delivery.delivery_id,
                    delivery.event,
                    delivery.project_key,
                    delivery.issue_key,
                    time.time(),
                    delivery.body,
                ),
            )
            return cursor.rowcount == 1

    def after(self, seq: int, limit: int) -> list[SpooledEvent]:
        """Up to ``limit`` deliveries spooled after ``seq``, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "select seq, delivery_id, event, project_key, issue_key, received_at "
                "from deliveries where seq > ? order by seq limit ?",
                (seq, limit),
            ).fetchall()
        return [SpooledEvent(*row) for row in rows]

    def count(self) -> int:
        with self._lock:
            return self._db.execute("select count(*) from deliveries").fetchone()[0]

    def prune(self, consumed_up_to: int, older_than_seconds: float) -> int:
        """Forget consumed deliveries older than the window in which Jira may still retry."""
        with self._lock:
            cursor = self._db.execute(
                "delete from deliveries where seq <= ? and received_at < ?",
                (consumed_up_to, time.time() - older_than_seconds),
            )
            return cursor.rowcount

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> WebhookSpool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
