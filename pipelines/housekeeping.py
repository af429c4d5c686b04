"""Pruning Dagster's run history, which Dagster OSS keeps forever.

Every run leaves its event log (a SQLite file per run in ``$DAGSTER_HOME/history/runs``, about
5 MB per full refresh, or rows in PostgreSQL's ``event_logs``) and its steps' compute logs
(``$DAGSTER_HOME/storage/<run id>``); the
instance's ``retention`` settings purge only sensor and schedule ticks. Finished runs older than
``pmo_run_history_days`` are deleted with both, except:

- unfinished runs (queued, starting, running, cancelling), whatever their age;
- every run holding an asset's latest materialisation, observation, planned or failed
  materialisation or latest run, or an asset check's latest execution: the UI shows them, and
  the freshness checks and the declarative automation conditions read them.

dlt keeps every loaded package too (``<pipelines dir>/<pipeline>/load/loaded/<load id>``): its
job files are deleted once loaded (``[load] delete_completed_jobs`` in ``.dlt/config.toml``),
and the package itself, its schema and state, after the same number of days.

In lake mode, DuckLake keeps every snapshot, and every Parquet file one of them reads, until
expired: each load and build adds both, for ever. Snapshots older than
``pmo_lake_snapshot_days`` (a year and a quarter by default: last year's quarter closes stay
readable with ``--as-of``) are expired and the files only they read deleted.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dlt.common.configuration import configspec, resolve_configuration
from dlt.common.configuration.specs import BaseConfiguration
from dlt.common.storages import LoadStorage

from warehouse.connection import LAKE_ALIAS, attach_lake
from warehouse.settings import Lake, warehouse_lake

FINISHED = [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED]
CHECK_EVENTS = {
    dg.DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED,
    dg.DagsterEventType.ASSET_CHECK_EVALUATION,
}
# dagster-dbt's folder for a dbt command in a run: ``<op>-<run id[:7]>-<uuid[:7]>``.
DBT_RUN_FOLDER = re.compile(r".+-(?P<run>[0-9a-f]{7})-[0-9a-f]{7}")
# What a failed command's folder holds to be kept (``pipelines.defs.transforms``).
FAILED_MARKER = "FAILED"
# SQLite keeps a write-ahead log and a shared-memory index beside each run's file.
SQLITE_SUFFIXES = ("", "-wal", "-shm")


@configspec
class HousekeepingSettings(BaseConfiguration):
    pmo_run_history_days: int = 30
    """Finished Dagster runs older than this many days are deleted (``pmo prune-history``)."""
    pmo_lake_snapshot_days: int = 460
    """Lake mode: snapshots older than this many days are expired; ``--as-of`` reads no
    further back."""


def run_history_days() -> int:
    """Days of run history kept (``PMO_RUN_HISTORY_DAYS``)."""
    return resolve_configuration(HousekeepingSettings()).pmo_run_history_days


def lake_snapshot_days() -> int:
    """Days of the lake's past kept readable (``PMO_LAKE_SNAPSHOT_DAYS``)."""
    return resolve_configuration(HousekeepingSettings()).pmo_lake_snapshot_days


@dataclass(frozen=True)
class ExpiredSnapshots:
    """What expiring the lake's old snapshots did: snapshots expired, data files deleted."""

    snapshots: int
    files_deleted: int

    def describe(self, keep_days: int) -> str:
        return (
            f"{self.snapshots} lake snapshots older than {keep_days} days expired, "
            f"{self.files_deleted} data files no snapshot reads deleted"
        )


def expire_lake_snapshots(
    lake: Lake, keep_days: int, now: datetime | None = None
) -> ExpiredSnapshots:
    """Expire the snapshots of ``lake`` taken more than ``keep_days`` days before ``now`` (the
    latest always stays) and delete the data files no snapshot left reads."""
    with duckdb.connect(":memory:") as con:
        attach_lake(con, lake)
        # Fetched, not counted: a count(*) over them runs neither function's work.
        snapshots = con.execute(
            f"select snapshot_id from ducklake_expire_snapshots('{LAKE_ALIAS}', older_than => ?)",
            [_cutoff(keep_days, now)],
        ).fetchall()
        files = con.execute(
            f"select path from ducklake_cleanup_old_files('{LAKE_ALIAS}', cleanup_all => true)"
        ).fetchall()
    return ExpiredSnapshots(len(snapshots), len(files))


def expire_configured_lake() -> ExpiredSnapshots | None:
    """In lake mode, the lake's snapshots expired as ``PMO_LAKE_SNAPSHOT_DAYS`` says; in file
    mode (one state, no snapshots) nothing."""
    lake = warehouse_lake()
    return expire_lake_snapshots(lake, lake_snapshot_days()) if lake else None


@dataclass(frozen=True)
class Pruned:
    """What a prune did: the runs deleted, the old runs kept for a latest result, bytes freed."""

    deleted: list[str]
    kept: list[str]
    freed_bytes: int


def prune_run_history(
    instance: dg.DagsterInstance, keep_days: int, now: datetime | None = None
) -> Pruned:
    """Delete the finished runs of ``instance`` last updated more than ``keep_days`` days
    before ``now``, with their event logs and compute logs, but none holding a latest
    result."""
    home = Path(instance.root_directory)
    old = [
        record.dagster_run.run_id
        for record in instance.get_run_records(
            dg.RunsFilter(statuses=FINISHED, updated_before=_cutoff(keep_days, now))
        )
    ]
    holding = runs_holding_latest_results(instance, old)
    deleted = [run_id for run_id in old if run_id not in holding]
    freed = sum(_size_of_run_files(home, run_id) for run_id in deleted)
    for run_id in deleted:
        instance.delete_run(run_id)
        instance.compute_log_manager.delete_logs(prefix=[run_id])
        # Dagster empties a run's own SQLite file but leaves it on disk.
        for path in _event_log_files(instance, run_id):
            path.unlink(missing_ok=True)
    kept = [run_id for run_id in old if run_id in holding]
    return Pruned(deleted, kept, freed)


def prune_loaded_packages(
    pipelines_dir: Path, keep_days: int, now: datetime | None = None
) -> list[str]:
    """Delete dlt's loaded packages older than ``keep_days`` days, returning their load ids.

    Their rows are in the warehouse, each load's record in its ``_dlt_loads`` table and in the
    Dagster run that loaded it. Packages not loaded yet (``load/normalized``, which the next
    load retries after a failure) are never touched."""
    cutoff = _cutoff(keep_days, now).timestamp()
    deleted = []
    for package in sorted(pipelines_dir.glob(f"*/load/{LoadStorage.LOADED_FOLDER}/*")):
        if _load_time(package.name) < cutoff:
            shutil.rmtree(package)
            deleted.append(package.name)
    return deleted


def prune_dbt_run_folders(instance: dg.DagsterInstance, target_dir: Path) -> list[str]:
    """Delete the dbt folders left by runs that were killed (``kill -9``, OOM, a reboot) while
    dbt ran, returning their names; before ``prune_run_history`` deletes those runs.

    A run's dbt step removes its own folder, or marks it kept when dbt failed; a killed step
    can do neither, and its run is marked failed afterwards (by the next ``pmo`` command or
    the daemon's run monitoring). Only folders of this instance's finished runs go: an
    unfinished run, or another ``DAGSTER_HOME``'s run on the same checkout, may be using the
    others."""
    finished = {
        record.dagster_run.run_id[:7]
        for record in instance.get_run_records(dg.RunsFilter(statuses=FINISHED))
    }
    deleted = []
    for folder in sorted(target_dir.iterdir() if target_dir.is_dir() else []):
        match = DBT_RUN_FOLDER.fullmatch(folder.name)
        if (
            match
            and folder.is_dir()
            and match["run"] in finished
            and not (folder / FAILED_MARKER).exists()
        ):
            shutil.rmtree(folder, ignore_errors=True)
            deleted.append(folder.name)
    return deleted


def _load_time(load_id: str) -> float:
    """A load id is the Unix time its package was created; anything else is never pruned."""
    try:
        return float(load_id)
    except ValueError:
        return float("inf")


def _cutoff(keep_days: int, now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)) - timedelta(days=keep_days)


def runs_holding_latest_results(instance: dg.DagsterInstance, run_ids: Iterable[str]) -> set[str]:
    """Those of ``run_ids`` holding an asset's or an asset check's latest result."""
    latest = set()
    for record in instance.get_asset_records():
        entry = record.asset_entry
        latest.update(
            {
                entry.last_run_id,
                entry.last_planned_materialization_run_id,
                *(
                    event_record.event_log_entry.run_id
                    for event_record in (
                        entry.last_materialization_record,
                        entry.last_observation_record,
                        entry.last_failed_to_materialize_record,
                    )
                    if event_record is not None
                ),
            }
        )
    checks = {
        event.dagster_event.event_specific_data.asset_check_key
        for run_id in run_ids
        for event in instance.all_logs(run_id, of_type=CHECK_EVENTS)
        if event.dagster_event is not None
    }
    executions = instance.event_log_storage.get_latest_asset_check_execution_by_key(list(checks))
    latest.update(execution.run_id for execution in executions.values())
    return latest & set(run_ids)


def _size_of_run_files(home: Path, run_id: str) -> int:
    """Bytes of a run's own files: its event log and its steps' compute logs, named by its id
    (the shared index's freed pages are reused, not returned to the disk)."""
    return sum(
        path.stat().st_size
        for named in home.rglob(f"*{run_id}*")
        for path in ([named] if named.is_file() else named.rglob("*"))
        if path.is_file()
    )


def _event_log_files(instance: dg.DagsterInstance, run_id: str) -> list[Path]:
    storage = instance.event_log_storage
    if not isinstance(storage, SqliteEventLogStorage):
        return []  # a database server's tables: delete_run removes the rows
    return [Path(storage.path_for_shard(run_id) + suffix) for suffix in SQLITE_SUFFIXES]
