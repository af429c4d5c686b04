"""The warehouse target is one setting: the DuckDB file unless ``ducklake`` is asked for,
with the catalog (a secret) and the data path beside it."""

from __future__ import annotations

import pytest

from warehouse.settings import REPO_ROOT, Lake, WarehouseTargetError, warehouse_lake

CATALOG = "dbname=pmo_lake host=db.example.com user=pmo password=s3cret-catalog"


def test_the_default_target_is_the_duckdb_file(monkeypatch) -> None:
    monkeypatch.delenv("PMO_WAREHOUSE_TARGET", raising=False)
    assert warehouse_lake() is None


def test_ducklake_names_the_catalog_and_a_repository_relative_data_folder(monkeypatch) -> None:
    monkeypatch.setenv("PMO_WAREHOUSE_TARGET", "ducklake")
    monkeypatch.setenv("PMO_LAKE_CATALOG", CATALOG)
    monkeypatch.delenv("PMO_LAKE_DATA_PATH", raising=False)
    assert warehouse_lake() == Lake(CATALOG, f"{REPO_ROOT / 'warehouse' / 'lake'}/")


def test_an_object_storage_data_path_is_passed_through(monkeypatch) -> None:
    monkeypatch.setenv("PMO_WAREHOUSE_TARGET", "ducklake")
    monkeypatch.setenv("PMO_LAKE_CATALOG", CATALOG)
    monkeypatch.setenv("PMO_LAKE_DATA_PATH", "s3://pmo-bucket/lake/")
    assert warehouse_lake().data_path == "s3://pmo-bucket/lake/"


def test_ducklake_without_a_catalog_names_the_missing_setting(monkeypatch) -> None:
    monkeypatch.setenv("PMO_WAREHOUSE_TARGET", "ducklake")
    monkeypatch.delenv("PMO_LAKE_CATALOG", raising=False)
    with pytest.raises(WarehouseTargetError, match="PMO_LAKE_CATALOG is not set"):
        warehouse_lake()


def test_an_unknown_target_is_refused(monkeypatch) -> None:
    monkeypatch.setenv("PMO_WAREHOUSE_TARGET", "iceberg")
    with pytest.raises(WarehouseTargetError, match="file or ducklake"):
        warehouse_lake()


def test_the_catalog_never_shows_in_the_lake_s_representation(monkeypatch) -> None:
    monkeypatch.setenv("PMO_WAREHOUSE_TARGET", "ducklake")
    monkeypatch.setenv("PMO_LAKE_CATALOG", CATALOG)
    assert "s3cret" not in repr(warehouse_lake())
