"""How fast the dbt project builds at scale: synthetic raw tables with 1,000,000 issues and
20,000,000 changelog rows written straight into DuckDB, then every model built by dbt.

    uv run python benchmarks/transform_scale.py [--issues 1000000] [--items-per-issue 20]
        [--full-only]

Builds are measured in-process with dbt's `dbtRunner` on a manifest parsed once beforehand and
with the output flags Dagster gives every dbt command (`DBT_OUTPUT_FLAGS`: info-level log file,
no JSON artefacts), so the figures are the time dbt spends building in a Dagster run
(connecting, running every node, logging its events), not Python start-up and parsing; that
start-up, which every `dbt` CLI invocation (and so every Dagster run) pays on top, is printed
separately: on a warm partial parse (as every Dagster run on a warehouse after its first
starts: the run hands its parse state back), and as the first Dagster run after the manifest is
prepared starts dbt (its output flags and --vars, which differ from those the prepared manifest
was parsed with, so dbt parses the whole project again). Prints:
- the full build: `dbt build --full-refresh` without unit tests (models and data tests, what
  the Dagster asset runs) on the freshly written raw tables and once more, and
  `dbt run --full-refresh` (models only), with peak RSS;
- the rebuild Dagster runs after an incremental Jira load: 1% of the issues changed in a new
  dlt load, then `dbt build` of the models downstream of raw_jira (and `dbt run` of them, after
  another 1%), and the same build when nothing changed;
- side by side, dbt's own cost of as many nodes: a throwaway project with as many one-row
  table models as that rebuild ran nodes, run the same way;
- the ordinary rebuild after a full Jira reload (every issue in a new load, as the weekly
  reconciliation leaves them).
Each build also prints its nodes (models and data tests, and how many of them are the
portfolio schedule's) and where its time went: the time spent in nodes (summed over dbt's
threads) and its ten slowest nodes. Targets on 2 cores: full build <= 15 s (45 s at 3M
issues), the rebuild after a Jira load <= 5 s, peak RSS <= 4 GiB.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import NamedTuple

import duckdb
import yaml
from dbt.cli.main import dbtRunner
from dbt.contracts.graph.manifest import Manifest

from benchmarks.memory import in_child, peak_rss_mib
from pipelines.defs.resources import DBT_LAKE_TARGET, DBT_OUTPUT_FLAGS, Warehouse
from warehouse.connection import connect
from warehouse.settings import duckdb_memory_limit, warehouse_lake

TRANSFORMS_DIR = Path(__file__).resolve().parents[1] / "transforms"
RAW_CONTRACT = TRANSFORMS_DIR / "scripts" / "raw_contract.sql"
PROJECTS = 200
FIRST_LOAD = "1700000000.000001"
BUILD_WITHOUT_UNIT_TESTS = ("build", "--exclude-resource-type", "unit_test")
# What Dagster rebuilds after a Jira load (pipelines/defs/jobs.py: the job jira_incremental
# selects the raw_jira assets and everything downstream; dagster-dbt runs those models with
# their tests): the models downstream of raw_jira. The portfolio schedule marts are among them
# (they map projects to Jira and count Jira issues done); the breakdown says how many nodes.
DOWNSTREAM_OF_JIRA = ("--select", "source:raw_jira+")
PORTFOLIO_FOLDER = "/portfolio/"
SLOWEST = 10

# Workflow: To Do (new) -> In Progress -> Blocked (waiting) -> In Progress -> Done, and 5% of
# the issues are reopened and closed again; every fifth issue stays in progress.
# (item position in the issue's changelog, from status, to status, which issues)
STATUS_MOVES = """
    select * from (values
        (0, '1', '3', 'all'), (5, '3', '4', 'all'), (8, '4', '3', 'all'),
        (12, '3', '5', 'finished'), (15, '5', '3', 'reopened'), (18, '3', '5', 'reopened')
    ) as moves(item_index, from_value, to_value, applies_to)
"""


def write_raw_tables(warehouse: Path, issues: int, items_per_issue: int) -> None:
    """Synthetic raw_jira tables (contract shape, one dlt load) and empty spreadsheet tables,
    in the warehouse the settings target (the file at ``warehouse``, or the lake)."""
    with connect(warehouse) as con:
        con.execute("set enable_progress_bar = false")
        con.execute(RAW_CONTRACT.read_text())
        con.execute(
            f"insert into raw_jira.projects (id, key, name) "
            f"select i::varchar, 'P' || i, 'Project ' || i from range({PROJECTS}) t(i)"
        )
        con.execute(
            """
            insert into raw_jira.statuses (id, name, status_category_key) values
                ('1', 'To Do', 'new'), ('3', 'In Progress', 'indeterminate'),
                ('4', 'Blocked', 'indeterminate'), ('5', 'Done', 'done')
            """
        )
        con.execute(
            f"""
            insert into raw_jira.issues (
                id, key, project_id, project_key, summary, issue_type, is_subtask, status_id,
                status_name, status_category_key, created, updated, due_date, story_points,
                _dlt_load_id
            )
            select
                i::varchar, 'P' || (i % {PROJECTS}) || '-' || i, (i % {PROJECTS})::varchar,
                'P' || (i % {PROJECTS}), 'Issue ' || i,
                case when i % 7 = 0 then 'Bug' else 'Story' end, false,
                case when i % 5 = 0 then '3' else '5' end,
                case when i % 5 = 0 then 'In Progress' else 'Done' end,
                case when i % 5 = 0 then 'indeterminate' else 'done' end,
                timestamptz '2023-01-01 00:00:00+00' + to_minutes((i * 37) % 1000000),
                timestamptz '2023-01-01 00:00:00+00' + to_minutes((i * 37) % 1000000 + 40000),
                case
                    when i % 3 = 0
                        then date '2023-01-01' + cast(((i * 37) % 1000000) // 1440 + 30 as integer)
                end,
                case when i % 4 <> 0 then (i % 8) + 1 end,
                '{FIRST_LOAD}'
            from range({issues}) t(i)
            """
        )
        con.execute(
            f"""
            insert into raw_jira.changelog_items (
                history_id, item_index, issue_id, issue_key, changed_at, field, field_id,
                from_value, to_value
            )
            with moves as ({STATUS_MOVES})
            select
                (i * {items_per_issue} + k)::varchar, 0, i::varchar,
                'P' || (i % {PROJECTS}) || '-' || i,
                timestamptz '2023-01-01 00:00:00+00'
                    + to_minutes((i * 37) % 1000000 + 60 * k * (1 + i % 9)),
                case when moves.item_index is null then 'summary' else 'status' end,
                case when moves.item_index is null then 'summary' else 'status' end,
                moves.from_value, moves.to_value
            from range({issues}) t(i)
            cross join range({items_per_issue}) s(k)
            left join moves
                on moves.item_index = k
                and (moves.applies_to = 'all'
                    or (moves.applies_to = 'finished' and i % 5 <> 0)
                    or (moves.applies_to = 'reopened' and i % 5 <> 0 and i % 20 = 1))
            """
        )


# Later dlt loads, each moving 1% of the issues once more: (load id, day, from, to status).
CHANGES = (
    (
        "1700086400.000001",
        "2026-01-01",
        ("5", "Done", "done"),
        ("3", "In Progress", "indeterminate"),
    ),
    (
        "1700172800.000001",
        "2026-01-02",
        ("3", "In Progress", "indeterminate"),
        ("5", "Done", "done"),
    ),
    (
        "1700259200.000001",
        "2026-01-03",
        ("5", "Done", "done"),
        ("3", "In Progress", "indeterminate"),
    ),
)


def change_one_percent(warehouse: Path, issues: int, change: tuple) -> int:
    """Move 1% of the issues to another status in a new dlt load, as the Jira connector would:
    the changed issue rows get the new load id, their new changelog rows have none."""
    load_id, day, (from_id, _, _), (to_id, to_name, to_category) = change
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            f"""
            insert into raw_jira.changelog_items (
                history_id, item_index, issue_id, issue_key, changed_at, field, field_id,
                from_value, to_value
            )
            select '{load_id}-' || i, 0, i::varchar, 'P' || (i % {PROJECTS}) || '-' || i,
                timestamptz '{day} 00:00:00+00', 'status', 'status', '{from_id}', '{to_id}'
            from range(1, {issues}, 100) t(i)
            """
        )
        con.execute(
            f"""
            update raw_jira.issues set status_id = '{to_id}', status_name = '{to_name}',
                status_category_key = '{to_category}',
                updated = timestamptz '{day} 00:00:00+00', _dlt_load_id = '{load_id}'
            where (id::bigint) % 100 = 1
            """
        )
        con.execute("checkpoint")
    return len(range(1, issues, 100))


RELOAD = "1700345600.000001"


def reload_every_issue(warehouse: Path) -> int:
    """Every issue in one new dlt load, as the weekly reconciliation's full Jira reload leaves
    the raw issues (same content, a new load id)."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute(f"update raw_jira.issues set _dlt_load_id = '{RELOAD}'")
        con.execute("checkpoint")
        return con.execute("select count(*) from raw_jira.issues").fetchone()[0]


def project_args() -> list[str]:
    """The PMO project and profile, at the target the settings select (in lake mode the lake's,
    as ``Warehouse.dbt_vars`` gives Dagster's runs)."""
    target = ["--target", DBT_LAKE_TARGET] if warehouse_lake() else []
    return ["--profiles-dir", str(TRANSFORMS_DIR), "--project-dir", str(TRANSFORMS_DIR), *target]


class CliParse(NamedTuple):
    """Wall and CPU seconds (of the dbt process) of one `dbt parse` on the CLI."""

    seconds: float
    cpu_seconds: float

    def __str__(self) -> str:
        return f"{self.seconds:.1f} s (CPU {self.cpu_seconds:.1f} s)"


def cli_parse(*args: str) -> CliParse:
    started, cpu_started = time.perf_counter(), children_cpu_seconds()
    subprocess.run(
        ["dbt", *DBT_OUTPUT_FLAGS, "parse", *project_args(), *args],
        cwd=TRANSFORMS_DIR,
        check=True,
        capture_output=True,
    )
    return CliParse(time.perf_counter() - started, children_cpu_seconds() - cpu_started)


def cli_start_up(warehouse: Path) -> tuple[CliParse, CliParse]:
    """`dbt parse` on the CLI (Python start-up, imports and parsing, which every CLI invocation
    pays before building anything): on a warm partial parse, and as the first Dagster run after
    a prepare starts dbt: its output flags and ``--vars``, in a fresh target folder holding the
    partial parse of the manifest prepared without those vars, as dagster-dbt copies it there
    (later runs find the parse state the run before handed back, made with the same vars)."""
    warm = cli_parse()
    run_target = warehouse.parent / "dagster_run_target"
    run_target.mkdir()
    prepared = Path(os.environ["DBT_TARGET_PATH"]) / "partial_parse.msgpack"
    shutil.copy(prepared, run_target / prepared.name)
    dagster_vars = Warehouse(path=str(warehouse), memory_limit=duckdb_memory_limit()).dbt_vars()
    return warm, cli_parse("--target-path", str(run_target), *dagster_vars)


class Timing(NamedTuple):
    """A dbt command's wall seconds, its CPU seconds (this process: dbt and DuckDB's threads;
    steadier than wall time on a shared machine), how many nodes it ran, and where the time
    went."""

    seconds: float
    cpu_seconds: float
    nodes: int
    breakdown: str


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    """User and system CPU seconds of this process so far, over all its threads (or of its
    finished child processes, ``resource.RUSAGE_CHILDREN``)."""
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def children_cpu_seconds() -> float:
    return cpu_seconds(resource.RUSAGE_CHILDREN)


def timed(
    runner: dbtRunner, *args: str, database: Path, project: list[str] | None = None
) -> Timing:
    """Run a dbt command in process (on the PMO project unless ``project`` says otherwise) with
    Dagster's output flags (dbt's defaults, a debug-level log file and the JSON artefacts, cost
    dbt time on every node that a Dagster run does not spend), then checkpoint the file
    ``database`` (file mode: a lake has no log to write back): dbt's process in a Dagster run
    writes the command's log into the database file when it exits, where the process here keeps
    DuckDB open and would leave that work to a later command. Return its wall seconds, node
    count and a breakdown: the time spent in nodes, and its ten slowest nodes (where an
    incremental run's time goes)."""
    started, cpu_started = time.perf_counter(), cpu_seconds()
    result = runner.invoke([*DBT_OUTPUT_FLAGS, *args, "--quiet", *(project or project_args())])
    if not warehouse_lake():
        with duckdb.connect(str(database)) as connection:
            connection.execute("checkpoint")
    wall, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
    if not result.success:
        failures = result.exception or "\n".join(
            node.message for node in result.result.results if node.status in ("error", "fail")
        )
        raise SystemExit(f"dbt {' '.join(args)} failed:\n{failures}")
    nodes = sorted(result.result.results, key=lambda node: -node.execution_time)
    in_nodes = sum(node.execution_time for node in nodes)
    kinds = Counter(node.node.resource_type for node in nodes)
    portfolio = sum(PORTFOLIO_FOLDER in node.node.original_file_path for node in nodes)
    slowest = "".join(
        f"\n      {node.execution_time:6.2f} s  {node.node.name}" for node in nodes[:SLOWEST]
    )
    breakdown = (
        f"{wall:.1f} s (CPU {cpu:.1f} s), {len(nodes)} nodes ({kinds['model']} models, "
        f"{kinds['test']} tests; {portfolio} of the portfolio schedule; {in_nodes:.1f} s in "
        f"nodes); slowest:{slowest}"
    )
    return Timing(wall, cpu, len(nodes), breakdown)


def trivial_models_seconds(count: int, work: Path) -> Timing:
    """dbt's own cost of running ``count`` models, none of which computes anything: a throwaway
    project with one one-row table model and ``count`` - 1 copying it (so that dbt's threads can
    run them side by side), with the PMO profile's threads, run in process on a parsed manifest
    like the builds; the median of three runs after a warm-up."""
    project, database = work / "trivial_dbt", work / "trivial.duckdb"
    (project / "models").mkdir(parents=True)
    settings = {"name": "trivial", "profile": "trivial", "models": {"+materialized": "table"}}
    (project / "dbt_project.yml").write_text(yaml.safe_dump(settings))
    pmo_output = yaml.safe_load((TRANSFORMS_DIR / "profiles.yml").read_text())["pmo"]["outputs"]
    trivial_output = {
        "type": "duckdb",
        "path": str(database),
        "threads": pmo_output["dev"]["threads"],
    }
    profile = {"trivial": {"target": "dev", "outputs": {"dev": trivial_output}}}
    (project / "profiles.yml").write_text(yaml.safe_dump(profile))
    (project / "models" / "model_0.sql").write_text("select 1 as one")
    for index in range(1, count):
        (project / "models" / f"model_{index}.sql").write_text("select * from {{ ref('model_0') }}")
    args = [
        *("--project-dir", str(project), "--profiles-dir", str(project)),
        *("--target-path", str(project / "target"), "--log-path", str(project / "logs")),
    ]
    manifest = dbtRunner().invoke(["parse", "--quiet", *args]).result
    runner = dbtRunner(manifest=manifest)
    runs = sorted([timed(runner, "run", database=database, project=args) for _ in range(4)][1:])
    return runs[len(runs) // 2]


def report(label: str, timing: Timing) -> None:
    print(f"{label:<72} {timing.seconds:6.1f} s (CPU {timing.cpu_seconds:5.1f} s)")


def measure_builds(warehouse: Path, issues: int, full_only: bool) -> None:
    """The full build and (unless ``full_only``) the rebuilds after Jira loads, in process on
    one parsed manifest."""
    manifest: Manifest = dbtRunner().invoke(["parse", "--quiet", *project_args()]).result
    warm_start_up, dagster_start_up = cli_start_up(warehouse)
    runner = dbtRunner(manifest=manifest)
    timed(runner, "seed", database=warehouse)
    changes = iter(CHANGES)

    def one_percent() -> int:
        return change_one_percent(warehouse, issues, next(changes))

    def build(*command: str, change: Callable[[], int] | None = one_percent) -> Timing:
        changed = change() if change else 0
        timing = timed(runner, *command, database=warehouse)
        print(
            f"  {changed:,} issues changed, dbt {' '.join(command)} (peak RSS so far "
            f"{peak_rss_mib() / 1024:.2f} GiB, load {os.getloadavg()[0]:.1f}): {timing.breakdown}",
            flush=True,
        )
        return timing

    full_build = build(*BUILD_WITHOUT_UNIT_TESTS, "--full-refresh", change=None)
    full_rss = peak_rss_mib() / 1024
    # The first build reads raw tables just written; the same build again is the steady state.
    full_again = build(*BUILD_WITHOUT_UNIT_TESTS, "--full-refresh", change=None)
    full_run = build("run", "--full-refresh", change=None)
    report("dbt build --full-refresh, models and data tests", full_build)
    print(f"  peak RSS {full_rss:.2f} GiB")
    report("the same full build again", full_again)
    report("dbt run --full-refresh, models only", full_run)
    if full_only:
        print(f"load average while measuring: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        return
    jira_build = build(*BUILD_WITHOUT_UNIT_TESTS, *DOWNSTREAM_OF_JIRA)
    jira_run = build("run", *DOWNSTREAM_OF_JIRA)
    unchanged = build(*BUILD_WITHOUT_UNIT_TESTS, *DOWNSTREAM_OF_JIRA, change=None)
    trivial = trivial_models_seconds(jira_build.nodes, warehouse.parent)
    reload = partial(reload_every_issue, warehouse)
    after_reload = build(*BUILD_WITHOUT_UNIT_TESTS, *DOWNSTREAM_OF_JIRA, change=reload)

    report("after a Jira load (1% changed): dbt build downstream of raw_jira", jira_build)
    report("after a Jira load (1% changed): dbt run downstream of raw_jira", jira_run)
    report("nothing changed: dbt build downstream of raw_jira", unchanged)
    report(f"dbt run of {jira_build.nodes} one-row models (dbt's own cost of as many)", trivial)
    report("after a full Jira reload: dbt build downstream of raw_jira", after_reload)
    print(f"peak RSS of the whole benchmark: {peak_rss_mib() / 1024:.2f} GiB")
    print(
        f"dbt CLI start-up (`dbt parse`) on top of every CLI invocation: {warm_start_up} warm, "
        f"{dagster_start_up} as the first Dagster run after a prepare starts it (--vars: the whole "
        "project parsed again; later runs start warm)"
    )
    print(f"load average while measuring: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


@contextlib.contextmanager
def synthetic_workdir(description: str) -> Iterator[tuple[Path, argparse.Namespace]]:
    """Parse the scale options and point the warehouse and dbt's artefacts at a temporary
    folder (shared with ``benchmarks/quality_checks.py``, which measures the same tables)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--issues", type=int, default=1_000_000)
    parser.add_argument("--items-per-issue", type=int, default=20)
    parser.add_argument(
        "--full-only", action="store_true", help="only the full builds (the 3M-issue target)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        warehouse = work / "pmo.duckdb"
        os.environ.update(
            PMO_WAREHOUSE_PATH=str(warehouse),
            DBT_TARGET_PATH=str(work / "dbt_target"),
            DBT_LOG_PATH=str(work / "dbt_logs"),
            # What Dagster passes to dbt as --vars: the configured limit, 3GB by default.
            PMO_DUCKDB_MEMORY_LIMIT=duckdb_memory_limit(),
        )
        yield warehouse, args


def main() -> None:
    with synthetic_workdir(__doc__.splitlines()[0]) as (warehouse, args):
        started = time.perf_counter()
        # In a child process, so that this process's peak RSS is dbt's and DuckDB's alone.
        in_child(write_raw_tables, warehouse, args.issues, args.items_per_issue)
        print(
            f"raw tables: {args.issues:,} issues, {args.issues * args.items_per_issue:,} "
            f"changelog rows written in {time.perf_counter() - started:.1f} s; "
            f"DuckDB memory_limit {os.environ['PMO_DUCKDB_MEMORY_LIMIT']}"
        )
        measure_builds(warehouse, args.issues, args.full_only)


if __name__ == "__main__":
    main()
