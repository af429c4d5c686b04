"""Two event runs writing the lake at once, watched by a reader: run by lake mode's interpreter
for ``test_lake_concurrency``.

``python tests/lake/concurrent_runs.py <sandbox folder> <result.json>`` builds the lake of an
install before its first delivery (every raw table empty, every dbt model built on them: what
an event run's dbt build expects to find beside its own source's models), then serves the demo
sources, starts ``jira_incremental`` and ``spreadsheets_refresh`` in two processes on one
Dagster instance (``$DAGSTER_HOME``), and counts the raw tables' rows in a loop while they
run. Then a full Jira reload is killed (SIGKILL) while dlt loads it into the lake, the lake
read, and the reload run again. ``python tests/lake/concurrent_runs.py job <name>`` is one such
run, ``python tests/lake/concurrent_runs.py reload_jira`` the reload.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb

from pipelines.demo import demo_sources
from sandbox.job_runs import raw_tables, row_counts, run_timelines, start_job
from warehouse.connection import attach_lake
from warehouse.settings import warehouse_lake

JOBS = ("jira_incremental", "spreadsheets_refresh")
RAW_LOADS = ("jira_raw", "spreadsheets_raw")
WATCHED_SCHEMAS = ("raw_jira", "raw_spreadsheets")
READ_INTERVAL_SECONDS = 0.2
RUNS_TIMEOUT_SECONDS = 900
KILL_POLL_SECONDS = 0.02


def reload_jira() -> int:
    """Jira's tables reloaded in full (every row written again), the raw load only."""
    from pipelines.definitions import defs
    from pipelines.defs.ingestion import JIRA_REFRESH_TAG, jira_raw

    result = dg.materialize(
        [jira_raw],
        resources=defs().resources,
        instance=dg.DagsterInstance.ephemeral(),
        tags={JIRA_REFRESH_TAG: "drop_data"},
        raise_on_error=False,
    )
    return 0 if result.success else 1


def jira_jobs_started() -> bool:
    """Whether dlt is loading a Jira package into the lake (a job file taken up, not done)."""
    from pipelines.defs.ingestion import JIRA_PIPELINE
    from warehouse.settings import dlt_pipelines_dir, warehouse_path

    packages = dlt_pipelines_dir(warehouse_path()) / JIRA_PIPELINE[0] / "load" / "normalized"
    return any(packages.glob("*/started_jobs/*"))


def killed_reload(log: Path) -> dict[str, object]:
    """A Jira reload killed mid-write, the lake's Jira tables read, the reload run again: their
    rows after the kill (or the error reading them) and after the rerun."""
    reload = subprocess.Popen(
        [sys.executable, __file__, "reload_jira"],
        env=os.environ.copy(),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    while reload.poll() is None and not jira_jobs_started():
        time.sleep(KILL_POLL_SECONDS)
    reload.kill()
    killed = reload.wait() == -9
    outcome: dict[str, object] = {"killed_mid_write": killed}
    try:
        with duckdb.connect(":memory:") as con:
            attach_lake(con, warehouse_lake())
            outcome["after_kill"] = row_counts(con, raw_tables(con, ("raw_jira",)))
    except duckdb.Error as error:
        outcome["after_kill_error"] = str(error)[:500]
    rerun = subprocess.run(
        [sys.executable, __file__, "reload_jira"],
        env=os.environ.copy(),
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        check=False,
    )
    outcome["rerun_returncode"] = rerun.returncode
    with duckdb.connect(":memory:") as con:
        attach_lake(con, warehouse_lake())
        outcome["after_rerun"] = row_counts(con, raw_tables(con, ("raw_jira",)))
    return outcome


def build_empty_lake() -> None:
    """Every source's declared tables, empty, and the dbt models built on them."""
    from pipelines.definitions import defs
    from pipelines.defs.ingestion import JIRA, SMARTSHEET, SPREADSHEETS, create_missing_tables
    from pipelines.defs.resources import Warehouse
    from pipelines.defs.transforms import pmo_dbt_models

    for source in (JIRA, SPREADSHEETS, SMARTSHEET):
        create_missing_tables(Warehouse.configured(), source.dataset, source.declared)
    built = dg.materialize(
        [pmo_dbt_models],
        resources=defs().resources,
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert built.success, "the dbt build on the empty lake failed"


def writer_pools() -> dict[str, str]:
    """Each executable asset op's pool, as the definitions give them in this mode."""
    from pipelines.definitions import defs

    return {
        a.op.name: a.op.pool
        for a in defs().assets or []
        if isinstance(a, dg.AssetsDefinition) and a.is_executable
    }


def step_intervals(steps: tuple[str, ...]) -> dict[str, list[float]]:
    """When each of ``steps`` started and ended, from the runs in ``$DAGSTER_HOME``."""
    return {
        step: interval
        for timeline in run_timelines().values()
        for step, interval in timeline.steps.items()
        if step in steps
    }


def scenario(sandbox_dir: str, result_path: str) -> int:
    lake = warehouse_lake()
    assert lake, "run in lake mode"
    observed: dict[str, set[int]] = {}
    errors: list[str] = []
    reads = 0
    build_empty_lake()
    # The instance's SQLite storages created here once: two runs creating them at once record
    # two schema versions.
    dg.DagsterInstance.get().dispose()
    with demo_sources(Path(sandbox_dir)):
        logs = {job: Path(result_path).with_name(f"{job}.log") for job in JOBS}
        runs = {job: start_job(job, logs[job]) for job in JOBS}
        deadline = time.monotonic() + RUNS_TIMEOUT_SECONDS
        with duckdb.connect(":memory:") as con:
            attach_lake(con, lake)
            tables = raw_tables(con, WATCHED_SCHEMAS)
            while any(run.poll() is None for run in runs.values()):
                if time.monotonic() > deadline:
                    for run in runs.values():
                        run.kill()
                    errors.append("the runs did not end in time")
                    break
                try:
                    for table, rows in row_counts(con, tables).items():
                        observed.setdefault(table, set()).add(rows)
                    reads += 1
                except duckdb.Error as error:
                    errors.append(str(error)[:300])
                time.sleep(READ_INTERVAL_SECONDS)
            final = row_counts(con, tables)
        killed = killed_reload(Path(result_path).with_name("reload_jira.log"))
    result = {
        "returncodes": {job: run.wait() for job, run in runs.items()},
        "logs": {job: log.read_text()[-3000:] for job, log in logs.items()},
        "reads": reads,
        "errors": errors,
        "observed": {table: sorted(counts) for table, counts in observed.items()},
        "final": final,
        "pools": writer_pools(),
        "loads": step_intervals(RAW_LOADS),
        "killed": killed,
    }
    Path(result_path).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "reload_jira":
        sys.exit(reload_jira())
    sys.exit(scenario(*sys.argv[1:]))
