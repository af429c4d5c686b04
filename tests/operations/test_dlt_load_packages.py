"""dlt's working folder beside the warehouse does not grow with every load: a loaded package
keeps no job files, and packages older than the retention are pruned; a package not loaded yet
stays, and the next load still loads it.

One history on a real dlt pipeline into a temporary warehouse: two loads, then a third package
extracted and normalised but not loaded (a load that failed), then two prunes: keeping 30
days, keeping none.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dlt
import duckdb
import pytest

from pipelines.defs.resources import Warehouse
from pipelines.housekeeping import prune_loaded_packages
from warehouse.settings import dlt_pipelines_dir

ROWS = 2000


@dlt.resource(primary_key="id", write_disposition="merge")
def items(version: int):
    yield [{"id": i, "version": version, "text": "x" * 50} for i in range(ROWS)]


@dataclass(frozen=True)
class Loads:
    pipelines_dir: Path
    warehouse: Path
    job_files_after_two_loads: list[Path]
    recent: list[str]
    old: list[str]
    left_after_prune: list[str]
    pending_after_prune: list[str]
    versions_after_next_load: set[int]


def _loaded(pipelines_dir: Path) -> list[str]:
    return sorted(path.name for path in pipelines_dir.glob("*/load/loaded/*"))


@pytest.fixture(scope="module")
def loads(tmp_path_factory: pytest.TempPathFactory) -> Loads:
    warehouse = Warehouse(path=str(tmp_path_factory.mktemp("warehouse") / "pmo.duckdb"))
    pipelines_dir = dlt_pipelines_dir(warehouse.database)
    pipeline = warehouse.dlt_pipeline("pmo_packages", "packages")
    for version in (1, 2):
        pipeline.run(items(version))
    job_files = [
        path for path in pipelines_dir.glob("*/load/loaded/*/completed_jobs/*") if path.is_file()
    ]
    pipeline.extract(items(3))
    pipeline.normalize()
    recent = prune_loaded_packages(pipelines_dir, keep_days=30)
    old = prune_loaded_packages(pipelines_dir, 0, datetime.now(UTC) + timedelta(days=1))
    left, pending = _loaded(pipelines_dir), list(pipeline.list_normalized_load_packages())
    pipeline.load()
    with duckdb.connect(str(warehouse.database), read_only=True) as con:
        versions = {v for (v,) in con.sql("select distinct version from packages.items").fetchall()}
    return Loads(pipelines_dir, warehouse.database, job_files, recent, old, left, pending, versions)


def test_a_loaded_package_keeps_no_job_files(loads: Loads) -> None:
    assert loads.job_files_after_two_loads == []


def test_packages_within_the_retention_are_kept(loads: Loads) -> None:
    assert loads.recent == []


def test_packages_older_than_the_retention_are_deleted(loads: Loads) -> None:
    assert len(loads.old) == 2
    assert loads.left_after_prune == []


def test_a_package_not_loaded_yet_is_kept_and_loads_next_time(loads: Loads) -> None:
    assert len(loads.pending_after_prune) == 1
    assert loads.versions_after_next_load == {3}
