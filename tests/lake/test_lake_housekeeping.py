"""The lake's past kept bounded: DuckLake keeps every snapshot and the files they read until
expired. Housekeeping (the nightly pruning and ``pmo prune-history``) expires the snapshots
older than PMO_LAKE_SNAPSHOT_DAYS and deletes the files only they read; the latest rows stay,
and the expired past says so when asked for."""

from __future__ import annotations

import json

import pytest

# A table changed three times, then its snapshots expired with ``keep_days`` from the
# environment: what was expired and deleted, and what the lake holds and reads afterwards.
CHANGED_THEN_EXPIRED = """
import json, os, time
from datetime import datetime, timezone
from pathlib import Path
from pipelines.housekeeping import expire_lake_snapshots
from warehouse.connection import PastStateUnavailableError, connect, execute, query
from warehouse.settings import warehouse_lake, warehouse_path

def parquet_files():
    return len(list(Path(warehouse_lake().data_path).rglob("*.parquet")))

execute(warehouse_path(), "create schema marts; create table marts.t as select 1 as n")
time.sleep(0.05)
first = datetime.now(timezone.utc)
for n in (2, 3):
    execute(warehouse_path(), f"delete from marts.t; insert into marts.t values ({n})")
files_before = parquet_files()
expired = expire_lake_snapshots(warehouse_lake(), int(os.environ["KEEP_DAYS"]))
try:
    with connect(warehouse_path(), first) as con:
        past = con.execute("select n from marts.t").fetchall()[0][0]
except PastStateUnavailableError as error:
    past = str(error)
print(json.dumps({
    "snapshots_expired": expired.snapshots,
    "files_deleted": expired.files_deleted,
    "files_before": files_before,
    "files_after": parquet_files(),
    "latest": query(warehouse_path(), "select n from marts.t")["n"].tolist(),
    "past": past,
}))
"""


def _expired(run_in_lake, keep_days: int) -> dict[str, object]:
    result = run_in_lake(CHANGED_THEN_EXPIRED, {"KEEP_DAYS": str(keep_days)})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


@pytest.fixture
def expired_all_but_the_latest(run_in_lake) -> dict[str, object]:
    return _expired(run_in_lake, keep_days=0)


def test_expiring_the_lake_s_snapshots_keeps_its_latest_rows(expired_all_but_the_latest) -> None:
    assert expired_all_but_the_latest["snapshots_expired"] > 0
    assert expired_all_but_the_latest["latest"] == [3]


def test_the_files_only_expired_snapshots_read_are_deleted(expired_all_but_the_latest) -> None:
    deleted = expired_all_but_the_latest["files_deleted"]
    assert deleted > 0
    assert expired_all_but_the_latest["files_after"] == (
        expired_all_but_the_latest["files_before"] - deleted
    )


def test_an_expired_past_says_it_may_have_been_expired(expired_all_but_the_latest) -> None:
    assert "expired (PMO_LAKE_SNAPSHOT_DAYS)" in expired_all_but_the_latest["past"]


def test_snapshots_younger_than_the_days_kept_stay_readable(run_in_lake) -> None:
    kept = _expired(run_in_lake, keep_days=1)
    assert (kept["snapshots_expired"], kept["files_deleted"]) == (0, 0)
    assert kept["past"] == 1
