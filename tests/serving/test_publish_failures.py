"""A publish that fails (full disk, killed process) changes nothing BI tools see, and the next
publish cleans up after it."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from warehouse.publishing import snapshot
from warehouse.publishing.paths import (
    RELEASE_ENTRIES,
    current_release_link,
    releases_dir,
    serving_database_path,
    serving_dir,
    serving_manifest_path,
)
from warehouse.publishing.snapshot import PublishInProgressError, publish_snapshot
from warehouse.settings import REPO_ROOT

from .synthetic import SYNTHETIC_TABLES, build_synthetic_marts

SMALL_ROWS, LARGE_ROWS = 1_000, 100_000
# Each disk size lets a first publish of SMALL_ROWS in and runs out during one of LARGE_ROWS,
# at a different step (the DuckDB file, its checkpoint, a Parquet file).
DISK_SIZES = ("3m", "5m", "6m")
KILLED_ROWS = 1_000_000
# Rows whose DuckDB table outgrows a 1 MB disk while it is written, before any commit.
OVERSIZED_ROWS = 1_000_000
WAIT_SECONDS = 60


@dataclass
class SmallDisk:
    """A serving folder on a small tmpfs; where mounting is not allowed, a full disk is
    simulated instead: the DuckDB checkpoint (``detach``) fails with ENOSPC once filled."""

    warehouse: Path
    mounted: bool
    full: bool = False

    def fill(self) -> None:
        """The next large publish runs out of space (on tmpfs, its size already sees to it)."""
        self.full = True

    def grow(self) -> None:
        """Room again (a larger tmpfs, or the simulation switched off)."""
        if self.mounted:
            remount = ["mount", "-o", "remount,size=64m", str(serving_dir(self.warehouse))]
            subprocess.run(remount, check=True)
        self.full = False


class _FullDiskConnection:
    """A DuckDB connection whose checkpoint fails as on a full disk, while ``disk.full``."""

    def __init__(self, connection: duckdb.DuckDBPyConnection, disk: SmallDisk) -> None:
        self._connection, self._disk = connection, disk

    def __enter__(self) -> _FullDiskConnection:
        return self

    def __exit__(self, *_: object) -> None:
        self._connection.close()

    def execute(self, statement: str, *args: object) -> object:
        if self._disk.full and statement.lstrip().lower().startswith("detach"):
            self._connection.execute(statement)
            raise duckdb.IOException(os.strerror(errno.ENOSPC))
        return self._connection.execute(statement, *args)

    def __getattr__(self, name: str) -> object:
        return getattr(self._connection, name)


@pytest.fixture(params=DISK_SIZES)
def small_disk(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SmallDisk]:
    warehouse = tmp_path / "pmo.duckdb"
    folder = serving_dir(warehouse)
    folder.mkdir()
    mount = ["mount", "-t", "tmpfs", "-o", f"size={request.param}", "tmpfs", str(folder)]
    mounted = subprocess.run(mount, capture_output=True, check=False).returncode == 0
    disk = SmallDisk(warehouse, mounted)
    if not mounted:
        connect = duckdb.connect
        monkeypatch.setattr(
            snapshot.duckdb, "connect", lambda *a, **k: _FullDiskConnection(connect(*a, **k), disk)
        )
    try:
        yield disk
    finally:
        if mounted:
            subprocess.run(["umount", "--lazy", str(folder)], check=True)


@dataclass(frozen=True)
class ServingView:
    """What a BI tool reads through the stable paths: the run each file names, and per table
    the rows the manifest, the DuckDB snapshot and the Parquet file hold."""

    runs: set[str]
    rows: dict[str, tuple[int, int, int]]

    @property
    def disagreeing_tables(self) -> list[str]:
        return [name for name, counts in self.rows.items() if len(set(counts)) > 1]


def serving_view(warehouse: Path) -> ServingView:
    folder = serving_dir(warehouse)
    manifest = json.loads(serving_manifest_path(warehouse).read_text())
    with duckdb.connect(str(serving_database_path(warehouse)), read_only=True) as con:
        info = con.execute("select table_name, row_count, source_run from publish_info").fetchall()
        read = {n: con.execute(f'select count(*) from "{n}"').fetchone()[0] for n, *_ in info}
    rows = {
        table["name"]: (
            table["rows"],
            read.get(table["name"], len(info)),  # publish_info does not count itself
            pq.ParquetFile(folder / table["parquet"]).metadata.num_rows,
        )
        for table in manifest["tables"]
    }
    return ServingView({manifest["source_run"], *(run for *_, run in info)}, rows)


def staged(warehouse: Path) -> list[str]:
    """Names of unfinished publishes in the serving folder."""
    folder = serving_dir(warehouse)
    return sorted(p.name for p in [*folder.glob(".*"), *releases_dir(warehouse).glob(".*")])


@pytest.fixture
def failed_publish(small_disk: SmallDisk) -> SmallDisk:
    """A whole first publish, then one that runs out of disk."""
    warehouse = small_disk.warehouse
    publish_snapshot(build_synthetic_marts(warehouse, SMALL_ROWS), SYNTHETIC_TABLES, "run-1")
    small_disk.fill()
    build_synthetic_marts(warehouse, LARGE_ROWS)
    with pytest.raises((OSError, duckdb.IOException, duckdb.TransactionException)) as failed:
        publish_snapshot(warehouse, SYNTHETIC_TABLES, "run-2")
    assert "No space left on device" in str(failed.value)
    return small_disk


def test_a_full_disk_leaves_the_previous_publish_whole(failed_publish: SmallDisk) -> None:
    view = serving_view(failed_publish.warehouse)
    assert view.runs == {"run-1"}
    assert view.disagreeing_tables == []
    assert view.rows["orders_by_day"] == (SMALL_ROWS,) * 3


@pytest.mark.parametrize("small_disk", ["1m"], indirect=True)
def test_a_table_outgrowing_the_disk_fails_naming_the_full_disk(small_disk: SmallDisk) -> None:
    small_disk.fill()
    build_synthetic_marts(small_disk.warehouse, OVERSIZED_ROWS)
    with pytest.raises(duckdb.Error, match="No space left on device"):
        publish_snapshot(small_disk.warehouse, SYNTHETIC_TABLES, "run-1")


def test_a_full_disk_leaves_nothing_half_written(failed_publish: SmallDisk) -> None:
    assert staged(failed_publish.warehouse) == []
    assert len(list(releases_dir(failed_publish.warehouse).iterdir())) == 1


def test_the_next_publish_with_room_again_succeeds(failed_publish: SmallDisk) -> None:
    failed_publish.grow()
    publish_snapshot(failed_publish.warehouse, SYNTHETIC_TABLES, "run-3")
    view = serving_view(failed_publish.warehouse)
    assert view.runs == {"run-3"}
    assert view.rows["orders_by_day"] == (LARGE_ROWS,) * 3


def test_bi_paths_are_relative_links_through_current(tmp_path: Path) -> None:
    warehouse = build_synthetic_marts(tmp_path / "pmo.duckdb", SMALL_ROWS)
    publication = publish_snapshot(warehouse, SYNTHETIC_TABLES, "run-1")
    folder = serving_dir(warehouse)
    links = {name: os.readlink(folder / name) for name in RELEASE_ENTRIES}
    assert links == {name: f"current/{name}" for name in RELEASE_ENTRIES}
    assert os.readlink(current_release_link(warehouse)) == f"releases/{publication.release.name}"


def test_a_serving_folder_of_the_single_file_layout_is_taken_over(tmp_path: Path) -> None:
    """Files published before releases existed are replaced by the links on the next publish."""
    warehouse = build_synthetic_marts(tmp_path / "pmo.duckdb", SMALL_ROWS)
    folder = serving_dir(warehouse)
    (folder / "parquet").mkdir(parents=True)
    (folder / "parquet" / "orders_by_day.parquet").write_bytes(b"old")
    (folder / "pmo.duckdb").write_bytes(b"old")
    (folder / "manifest.json").write_text("{}")
    publish_snapshot(warehouse, SYNTHETIC_TABLES, "run-1")
    assert serving_view(warehouse).runs == {"run-1"}
    assert all((folder / name).is_symlink() for name in RELEASE_ENTRIES)


def start_publisher(warehouse: Path, mode: str = "loop") -> subprocess.Popen:
    """A publisher process (see publisher.py), returned once it is inside a publish."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.serving.publisher", str(warehouse), mode], cwd=REPO_ROOT
    )
    deadline = time.monotonic() + WAIT_SECONDS
    while not staged(warehouse):
        assert process.poll() is None, "the publisher exited"
        assert time.monotonic() < deadline, "the publisher never started a publish"
        time.sleep(0.01)
    return process


@pytest.fixture
def killed_publish(tmp_path: Path) -> Path:
    """A publish killed (SIGKILL) while writing its release; returns the warehouse."""
    warehouse = build_synthetic_marts(tmp_path / "pmo.duckdb", KILLED_ROWS)
    for _ in range(3):  # the kill may land between two publishes: then try again
        process = start_publisher(warehouse)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=WAIT_SECONDS)
        if staged(warehouse):
            return warehouse
    pytest.fail("no kill landed inside a publish")


def test_the_next_publish_removes_what_a_killed_publish_left(
    killed_publish: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    leftovers = staged(killed_publish)
    monkeypatch.setattr(snapshot, "PUBLISH_LOCK_TIMEOUT_SECONDS", 5.0)  # the dead hold nothing
    publication = publish_snapshot(killed_publish, SYNTHETIC_TABLES, "after-the-kill")
    assert staged(killed_publish) == []
    assert set(leftovers) <= set(publication.removed)
    assert serving_view(killed_publish).runs == {"after-the-kill"}


def test_staging_files_of_the_single_file_layout_are_removed(tmp_path: Path) -> None:
    """What a publish killed before the upgrade left beside ``pmo.duckdb``."""
    warehouse = build_synthetic_marts(tmp_path / "pmo.duckdb", SMALL_ROWS)
    folder = serving_dir(warehouse)
    folder.mkdir()
    for name in (".pmo.duckdb.0123abcd.publishing", ".pmo.duckdb.0123abcd.publishing.wal"):
        (folder / name).write_bytes(b"partial")
    publish_snapshot(warehouse, SYNTHETIC_TABLES, "run-1")
    assert staged(warehouse) == []


def test_a_live_publish_is_waited_for_and_its_files_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = build_synthetic_marts(tmp_path / "pmo.duckdb", SMALL_ROWS)
    other = start_publisher(warehouse, "hold")
    try:
        in_progress = staged(warehouse)
        monkeypatch.setattr(snapshot, "PUBLISH_LOCK_TIMEOUT_SECONDS", 0.5)
        with pytest.raises(PublishInProgressError):
            publish_snapshot(warehouse, SYNTHETIC_TABLES, "impatient")
        assert staged(warehouse) == in_progress
    finally:
        other.kill()
        other.wait(timeout=WAIT_SECONDS)
