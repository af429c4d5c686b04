"""The warehouse resource names the one file dlt loads, dbt builds and the checks read."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import duckdb
import pytest
from dagster_dbt import DbtCliResource

from pipelines.defs.resources import DBT_PROJECT, INTERPRETER_DBT, Warehouse
from warehouse.settings import WAREHOUSE_PATH_ENV


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    return Warehouse(path=str(tmp_path / "resource.duckdb"))


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Another file named by the environment, which the resource must win over."""
    path = tmp_path / "environment.duckdb"
    monkeypatch.setenv(WAREHOUSE_PATH_ENV, str(path))
    return path


def test_the_configured_warehouse_follows_the_settings(tmp_path: Path, elsewhere: Path) -> None:
    assert Warehouse.configured().database == elsewhere


def test_dbt_opens_the_resources_file_not_the_environments(
    warehouse: Warehouse, elsewhere: Path, tmp_path: Path
) -> None:
    dbt = DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=INTERPRETER_DBT)
    dbt.cli(["debug", *warehouse.dbt_vars()], target_path=tmp_path / "target").wait()
    assert warehouse.database.exists()
    assert not elsewhere.exists()


def test_dlt_loads_into_the_resources_file_with_its_state_beside_it(
    warehouse: Warehouse, elsewhere: Path
) -> None:
    pipeline = warehouse.dlt_pipeline("probe", "raw_probe")
    pipeline.run([{"id": 1}, {"id": 2}], table_name="rows")
    assert warehouse.row_counts({"rows": ("raw_probe", "rows")}) == {"rows": 2}
    assert Path(pipeline.pipelines_dir).is_relative_to(warehouse.database.parent)
    assert not elsewhere.exists()


def test_row_counts_come_in_one_answer_per_table(warehouse: Warehouse) -> None:
    with duckdb.connect(str(warehouse.database)) as con:
        con.execute("create table a as select * from range(3); create table b (x int)")
    assert warehouse.row_counts({"first": ("main", "a"), "second": ("main", "b")}) == {
        "first": 3,
        "second": 0,
    }
    assert warehouse.row_counts({}) == {}


def _create_pipeline(path: str) -> None:
    Warehouse(path=path).dlt_pipeline("probe", "raw_probe")


def test_processes_starting_together_on_a_fresh_install_all_get_the_pipeline(
    tmp_path: Path,
) -> None:
    """Every process importing the definitions creates the dlt pipelines; on a fresh clone
    two test workers did it at once and one failed with ``FileExistsError``."""
    for attempt in range(5):
        path = str(tmp_path / f"fresh{attempt}" / "warehouse.duckdb")
        with ProcessPoolExecutor(max_workers=6, mp_context=get_context("fork")) as pool:
            results = [pool.submit(_create_pipeline, path) for _ in range(6)]
            for result in results:
                result.result()
