"""The end-to-end pipeline in lake mode produces the same marts as in file mode on the sandbox
(issue 18's first done-when): the demo materialised once in each, every mart table compared,
table by table. The lake run is lake mode's interpreter in a subprocess (DuckDB 1.5.5 with the
extension wheels), while this process (DuckDB 2.x) runs the file mode beside it."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from sandbox.postgres import create_database
from sandbox.warehouse_modes import checkout_environment, lake_settings
from tests.lake.lake_process import run_in_lake_process, running_in_lake
from tests.lake.pipeline_in_lake import export_marts, materialize_demo
from warehouse.settings import REPO_ROOT, WAREHOUSE_PATH_ENV

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

LAKE_RUN = Path(__file__).with_name("pipeline_in_lake.py")
LAKE_PMO = REPO_ROOT / ".venv-lake" / "bin" / "pmo"
# The current month's work in progress is measured at the build's time (``now()``), and its
# age from then: columns of that month's rows that differ between any two builds.
MEASURED_AT_BUILD_TIME = {
    "mart_delivery_wip_monthly": (
        "as_of_at",
        "wip_age_mean_days",
        "wip_age_p85_days",
        "wip_age_max_days",
    )
}


@dataclass(frozen=True)
class Marts:
    """Each mode's marts, exported to Parquet: table name -> file; the lake run's settings
    and when it started."""

    lake: dict[str, Path]
    file: dict[str, Path]
    lake_environment: dict[str, str]
    lake_started: datetime


def _exported(folder: Path) -> dict[str, Path]:
    return {path.stem: path for path in sorted(folder.glob("*.parquet"))}


@pytest.fixture(scope="module")
def marts(lake_python, postgres, tmp_path_factory) -> Marts:
    """The demo in both modes at once: the lake in a subprocess, the file in this process."""
    root = tmp_path_factory.mktemp("lake-vs-file")
    catalog = create_database(postgres, "lake_matches_file")
    lake_environment = checkout_environment(
        lake_settings(catalog, root / "lake"), DAGSTER_HOME=str(root / "lake" / "dagster_home")
    )
    lake_started = datetime.now(UTC)
    lake_run = [
        str(lake_python),
        str(LAKE_RUN),
        str(root / "lake" / "sandbox"),
        str(root / "lake" / "marts"),
    ]
    with (
        running_in_lake(lake_run, lake_environment, root / "lake.log"),
        pytest.MonkeyPatch.context() as env,
    ):
        env.setenv(WAREHOUSE_PATH_ENV, str(root / "file" / "pmo.duckdb"))
        env.setenv("DAGSTER_HOME", str(root / "file" / "dagster_home"))
        env.delenv("PMO_WAREHOUSE_TARGET", raising=False)
        assert materialize_demo(root / "file" / "sandbox").success
        export_marts(root / "file" / "marts")
    return Marts(
        _exported(root / "lake" / "marts"),
        _exported(root / "file" / "marts"),
        lake_environment,
        lake_started,
    )


def _rows(table: str, path: Path) -> pd.DataFrame:
    """A table's rows in an order of their own (the marts' row order is not their contract),
    without what the build's own clock measured: two builds never share that instant."""
    frame = pd.read_parquet(path)
    if table in MEASURED_AT_BUILD_TIME:
        columns = list(MEASURED_AT_BUILD_TIME[table])
        frame.loc[frame["month_start"] == frame["month_start"].max(), columns] = None
    return frame.sort_values(list(frame.columns), na_position="first").reset_index(drop=True)


def test_the_lake_has_every_mart_table_of_the_file_and_no_other(marts) -> None:
    assert marts.file
    assert set(marts.lake) == set(marts.file)


def test_every_mart_table_has_the_same_rows_in_both_modes(marts) -> None:
    differing = {}
    for table, path in marts.file.items():
        try:
            pd.testing.assert_frame_equal(
                _rows(table, marts.lake[table]), _rows(table, path), check_dtype=False, rtol=1e-9
            )
        except AssertionError as difference:
            differing[table] = str(difference)[:400]
    assert not differing


def _pmo(marts: Marts, *arguments: str) -> subprocess.CompletedProcess[str]:
    """``pmo`` as installed in lake mode's environment, on the lake the demo built."""
    return run_in_lake_process([str(LAKE_PMO), *arguments], marts.lake_environment)


def test_kpis_as_of_now_are_the_latest_kpis(marts) -> None:
    latest = _pmo(marts, "kpis")
    as_of_now = _pmo(marts, "kpis", "--as-of", datetime.now(UTC).isoformat())
    assert latest.returncode == 0, latest.stderr
    assert as_of_now.returncode == 0, as_of_now.stderr
    heading, _, summary = as_of_now.stdout.partition("\n\n")
    assert heading.startswith("As of ")
    assert "Throughput" in summary
    assert summary == latest.stdout


def test_kpis_as_of_before_the_first_run_say_the_lake_did_not_exist_yet(marts) -> None:
    before = (marts.lake_started - timedelta(days=1)).isoformat()
    result = _pmo(marts, "kpis", "--as-of", before)
    assert result.returncode == 2
    assert "did not exist yet" in result.stderr


@pytest.fixture(scope="module")
def published_as_of_now(marts) -> Path:
    """``pmo publish --as-of`` now, into its default folder: the release it wrote."""
    result = _pmo(marts, "publish", "--as-of", datetime.now(UTC).isoformat())
    assert result.returncode == 0, result.stderr
    (folder,) = _serving(marts).joinpath("as-of").iterdir()
    return folder


def _serving(marts: Marts) -> Path:
    return Path(marts.lake_environment[WAREHOUSE_PATH_ENV]).parent / "serving"


def test_a_snapshot_published_as_of_now_has_every_kpi_table_of_the_lake(
    marts, published_as_of_now
) -> None:
    manifest = json.loads((published_as_of_now / "manifest.json").read_text())
    kpis = [table["name"] for table in manifest["tables"] if table["kind"] == "kpi"]
    assert sorted(kpis) == sorted(t.removeprefix("mart_") for t in marts.lake)
    differing = {}
    for name in kpis:
        table = f"mart_{name}"
        try:
            pd.testing.assert_frame_equal(
                _rows(table, published_as_of_now / "parquet" / f"{name}.parquet"),
                _rows(table, marts.lake[table]),
                check_dtype=False,
            )
        except AssertionError as difference:
            differing[name] = str(difference)[:400]
    assert not differing


def test_a_snapshot_published_as_of_now_comes_with_its_kpi_report(published_as_of_now) -> None:
    report = (published_as_of_now / "kpi_report.html").read_text()
    assert "the warehouse as of" in report


def test_a_snapshot_of_the_past_leaves_the_serving_folder_bi_tools_read_alone(
    marts, published_as_of_now
) -> None:
    latest = json.loads((_serving(marts) / "manifest.json").read_text())
    assert latest["as_of"] is None
    assert latest["source_run"] != "pmo publish --as-of"
