"""How fast the dbt project builds at scale: synthetic raw tables with 1,000,000 issues and
20,000,000 changelog rows written straight into DuckDB, then `dbt build` of every model.

    uv run python benchmarks/transform_scale.py [--issues 1000000] [--items-per-issue 20]

Prints the load time, the wall time and peak RSS of the full `dbt run` (models only) and of
`dbt build` (models, data tests and unit tests), and the time of a second run after 1% of the
issues changed. Targets on 2 cores: full build <= 60 s, <= 4 GiB; the rebuild <= 10% of it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import tempfile
import time
from pathlib import Path

import duckdb

TRANSFORMS_DIR = Path(__file__).resolve().parents[1] / "transforms"
RAW_CONTRACT = TRANSFORMS_DIR / "scripts" / "raw_contract.sql"
PROJECTS = 200

# Workflow: To Do (new) -> In Progress -> Blocked (waiting) -> In Progress -> Done, and 5% of
# the issues are reopened and closed again; every fifth issue stays in progress.
# (item position in the issue's changelog, from status, to status, which issues)
STATUS_MOVES = """
    select * from (values
        (0, '1', '3', 'all'), (5, '3', '4', 'all'), (8, '4', '3', 'all'),
        (12, '3', '5', 'finished'), (15, '5', '3', 'reopened'), (18, '3', '5', 'reopened')
    ) as moves(item_index, from_value, to_value, applies_to)
"""


def write_raw_tables(con: duckdb.DuckDBPyConnection, issues: int, items_per_issue: int) -> None:
    """Synthetic raw_jira tables (contract shape) and empty spreadsheet tables."""
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
            status_name, status_category_key, created, updated, due_date, story_points
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
            case when i % 4 <> 0 then (i % 8) + 1 end
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


def change_one_percent(con: duckdb.DuckDBPyConnection, issues: int) -> int:
    """Reopen 1% of the issues (a new status move each) like a new incremental load would."""
    changed = issues // 100
    con.execute(
        f"""
        insert into raw_jira.changelog_items (
            history_id, item_index, issue_id, issue_key, changed_at, field, field_id,
            from_value, to_value, _dlt_load_id
        )
        select 'new-' || i, 0, i::varchar, 'P' || (i % {PROJECTS}) || '-' || i,
            timestamptz '2026-01-01 00:00:00+00', 'status', 'status', '5', '3', 'second-load'
        from range(1, {issues}, 100) t(i)
        """
    )
    con.execute(
        f"""
        update raw_jira.issues set status_id = '3', status_category_key = 'indeterminate',
            updated = timestamptz '2026-01-01 00:00:00+00', _dlt_load_id = 'second-load'
        where (id::bigint) % 100 = 1 and (id::bigint) < {issues}
        """
    )
    return changed


def dbt(warehouse: Path, work: Path, *args: str) -> tuple[float, float, float]:
    """Run dbt; return (wall seconds, seconds dbt spent running nodes, peak RSS GiB of the
    dbt processes so far) and print the slowest nodes. The difference of the first two is
    dbt's start-up and parsing."""
    env = {
        **os.environ,
        "PMO_WAREHOUSE_PATH": str(warehouse),
        "DBT_TARGET_PATH": str(work / "dbt_target"),
        "DBT_LOG_PATH": str(work / "dbt_logs"),
    }
    started = time.perf_counter()
    result = subprocess.run(
        ["dbt", *args, "--profiles-dir", str(TRANSFORMS_DIR), "--project-dir", str(TRANSFORMS_DIR)],
        cwd=TRANSFORMS_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise SystemExit(result.stdout[-4000:])
    wall = time.perf_counter() - started
    run_results = json.loads((work / "dbt_target" / "run_results.json").read_text())
    slowest = sorted(run_results["results"], key=lambda node: -node["execution_time"])[:5]
    print(
        "  slowest:",
        ", ".join(
            f"{node['unique_id'].split('.')[-1]} {node['execution_time']:.1f} s" for node in slowest
        ),
    )
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, run_results["elapsed_time"], peak_kib / 1024**2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=1_000_000)
    parser.add_argument("--items-per-issue", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        warehouse = work / "pmo.duckdb"
        started = time.perf_counter()
        with duckdb.connect(str(warehouse)) as con:
            write_raw_tables(con, args.issues, args.items_per_issue)
            items = con.execute("select count(*) from raw_jira.changelog_items").fetchone()[0]
        print(
            f"raw tables: {args.issues:,} issues, {items:,} changelog rows "
            f"written in {time.perf_counter() - started:.1f} s"
        )
        dbt(warehouse, work, "seed")
        full, full_nodes, rss = dbt(warehouse, work, "run")
        print(
            f"dbt run, all models, full:        {full:6.1f} s wall, {full_nodes:5.1f} s in "
            f"models, peak RSS {rss:.2f} GiB"
        )
        with duckdb.connect(str(warehouse)) as con:
            changed = change_one_percent(con, args.issues)
            con.execute("checkpoint")
        again, again_nodes, rss = dbt(warehouse, work, "run")
        print(
            f"dbt run after {changed:,} issues changed: {again:6.1f} s wall "
            f"({100 * again / full:.0f}% of full), {again_nodes:5.1f} s in models "
            f"({100 * again_nodes / full_nodes:.0f}%), peak RSS {rss:.2f} GiB"
        )
        build, build_nodes, rss = dbt(warehouse, work, "build", "--full-refresh")
        print(
            f"dbt build --full-refresh, models + all tests: {build:6.1f} s wall, "
            f"{build_nodes:5.1f} s in nodes, peak RSS {rss:.2f} GiB"
        )


if __name__ == "__main__":
    main()
