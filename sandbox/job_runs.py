"""Dagster jobs run in processes of their own on one instance (``$DAGSTER_HOME``), as run
workers would run them side by side, what the instance recorded of their runs, and the raw
tables' rows: for the lake concurrency test and the concurrency benchmark.

``python -m sandbox.job_runs <job>`` runs one job in process on that instance: its steps take
the instance's concurrency pools, shared with the other runs (one ``duckdb_warehouse`` pool in
file mode, one per writer in lake mode: ``pipelines.settings.warehouse_pool``).
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb

from warehouse.settings import REPO_ROOT

RAW_SCHEMAS = ("raw_jira", "raw_spreadsheets", "raw_smartsheet")
STEP_ENDS = (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE)
RUN_ENDS = (dg.DagsterEventType.RUN_SUCCESS, dg.DagsterEventType.RUN_FAILURE)


def run_job(name: str) -> int:
    """One job, in process, on ``$DAGSTER_HOME``'s instance; the failed steps on stderr."""
    from pipelines.definitions import defs

    with dg.DagsterInstance.get() as instance:
        job = defs().resolve_job_def(name)
        result = job.execute_in_process(instance=instance, raise_on_error=False)
    if not result.success:
        failed = [event.step_key for event in result.get_step_failure_events()]
        print(f"{name} failed: {failed}", file=sys.stderr)
        return 1
    return 0


def start_job(name: str, log: Path) -> subprocess.Popen[bytes]:
    """``run_job(name)`` in a process of its own (this interpreter, this environment), its
    output in ``log`` (a file: a pipe would stall the run once full)."""
    return subprocess.Popen(
        [sys.executable, "-m", "sandbox.job_runs", name],
        cwd=REPO_ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


@dataclass
class RunTimeline:
    """When a run started and ended and each of its steps started and ended (epoch seconds,
    from the instance's event log), and whether it succeeded."""

    job: str
    success: bool = False
    started: float = 0.0
    ended: float = 0.0
    steps: dict[str, list[float]] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return self.ended - self.started

    @property
    def in_steps(self) -> float:
        """Seconds in its steps: one at a time in a run worker executing them in process, so
        the rest of the run is waiting for a pool (and Dagster's own work between steps)."""
        return sum(end - start for start, end in self.steps.values())

    @property
    def first_step_after(self) -> float:
        return min(start for start, _ in self.steps.values()) - self.started


def run_timelines() -> dict[str, RunTimeline]:
    """Every run on ``$DAGSTER_HOME``'s instance by run id, newest first."""
    timelines: dict[str, RunTimeline] = {}
    with dg.DagsterInstance.get() as instance:
        for run in instance.get_runs():
            timeline = timelines[run.run_id] = RunTimeline(run.job_name)
            timeline.success = run.status == dg.DagsterRunStatus.SUCCESS
            for record in instance.get_records_for_run(run.run_id).records:
                entry = record.event_log_entry
                event = entry.dagster_event
                if event is None:
                    continue
                if event.event_type == dg.DagsterEventType.RUN_START:
                    timeline.started = entry.timestamp
                elif event.event_type in RUN_ENDS:
                    timeline.ended = entry.timestamp
                elif event.event_type == dg.DagsterEventType.STEP_START:
                    timeline.steps[event.step_key] = [entry.timestamp, entry.timestamp]
                elif event.event_type in STEP_ENDS:
                    timeline.steps[event.step_key][1] = entry.timestamp
    return timelines


def raw_tables(con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...] = RAW_SCHEMAS) -> list[str]:
    """The tables of ``schemas`` in the connection's database, dlt's own tables left out."""
    rows = con.execute(
        "select schema_name || '.' || table_name from duckdb_tables() "
        "where database_name = current_database() and schema_name in ? "
        "and table_name not like '\\_dlt%' escape '\\' order by 1",
        [list(schemas)],
    ).fetchall()
    return [name for (name,) in rows]


def row_counts(con: duckdb.DuckDBPyConnection, tables: list[str]) -> dict[str, int]:
    """Every table's rows in one statement: one snapshot of a lake."""
    sql = " union all ".join(f"select '{t}', count(*) from {t}" for t in tables)
    return dict(con.execute(sql).fetchall())


if __name__ == "__main__":
    sys.exit(run_job(sys.argv[1]))
