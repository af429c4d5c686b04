"""KPIs as of a past time: in lake mode a connection can open the lake read-only as its last
snapshot at or before a given time (DuckLake's time travel); a DuckDB file cannot, and says so.
``pmo kpis --as-of`` prints the KPI summary that way; ``pmo publish --as-of`` publishes the
serving snapshot from it."""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pipelines.cli import as_of_time, main
from pipelines.past_snapshot import as_of_label

# Writes a table, takes the time (``between``), then changes the table.
CHANGED_AFTER_A_MOMENT = """
import time
from datetime import datetime, timezone
from warehouse.connection import connect, execute, query
from warehouse.settings import warehouse_path
execute(warehouse_path(), "create schema marts; create table marts.t as select 1 as n")
time.sleep(0.05)
between = datetime.now(timezone.utc)
time.sleep(0.05)
execute(warehouse_path(), "insert into marts.t values (2)")
"""

# Then reads the table as of that time, and as it is.
PAST_AND_PRESENT = (
    CHANGED_AFTER_A_MOMENT
    + """
with connect(warehouse_path(), between) as con:
    print(sorted(n for (n,) in con.execute("select n from marts.t").fetchall()))
print(sorted(query(warehouse_path(), "select n from marts.t")["n"].tolist()))
"""
)

WRITE_IN_THE_PAST = """
from datetime import datetime, timezone
from warehouse.connection import connect, execute
from warehouse.settings import warehouse_path
execute(warehouse_path(), "create schema marts; create table marts.t as select 1 as n")
with connect(warehouse_path(), datetime.now(timezone.utc)) as con:
    con.execute("insert into marts.t values (2)")
"""

# Then publishes a serving snapshot as of that time, into a folder.
PUBLISHED_FROM_THE_PAST = (
    CHANGED_AFTER_A_MOMENT
    + """
import json, os
from pathlib import Path
import duckdb
from warehouse.publishing.snapshot import publish_snapshot
from warehouse.publishing.tables import ServingTable
tables = [ServingTable("t", "marts", "t", "kpi")]
folder = Path(os.environ["PUBLISH_TO"])
publication = publish_snapshot(warehouse_path(), tables, "run-1", as_of=between, folder=folder)
with duckdb.connect(str(publication.database), read_only=True) as con:
    rows = sorted(n for (n,) in con.execute("select n from t").fetchall())
    (info_as_of,) = con.execute("select distinct as_of from publish_info").fetchone()
print(json.dumps({
    "rows": rows,
    "as_of": between.isoformat(),
    "publish_info_as_of": info_as_of.isoformat(),
    "manifest_as_of": json.loads(publication.manifest.read_text())["as_of"],
    "database": str(publication.database),
}))
"""
)

BEFORE_THE_LAKE = """
from datetime import datetime, timezone
from warehouse.connection import connect, execute
from warehouse.settings import warehouse_path
execute(warehouse_path(), "create schema marts")
with connect(warehouse_path(), datetime(2000, 1, 1, tzinfo=timezone.utc)):
    pass
"""


def test_the_lake_as_of_a_past_time_holds_the_rows_of_then(run_in_lake) -> None:
    result = run_in_lake(PAST_AND_PRESENT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["[1]", "[1, 2]"]


def test_the_lake_as_of_a_past_time_refuses_writes(run_in_lake) -> None:
    result = run_in_lake(WRITE_IN_THE_PAST)
    assert result.returncode != 0
    assert "read-only" in result.stderr


@pytest.fixture(scope="module")
def published_from_the_past(run_in_module_lake, tmp_path_factory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("publish") / "q3-close"
    result = run_in_module_lake(PUBLISHED_FROM_THE_PAST, {"PUBLISH_TO": str(folder)})
    assert result.returncode == 0, result.stderr
    return {**json.loads(result.stdout.splitlines()[-1]), "folder": folder}


def test_a_snapshot_published_as_of_a_past_time_holds_the_rows_of_then(
    published_from_the_past,
) -> None:
    assert published_from_the_past["rows"] == [1]


def test_a_snapshot_published_as_of_a_past_time_says_which_time(published_from_the_past) -> None:
    as_of = datetime.fromisoformat(published_from_the_past["as_of"])
    assert datetime.fromisoformat(published_from_the_past["publish_info_as_of"]) == as_of
    assert datetime.fromisoformat(published_from_the_past["manifest_as_of"]) == as_of


def test_a_snapshot_of_the_past_is_published_into_the_folder_asked_for(
    published_from_the_past,
) -> None:
    folder = published_from_the_past["folder"]
    assert published_from_the_past["database"] == str(folder / "pmo.duckdb")
    assert (folder / "pmo.duckdb").exists()


def test_a_time_before_the_lake_existed_says_so(run_in_lake) -> None:
    result = run_in_lake(BEFORE_THE_LAKE)
    assert result.returncode != 0
    assert "PastStateUnavailableError" in result.stderr
    assert "no snapshot at or before 2000-01-01" in result.stderr


def test_kpis_as_of_a_date_in_file_mode_names_lake_mode(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PMO_WAREHOUSE_PATH", str(tmp_path / "pmo.duckdb"))
    monkeypatch.delenv("PMO_WAREHOUSE_TARGET", raising=False)
    assert main(["kpis", "--as-of", "2026-09-30"]) == 2
    assert "needs lake mode" in capsys.readouterr().err
    assert not (tmp_path / "pmo.duckdb").exists()


def test_publish_as_of_a_date_in_file_mode_names_lake_mode_and_writes_nothing(
    tmp_path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("PMO_WAREHOUSE_PATH", str(tmp_path / "pmo.duckdb"))
    monkeypatch.delenv("PMO_WAREHOUSE_TARGET", raising=False)
    assert main(["publish", "--as-of", "2026-09-30", "--to", str(tmp_path / "q3")]) == 2
    assert "needs lake mode" in capsys.readouterr().err
    assert not (tmp_path / "q3" / "pmo.duckdb").exists()


def test_a_past_snapshot_of_a_quarter_close_is_named_by_its_date(monkeypatch) -> None:
    monkeypatch.setenv("PMO_TIMEZONE", "Europe/Paris")
    assert as_of_label(as_of_time("2026-09-30")) == "2026-09-30"


def test_a_past_snapshot_of_a_moment_is_named_by_its_time_to_the_second(monkeypatch) -> None:
    monkeypatch.setenv("PMO_TIMEZONE", "Europe/Paris")
    assert as_of_label(as_of_time("2026-09-30T18:05:07")) == "2026-09-30T180507"


def test_an_as_of_date_is_the_end_of_that_day_in_the_pmo_timezone(monkeypatch) -> None:
    monkeypatch.setenv("PMO_TIMEZONE", "Europe/Paris")
    expected = datetime(2026, 10, 1, tzinfo=ZoneInfo("Europe/Paris")) - timedelta(microseconds=1)
    assert as_of_time("2026-09-30") == expected


def test_an_as_of_timestamp_without_offset_is_in_the_pmo_timezone(monkeypatch) -> None:
    monkeypatch.setenv("PMO_TIMEZONE", "America/New_York")
    assert as_of_time("2026-09-30T18:00") == datetime(
        2026, 9, 30, 18, tzinfo=ZoneInfo("America/New_York")
    )


def test_an_as_of_that_is_no_time_is_refused() -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="neither a date"):
        as_of_time("last quarter")
