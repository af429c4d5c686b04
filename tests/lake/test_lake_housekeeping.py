"""The lake's past kept bounded: DuckLake keeps every snapshot and the files they read until
expired. Housekeeping (the nightly pruning and ``pmo prune-history``) expires the snapshots
older than PMO_LAKE_SNAPSHOT_DAYS and deletes the files only they read; the latest rows stay,
and the expired past says so when asked for."""

from __future__ import annotations

import json

import pytest

# A table changed three times, then its snapshots expired keeping a day (none is that old),
# then keeping none: what each expired and deleted, and what the lake holds and reads after.
CHANGED_THEN_EXPIRED = """
import json, time
from datetime import datetime, timezone
from pathlib import Path
from pipelines.housekeeping import expire_lake_snapshots
from warehouse.connection import PastStateUnavailableError, connect, execute, query
from warehouse.settings import warehouse_lake, warehouse_path

def parquet_files():
    return len(list(Path(warehouse_lake().data_path).rglob("*.parquet")))

def past():
    try:
        with connect(warehouse_path(), first) as con:
            return con.execute("select n from marts.t").fetchall()[0][0]
    except PastStateUnavailableError as error:
        return str(error)

def expired(keep_days):
    done = expire_lake_snapshots(warehouse_lake(), keep_days)
    return {"snapshots": done.snapshots, "files_deleted": done.files_deleted, "past": past()}

execute(warehouse_path(), "create schema marts; create table marts.t as select 1 as n")
time.sleep(0.05)
first = datetime.now(timezone.utc)
for n in (2, 3):
    execute(warehouse_path(), f"delete from marts.t; insert into marts.t values ({n})")
files_before = parquet_files()
print(json.dumps({
    "kept_a_day": expired(1),
    "kept_none": {**expired(0), "files_before": files_before, "files_after": parquet_files()},
    "latest": query(warehouse_path(), "select n from marts.t")["n"].tolist(),
}))
"""


@pytest.fixture(scope="module")
def expiries(run_in_module_lake) -> dict[str, dict]:
    result = run_in_module_lake(CHANGED_THEN_EXPIRED)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_snapshots_younger_than_the_days_kept_stay_readable(expiries) -> None:
    kept = expiries["kept_a_day"]
    assert (kept["snapshots"], kept["files_deleted"]) == (0, 0)
    assert kept["past"] == 1


def test_expiring_the_lake_s_snapshots_keeps_its_latest_rows(expiries) -> None:
    assert expiries["kept_none"]["snapshots"] > 0
    assert expiries["latest"] == [3]


def test_the_files_only_expired_snapshots_read_are_deleted(expiries) -> None:
    expired = expiries["kept_none"]
    assert expired["files_deleted"] > 0
    assert expired["files_after"] == expired["files_before"] - expired["files_deleted"]


def test_an_expired_past_says_it_may_have_been_expired(expiries) -> None:
    assert "expired (PMO_LAKE_SNAPSHOT_DAYS)" in expiries["kept_none"]["past"]
