"""The instance storage the repository's dagster.yaml configures: Dagster's SQLite files, with
event writes that keep their connection open and do not wait for the disk."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.events import DagsterEvent, DagsterEventType, StepMaterializationData
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage

from pipelines.events.instance_storage import PooledSqliteEventLogStorage
from pipelines.instance import INSTANCE_SETTINGS

ASSET = dg.AssetKey(["raw_jira", "issues"])


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("dagster_home")


@pytest.fixture(scope="module")
def instance(home: Path) -> Iterator[dg.DagsterInstance]:
    """An instance in a fresh DAGSTER_HOME holding the repository's dagster.yaml (shared by
    the tests, each writing runs of its own)."""
    shutil.copy(INSTANCE_SETTINGS, home / "dagster.yaml")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DAGSTER_HOME", str(home))
        with dg.DagsterInstance.get() as instance:
            yield instance


def materialization(run_id: str, rows: int) -> EventLogEntry:
    event = DagsterEvent(
        event_type_value=DagsterEventType.ASSET_MATERIALIZATION.value,
        job_name="jira_incremental",
        event_specific_data=StepMaterializationData(
            dg.AssetMaterialization(asset_key=ASSET, metadata={"dagster/row_count": rows})
        ),
    )
    return EventLogEntry(
        error_info=None,
        level=20,
        user_message="",
        run_id=run_id,
        timestamp=time.time(),
        dagster_event=event,
        job_name="jira_incremental",
    )


def test_the_repository_instance_uses_the_pooled_event_log(instance) -> None:
    assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)


def test_stored_events_are_read_back_by_run_and_across_runs(instance) -> None:
    instance.event_log_storage.store_event(materialization("read-a", 3))
    instance.event_log_storage.store_event(materialization("read-b", 5))

    assert len(instance.all_logs("read-a")) == 1
    latest = instance.get_latest_materialization_event(ASSET)
    assert latest.asset_materialization.metadata["dagster/row_count"].value == 5


def test_events_are_in_dagsters_own_files(instance, home: Path) -> None:
    """Another process (or Dagster's stock storage) reads what this one wrote: the layout and
    the schema are Dagster's."""
    instance.event_log_storage.store_event(materialization("layout", 3))

    stock = SqliteEventLogStorage(str(home / "history" / "runs"))
    assert [entry.run_id for entry in stock.get_logs_for_run("layout")] == ["layout"]


def test_writes_do_not_wait_for_the_disk(instance, home: Path) -> None:
    instance.event_log_storage.store_event(materialization("disk", 3))

    with instance.event_log_storage.run_connection("disk") as conn:
        assert conn.exec_driver_sql("pragma synchronous").scalar() == 1  # NORMAL
    with sqlite3.connect(home / "history" / "runs" / "disk.db") as conn:
        assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_a_stored_event_touches_its_runs_file_for_the_webservers_watchers(
    instance, home: Path
) -> None:
    instance.event_log_storage.store_event(materialization("watched", 3))
    run_file = home / "history" / "runs" / "watched.db"
    os.utime(run_file, (0, 0))

    instance.event_log_storage.store_event(materialization("watched", 4))

    assert run_file.stat().st_mtime > 0


def test_connections_stay_open_to_the_most_recently_used_shards_only(
    instance, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pipelines.events.instance_storage.OPEN_SHARDS", 2)
    for name in ("first", "second", "third"):
        instance.event_log_storage.store_event(materialization(name, 1))

    engines = instance.event_log_storage._engines
    assert len(engines) == 2
    assert "third" in engines
    assert "first" not in engines
