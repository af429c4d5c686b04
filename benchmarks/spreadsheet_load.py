"""Spreadsheet connector speed: a 100,000-row survey xlsx, connector vs pandas + openpyxl.

    uv run python benchmarks/spreadsheet_load.py [--rows 100000] [--workdir DIR]

Prints, for the same file in the same run, rows/s of:
- the connector alone (rows of the arrow tables the dlt source yields: read, typed, validated,
  pseudonymised);
- the same through ``dlt extract`` (plus dlt's item files);
- a full dlt run into DuckDB (parquet load files);
- ``pandas.read_excel(engine="openpyxl")``;
the ratios, and each step's peak RSS. Each step runs in a fresh process (peaks do not mix),
``--repeat`` times interleaved; the fastest run counts (the machine may be shared).
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.memory import in_child, peak_rss_mib
from connectors.spreadsheets.layouts import DEFAULT_SERVICE_IDS, SURVEY, SURVEY_DIMENSIONS
from connectors.spreadsheets.template_writer import write_workbook
from sandbox.workbooks.portfolio import GROUPS

TARGET_RATIO = 3.0


def survey_rows(count: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """Template-shaped survey rows; about one rating in five left blank."""
    rng = random.Random(seed)
    start = datetime(2025, 1, 1)
    for number in range(1, count + 1):
        submitted = start + timedelta(minutes=rng.randint(0, 640 * 24 * 60))
        row: dict[str, Any] = {
            "response_id": f"R{number:07d}",
            "submitted_at": submitted,
            "respondent_email": f"person{rng.randint(1, count // 3)}@example.com",
            "stakeholder_group": rng.choice(GROUPS),
            "business_unit": rng.choice(("Retail", "Corporate", "Operations")),
            "overall_value": rng.randint(1, 5),
            "likelihood_to_recommend": rng.randint(0, 10),
            "comment": rng.choice(("", "More coaching please.", "Reports are useful.")),
        }
        for service_id in DEFAULT_SERVICE_IDS:
            if rng.random() < 0.8:
                for dimension in SURVEY_DIMENSIONS:
                    row[f"{service_id}|{dimension}"] = rng.randint(1, 5)
        yield row


def connector_rows(landing: Path, workdir: Path) -> int:
    """The connector alone: read, validate, pseudonymise and yield every row (no dlt files)."""
    from connectors.spreadsheets import spreadsheet_source

    source = spreadsheet_source(str(landing), "benchmark-key")
    tables = source.with_resources("survey_responses", "survey_answers")
    # responses, not answers; replace markers are the rows whose is_replace_marker is set
    return sum(
        table["is_replace_marker"].null_count
        for table in tables
        if "respondent_token" in table.column_names
    )


def connector_extract(landing: Path, workdir: Path) -> int:
    import dlt

    from connectors.spreadsheets import spreadsheet_source

    pipeline = dlt.pipeline("bench_extract", pipelines_dir=str(workdir / "extract"))
    info = pipeline.extract(spreadsheet_source(str(landing), "benchmark-key"))
    metrics = info.metrics[info.loads_ids[0]][0]["table_metrics"]["survey_responses"]
    return metrics.items_count - 1  # one replace marker per file


def connector_run(landing: Path, workdir: Path) -> int:
    import dlt
    import duckdb

    from connectors.spreadsheets import spreadsheet_source

    database = workdir / "bench.duckdb"
    pipeline = dlt.pipeline(
        "bench_run",
        destination=dlt.destinations.duckdb(str(database)),
        dataset_name="raw_spreadsheets",
        pipelines_dir=str(workdir / "run"),
    )
    # parquet load files: DuckDB's default insert_values is ~40x slower on 200k answer rows
    pipeline.run(spreadsheet_source(str(landing), "benchmark-key"), loader_file_format="parquet")
    with duckdb.connect(str(database), read_only=True) as connection:
        count = "select count(*) from raw_spreadsheets.survey_responses"
        return connection.execute(count).fetchone()[0]


def pandas_openpyxl(landing: Path, workdir: Path) -> int:
    import pandas

    frame = pandas.read_excel(landing / "survey.xlsx", sheet_name=SURVEY.sheet, engine="openpyxl")
    return len(frame)


def _measure(step: Callable[[Path, Path], int], landing: Path, workdir: Path) -> tuple:
    import dlt  # noqa: F401  imports are not what is measured
    import pandas  # noqa: F401

    import connectors.spreadsheets  # noqa: F401

    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    rows = step(landing, workdir)
    return rows, time.perf_counter() - started, peak_rss_mib()


def measure(
    step: Callable[[Path, Path], int], landing: Path, workdir: Path
) -> tuple[int, float, float]:
    """Run ``step`` in a fresh process: (rows, seconds, peak RSS MiB)."""
    return in_child(_measure, step, landing, workdir)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=2, help="runs per step; the fastest counts")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="spreadsheet_bench_"))
    landing = workdir / "landing"
    started = time.perf_counter()
    path = write_workbook(landing / "survey.xlsx", SURVEY, survey_rows(args.rows))
    print(f"wrote {args.rows:,} survey rows, {path.stat().st_size / 2**20:.1f} MiB xlsx "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    steps = {
        "connector (rows yielded)": connector_rows,
        "connector (dlt extract)": connector_extract,
        "connector (dlt run to DuckDB)": connector_run,
        "pandas.read_excel(openpyxl)": pandas_openpyxl,
    }
    runs: dict[str, list[tuple[int, float, float]]] = {name: [] for name in steps}
    for _ in range(args.repeat):  # interleaved, so a busy moment hits every step alike
        for name, step in steps.items():
            runs[name].append(measure(step, landing, workdir / f"{len(runs[name])}"))
    results = {name: min(measured, key=lambda run: run[1]) for name, measured in runs.items()}
    for name, (rows, seconds, peak) in results.items():
        print(f"{name:32s} {rows:>8,} rows {seconds:7.2f} s {rows / seconds:>10,.0f} rows/s "
              f"peak RSS {peak:7.0f} MiB")  # fmt: skip
    baseline = results["pandas.read_excel(openpyxl)"]
    for name in (
        "connector (rows yielded)",
        "connector (dlt extract)",
        "connector (dlt run to DuckDB)",
    ):
        ratio = baseline[1] / results[name][1] * results[name][0] / baseline[0]
        verdict = "meets" if ratio >= TARGET_RATIO else "MISSES"
        print(f"{name} vs pandas: {ratio:.1f}x ({verdict} the {TARGET_RATIO:g}x target)")


if __name__ == "__main__":
    main()
