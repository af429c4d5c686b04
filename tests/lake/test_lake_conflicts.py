"""A step whose lake commit loses to another writer's runs again, and its change lands once; any
other error fails the step at once. The conflict is DuckLake's own: two connections updating
one table, in lake mode's interpreter on the test catalog."""

from __future__ import annotations

import json

import dagster as dg
import pytest

from pipelines.lake_conflicts import write_conflicts_retried

CONFLICTING_WRITER = """
import json

import dagster as dg
import duckdb

import pipelines.lake_conflicts as conflicts
from warehouse.connection import attach_lake
from warehouse.settings import warehouse_lake

conflicts.CONFLICT_WAIT_SECONDS = 0.1


def lake_connection():
    con = duckdb.connect(":memory:")
    attach_lake(con, warehouse_lake())
    return con


with lake_connection() as con:
    con.execute("create schema counters; create table counters.c as select 0 as n")


@dg.asset
def adds_one(context):
    with conflicts.write_conflicts_retried(context), lake_connection() as con:
        con.execute("begin")
        con.execute("update counters.c set n = n + 1")
        if context.retry_number == 0:  # another writer commits to the table first
            with lake_connection() as other:
                other.execute("update counters.c set n = n + 10")
        con.execute("commit")


result = dg.materialize([adds_one], raise_on_error=False)
retries = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY]
with lake_connection() as con:
    rows = con.execute("select n from counters.c").fetchall()
print(json.dumps({"success": result.success, "retries": len(retries), "rows": rows}))
"""


@pytest.fixture
def conflicted(run_in_lake) -> dict:
    ran = run_in_lake(CONFLICTING_WRITER)
    assert ran.returncode == 0, ran.stderr[-3000:]
    return json.loads(ran.stdout.strip().splitlines()[-1])


def test_a_step_losing_a_commit_to_another_writer_succeeds_on_its_retry(conflicted) -> None:
    assert conflicted["success"]
    assert conflicted["retries"] == 1


def test_the_retried_change_lands_once_beside_the_other_writers(conflicted) -> None:
    assert conflicted["rows"] == [[11]]


def test_any_other_error_fails_the_step_without_a_retry() -> None:
    @dg.asset
    def fails(context) -> None:
        with write_conflicts_retried(context):
            raise ValueError("not a conflict")

    result = dg.materialize([fails], raise_on_error=False)
    assert not result.success
    assert not [
        e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_UP_FOR_RETRY
    ]
