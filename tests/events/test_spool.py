"""The spool keeps what the sensor has not consumed and forgets only what is old and consumed."""

from __future__ import annotations

import sqlite3

from pipelines.events.jira_events import parse_delivery
from pipelines.events.spool import WebhookSpool
from tests.events.conftest import issue_event


def fill(spool: WebhookSpool, count: int) -> None:
    for n in range(count):
        spool.append(parse_delivery(issue_event(f"ALPHA-{n}"), f"d-{n}"))


def test_reading_after_a_cursor_returns_later_deliveries_in_order(spool: WebhookSpool) -> None:
    fill(spool, 5)
    assert [e.seq for e in spool.after(2, 10)] == [3, 4, 5]


def test_reading_is_bounded_by_the_limit(spool: WebhookSpool) -> None:
    fill(spool, 5)
    assert [e.seq for e in spool.after(0, 2)] == [1, 2]


def test_pruning_forgets_only_consumed_deliveries(spool: WebhookSpool) -> None:
    fill(spool, 5)
    assert spool.prune(consumed_up_to=3, older_than_seconds=0) == 3
    assert [e.seq for e in spool.after(0, 10)] == [4, 5]


def test_pruning_keeps_recent_deliveries_for_deduplication(spool: WebhookSpool) -> None:
    fill(spool, 5)
    assert spool.prune(consumed_up_to=5, older_than_seconds=3600) == 0
    assert spool.count() == 5


def test_sequence_numbers_are_never_reused_after_pruning(spool: WebhookSpool) -> None:
    fill(spool, 2)
    spool.prune(consumed_up_to=2, older_than_seconds=0)
    spool.append(parse_delivery(issue_event("ALPHA-9"), "d-new"))
    assert [e.seq for e in spool.after(0, 10)] == [3]


def test_the_spool_runs_in_wal_mode(spool: WebhookSpool) -> None:
    with sqlite3.connect(spool.path) as reader:
        assert reader.execute("pragma journal_mode").fetchone()[0] == "wal"
