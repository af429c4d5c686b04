"""DuckLake write conflicts, retried: a step whose commit lost to another writer's runs again.

DuckLake retries a commit itself (``ducklake_max_retry_count``) when the other writer's changes
do not touch what it changed. When they do (both updated or deleted rows of one table, or
altered it), the later commit fails with "Transaction conflict" and all it would have written
is rolled back. dlt takes that for a transient error and retries the load job at once, a few
times; a step failing on a conflict all the same (a dlt load, whose package stays and is
finished first by the next attempt, or a dbt build, whose models each commit on their own) runs
again after an exponential, jittered wait. A rolled back transaction applied again: no row is
lost or written twice.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

CONFLICT_MESSAGE = "Transaction conflict"
CONFLICT_RETRIES = 4
CONFLICT_WAIT_SECONDS = 5.0


def is_write_conflict(error: BaseException) -> bool:
    """Whether ``error``, or an error it was raised from, is DuckLake's commit conflict (dbt
    and dlt report it in their own exceptions, quoting DuckDB's message)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if CONFLICT_MESSAGE in str(current):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


@contextmanager
def write_conflicts_retried(context: dg.OpExecutionContext) -> Iterator[None]:
    """Retry the step when the block fails on a write conflict; any other error fails it."""
    try:
        yield
    except Exception as error:
        if not is_write_conflict(error):
            raise
        wait = CONFLICT_WAIT_SECONDS * 2**context.retry_number * random.uniform(0.5, 1.5)
        context.log.warning(
            f"DuckLake write conflict with another writer: step retried in {wait:.0f} s "
            f"(attempt {context.retry_number + 2} of {CONFLICT_RETRIES + 1})"
        )
        raise dg.RetryRequested(max_retries=CONFLICT_RETRIES, seconds_to_wait=wait) from error
