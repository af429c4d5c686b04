"""What the quality gates cost at scale: the Great Expectations checks on 1,000,000 issues
(and their changelog) next to the dbt build of every mart on the same raw tables.

    uv run python -m benchmarks.quality_checks [--issues 1000000] [--items-per-issue 20]

Both run in this one process tree on the same synthetic warehouse (the raw tables of
``benchmarks/transform_scale.py``), so the ratio compares like with like. Target: the checks
take at most 10% of the pipeline's time.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import duckdb

from benchmarks.transform_scale import dbt, write_raw_tables
from quality.references import WarehouseReferences
from quality.suites import TABLE_SUITES
from quality.validate import validate_frame
from warehouse.connection import read_table

CHECKED = ("raw_jira.projects", "raw_jira.statuses", "raw_jira.issues", "raw_jira.changelog_items")


def run_checks(warehouse: Path) -> dict[str, float]:
    """Seconds per suite, reading only the suite's columns as the Dagster check does."""
    seconds = {}
    refs = WarehouseReferences(warehouse)
    for suite in (s for s in TABLE_SUITES if s.name in CHECKED):
        started = time.perf_counter()
        expectations = suite.build(refs)
        frame = read_table(
            warehouse, suite.schema, suite.table, suite.columns(expectations), suite.derived
        )
        summary = validate_frame(frame, expectations)
        seconds[suite.name] = time.perf_counter() - started
        print(
            f"  {suite.name:28} {len(frame):>12,} rows  {seconds[suite.name]:6.1f} s  "
            f"{'pass' if summary.passed else 'FAIL: ' + summary.failures[0].describe()}"
        )
    return seconds


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
        written = time.perf_counter() - started
        print(f"raw tables for {args.issues:,} issues written in {written:.1f} s")
        dbt(warehouse, work, "seed")
        transform, _, dbt_rss = dbt(warehouse, work, "run")
        print(f"dbt run, every model: {transform:.1f} s (peak RSS {dbt_rss:.2f} GiB)")
        print("Great Expectations checks:")
        checks = sum(run_checks(warehouse).values())
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
        pipeline = written + transform + checks
        print(
            f"checks {checks:.1f} s vs transform {transform:.1f} s + raw write {written:.1f} s: "
            f"checks are {100 * checks / pipeline:.1f}% of the pipeline's {pipeline:.1f} s "
            f"(target <= 10%); checks' peak RSS {peak:.2f} GiB"
        )


if __name__ == "__main__":
    main()
