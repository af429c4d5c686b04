"""How long a publish takes at scale: synthetic marts (default 20 tables of 500,000 rows),
published into a serving snapshot (DuckDB 1.0 storage + Parquet + manifest).

    uv run python benchmarks/publish.py [--tables 20] [--rows 500000]

Prints the build time of the synthetic warehouse, the wall time and peak RSS of the publish,
and the sizes of the snapshot and the Parquet files. Real marts are aggregates (thousands of
rows), so this is a stress case: the publish is meant to stay a small share of the nightly run.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import duckdb

from benchmarks.memory import peak_rss_mib
from warehouse.publishing.paths import parquet_dir, serving_database_path
from warehouse.publishing.snapshot import publish_snapshot
from warehouse.publishing.tables import ServingTable


def build_marts(warehouse: Path, tables: int, rows: int) -> list[ServingTable]:
    """``tables`` marts shaped like the monthly delivery marts, ``rows`` rows each."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts")
        for number in range(tables):
            con.execute(
                f"""
                create table marts.mart_synthetic_{number} as
                select
                    'P' || (i % 200) as project_key,
                    date '2020-01-01' + (i % 2000)::int as month_start,
                    (i % 97)::bigint as issues_done,
                    (i % 1000) / 7.0 as cycle_time_p50_days,
                    i % 5 = 0 as is_suppressed
                from range({rows}) t(i)
                """
            )
    return [
        ServingTable(
            name=f"synthetic_{number}",
            source_schema="marts",
            source_table=f"mart_synthetic_{number}",
            kind="kpi",
            description="Synthetic mart.",
            column_descriptions={"issues_done": "Issues done."},
        )
        for number in range(tables)
    ]


def megabytes(path: Path) -> float:
    files = [path] if path.is_file() else list(path.glob("*"))
    return sum(f.stat().st_size for f in files) / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=20)
    parser.add_argument("--rows", type=int, default=500_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        warehouse = Path(folder) / "pmo.duckdb"
        started = time.perf_counter()
        tables = build_marts(warehouse, args.tables, args.rows)
        built = time.perf_counter() - started
        started = time.perf_counter()
        publication = publish_snapshot(warehouse, tables, source_run="benchmark")
        published = time.perf_counter() - started
        peak_mib = peak_rss_mib()
        print(f"marts: {args.tables} tables of {args.rows:,} rows, built in {built:.1f} s")
        print(f"publish: {published:.1f} s wall, peak RSS {peak_mib:.0f} MiB (whole process)")
        print(f"snapshot: {megabytes(serving_database_path(warehouse)):.1f} MiB")
        print(f"parquet: {megabytes(parquet_dir(warehouse)):.1f} MiB")
        print(f"rows published: {sum(publication.row_counts.values()):,}")


if __name__ == "__main__":
    main()
