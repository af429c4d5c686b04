"""What the quality gates cost at scale: every check of the pipeline on 1,000,000 issues (and
20,000,000 changelog rows), next to the rest of the pipeline on the same rows.

    uv run python -m benchmarks.quality_checks [--issues 1000000] [--items-per-issue 20]

Pipeline total = raw write + dbt build + checks, run one after the other on one warehouse file:

- raw write: the synthetic raw tables of ``benchmarks/transform_scale.py`` (Jira tables filled,
  spreadsheet tables empty) written straight into DuckDB, standing in for the dlt load;
- dbt build: ``dbt build --full-refresh`` of every model and data test, unit tests excluded (what
  the Dagster dbt asset runs), in process with ``dbtRunner`` on a manifest parsed beforehand;
- checks: every ``gx_<table>`` check as Dagster runs it (``validate_table``: the suite evaluated
  inside DuckDB, the result stored and Data Docs rebuilt in a GE project beside the warehouse),
  on the raw tables and the marts, plus every ``volume_<table>`` row count.

A real dlt load and dbt's CLI start-up take longer than these stand-ins, so the printed share
of the checks is an upper bound of their share in a real run.

Each part runs in a fresh process (imports done before its clock starts), which releases the
DuckDB file between parts as separate Dagster steps do, and gives each part's own peak RSS.

Target: the checks take at most 10% of the pipeline total.
"""

from __future__ import annotations

import time
from pathlib import Path

from dbt.cli.main import dbtRunner

from benchmarks.memory import in_child, peak_rss_mib
from benchmarks.transform_scale import (
    BUILD_WITHOUT_UNIT_TESTS,
    project_args,
    synthetic_workdir,
    timed,
    write_raw_tables,
)
from pipelines.defs.quality import quality_project_root
from quality.tables import TABLE_SUITES
from quality.validate import validate_table
from warehouse.connection import query


def write(warehouse: Path, issues: int, items_per_issue: int) -> float:
    started = time.perf_counter()
    write_raw_tables(warehouse, issues, items_per_issue)
    return time.perf_counter() - started


def build(warehouse: Path) -> tuple[float, str, float]:
    """dbt build of every model and data test: seconds, slowest nodes, peak RSS."""
    runner = dbtRunner(manifest=dbtRunner().invoke(["parse", *project_args()]).result)
    seconds, _, _, slowest = timed(
        runner, *BUILD_WITHOUT_UNIT_TESTS, "--full-refresh", database=warehouse
    )
    return seconds, slowest, peak_rss_mib() / 1024


def run_checks(warehouse: Path) -> tuple[float, float]:
    """Every suite and volume check, printed one by one: total seconds and peak RSS."""
    total = 0.0
    for suite in TABLE_SUITES:
        started = time.perf_counter()
        summary = validate_table(warehouse, suite, quality_project_root(warehouse))
        seconds = time.perf_counter() - started
        total += seconds
        outcome = "pass" if summary.passed else "FAIL: " + summary.blocking_failures[0].describe()
        print(f"  gx_{suite.table:36} {summary.rows:>12,} rows {seconds:6.2f} s  {outcome}")
    started = time.perf_counter()
    raw = [suite for suite in TABLE_SUITES if suite.schema.startswith("raw_")]
    for suite in raw:
        query(warehouse, f'select count(*) as n from "{suite.schema}"."{suite.table}"')
    volume = time.perf_counter() - started
    print(f"  volume_<table> x {len(raw):<24} {volume:19.2f} s")
    return total + volume, peak_rss_mib() / 1024


def main() -> None:
    with synthetic_workdir(__doc__.splitlines()[0]) as (warehouse, args):
        written = in_child(write, warehouse, args.issues, args.items_per_issue)
        print(
            f"raw write: {args.issues:,} issues, {args.issues * args.items_per_issue:,} "
            f"changelog rows in {written:.1f} s"
        )
        built, slowest, dbt_rss = in_child(build, warehouse)
        print(f"dbt build --full-refresh: {built:.1f} s, peak RSS {dbt_rss:.2f} GiB")
        print(f"  slowest: {slowest}")
        print("checks (suites evaluated in DuckDB, results and Data Docs stored):")
        checks, checks_rss = in_child(run_checks, warehouse)
        pipeline = written + built + checks
        print(
            f"pipeline total {pipeline:.1f} s = raw write {written:.1f} s + dbt build "
            f"{built:.1f} s + checks {checks:.1f} s\n"
            f"checks {checks:.1f} s = {100 * checks / pipeline:.1f}% of the pipeline total "
            f"(target <= 10%); checks' peak RSS {checks_rss:.2f} GiB"
        )


if __name__ == "__main__":
    main()
