"""A refresh waiting for the warehouse pool says who holds it, and stops when asked without
waiting for the pool."""

from __future__ import annotations

import queue
import signal
import threading
import time
from collections.abc import Iterator

import dagster as dg
import pytest

from pipelines.instance import write_missing_settings
from pipelines.refresh import INTERRUPTED_EXIT
from pipelines.runs import Process
from pipelines.settings import DUCKDB_POOL

STARTUP_TIMEOUT_SECONDS = 300
# A safety net only: the pool stays held throughout, so a refresh that ends at all ended
# without it (a bound in seconds failed on a loaded machine).
STOP_TIMEOUT_SECONDS = 120


@pytest.fixture
def pool_held_by_a_live_run(deployment) -> Iterator[str]:
    """A STARTED run of this (live) process holding the warehouse pool's only slot."""
    deployment.dagster_home.mkdir(parents=True, exist_ok=True)
    write_missing_settings(deployment.dagster_home)
    with deployment.instance() as instance:
        run = instance.add_run(
            dg.DagsterRun(
                job_name="holder_job",
                status=dg.DagsterRunStatus.STARTED,
                tags=Process.this_one().tags(),
            )
        )
        storage = instance.event_log_storage
        storage.initialize_concurrency_limit_to_default(DUCKDB_POOL)
        assert storage.claim_concurrency_slot(DUCKDB_POOL, run.run_id, "holder_step").is_claimed
        yield run.run_id
        storage.free_concurrency_slots_for_run(run.run_id)


def lines_of(stream) -> queue.Queue[str]:
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in stream], daemon=True).start()
    return lines


def test_waiting_says_who_holds_the_pool_and_sigterm_stops_it_without_waiting_for_the_pool(
    deployment, pool_held_by_a_live_run: str
) -> None:
    refresh = deployment.start("refresh")
    stderr = lines_of(refresh.stderr)
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    line = ""
    while "waits for the warehouse pool" not in line:
        line = stderr.get(timeout=deadline - time.monotonic())
    assert f"run {pool_held_by_a_live_run[:8]} (holder_job, pid " in line
    assert "holder_step" in line
    refresh.send_signal(signal.SIGTERM)
    assert refresh.wait(timeout=STOP_TIMEOUT_SECONDS) == INTERRUPTED_EXIT
    with deployment.instance() as instance:
        (run,) = instance.get_runs(dg.RunsFilter(job_name="refresh_all"))
        assert run.status == dg.DagsterRunStatus.CANCELED
        holders = instance.event_log_storage.get_concurrency_info(DUCKDB_POOL).claimed_slots
        assert [slot.run_id for slot in holders] == [pool_held_by_a_live_run]
