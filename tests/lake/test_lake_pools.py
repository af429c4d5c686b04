"""Which Dagster pool a warehouse writer's steps take: one pool for all in file mode (DuckDB
allows one writer), one per writer in lake mode (the catalog takes several), every one of them
admitting one step at a time."""

from __future__ import annotations

import os
from pathlib import Path
from unittest.mock import patch

import dagster as dg
import pytest

from pipelines.instance import INSTANCE_SETTINGS, InstanceSettingsError, check_instance_settings
from pipelines.settings import (
    DBT_WRITER,
    DUCKDB_POOL,
    RAW_WRITERS,
    SERVING_WRITER,
    WRITERS,
    schema_writer,
    warehouse_pool,
    warehouse_pools,
)

LAKE_SETTINGS = {"PMO_WAREHOUSE_TARGET": "ducklake", "PMO_LAKE_CATALOG": "dbname=pmo_lake"}


@pytest.fixture
def lake_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in LAKE_SETTINGS.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def instance(tmp_path: Path):
    """An instance with the repository's settings (every pool's limit 1) in tmp."""
    (tmp_path / "dagster.yaml").write_text(INSTANCE_SETTINGS.read_text())
    with (
        patch.dict(os.environ, {"DAGSTER_HOME": str(tmp_path)}),
        dg.DagsterInstance.from_config(str(tmp_path)) as instance,
    ):
        yield instance


def test_every_writer_takes_the_single_writer_pool_in_file_mode() -> None:
    assert {warehouse_pool(writer) for writer in WRITERS} == {DUCKDB_POOL}
    assert warehouse_pools() == [DUCKDB_POOL]


@pytest.mark.usefixtures("lake_mode")
def test_each_writer_has_a_pool_of_its_own_in_lake_mode() -> None:
    pools = [warehouse_pool(writer) for writer in WRITERS]
    assert len(set(pools)) == len(WRITERS)
    assert DUCKDB_POOL not in pools
    assert warehouse_pool("raw_jira") == "lake_raw_jira"
    assert sorted(pools) == warehouse_pools()


def test_a_raw_dataset_is_written_by_its_load_and_every_other_schema_by_dbt() -> None:
    assert [schema_writer(schema) for schema in RAW_WRITERS] == list(RAW_WRITERS)
    assert {schema_writer(schema) for schema in ("staging", "marts", "quality")} == {DBT_WRITER}


def test_a_writer_without_a_pool_is_refused() -> None:
    with pytest.raises(ValueError, match="no warehouse writer"):
        warehouse_pool("raw_elsewhere")


@pytest.mark.usefixtures("lake_mode")
def test_the_repository_settings_give_every_lake_pool_one_step(instance) -> None:
    check_instance_settings(instance)
    for pool in warehouse_pools():
        assert instance.event_log_storage.get_concurrency_info(pool).limit == 1


@pytest.mark.usefixtures("lake_mode")
def test_a_lake_pool_given_more_than_one_step_is_refused(instance) -> None:
    pool = warehouse_pool(SERVING_WRITER)
    instance.event_log_storage.set_concurrency_slots(pool, 2)
    with pytest.raises(InstanceSettingsError, match=pool):
        check_instance_settings(instance)


def test_file_mode_still_refuses_more_than_one_warehouse_step(instance) -> None:
    instance.event_log_storage.set_concurrency_slots(DUCKDB_POOL, 2)
    with pytest.raises(InstanceSettingsError, match=DUCKDB_POOL):
        check_instance_settings(instance)
