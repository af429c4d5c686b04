"""The warehouse target is one setting: the DuckDB file unless ``ducklake`` is asked for,
with the catalog (a secret) and the data path beside it."""

from __future__ import annotations

import pytest

from warehouse.settings import REPO_ROOT, Lake, WarehouseTargetError, warehouse_lake

CATALOG = "dbname=pmo_lake host=db.example.com user=pmo password=s3cret-catalog"
S3_KEY = {"AWS_ACCESS_KEY_ID": "AKIAPMO", "AWS_SECRET_ACCESS_KEY": "s3cret-key"}


@pytest.fixture
def lake_on_s3(monkeypatch) -> None:
    """Lake mode with an ``s3://`` data path, no S3 setting given."""
    monkeypatch.setenv("PMO_WAREHOUSE_TARGET", "ducklake")
    monkeypatch.setenv("PMO_LAKE_CATALOG", CATALOG)
    monkeypatch.setenv("PMO_LAKE_DATA_PATH", "s3://pmo-bucket/lake/")
    for name in ("PMO_LAKE_S3_ENDPOINT", "AWS_REGION", "AWS_SESSION_TOKEN", *S3_KEY):
        monkeypatch.delenv(name, raising=False)


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


def test_a_folder_data_path_has_no_s3_settings(monkeypatch) -> None:
    monkeypatch.setenv("PMO_WAREHOUSE_TARGET", "ducklake")
    monkeypatch.setenv("PMO_LAKE_CATALOG", CATALOG)
    monkeypatch.setenv("PMO_LAKE_DATA_PATH", "/srv/lake")
    assert warehouse_lake().s3 is None


def test_an_s3_data_path_takes_the_aws_access_key(lake_on_s3, monkeypatch) -> None:
    for name, value in S3_KEY.items():
        monkeypatch.setenv(name, value)
    s3 = warehouse_lake().s3
    assert (s3.key_id, s3.secret) == ("AKIAPMO", "s3cret-key")


def test_an_s3_data_path_without_a_key_leaves_it_to_the_credential_chain(lake_on_s3) -> None:
    assert warehouse_lake().s3.key_id is None


def test_an_access_key_without_its_secret_is_refused(lake_on_s3, monkeypatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAPMO")
    with pytest.raises(WarehouseTargetError, match="go together"):
        warehouse_lake()


def test_aws_itself_is_addressed_by_bucket_host_name_over_tls(lake_on_s3) -> None:
    s3 = warehouse_lake().s3
    assert (s3.endpoint_host, s3.url_style, s3.use_ssl) == (None, "vhost", True)


def test_a_plain_http_endpoint_is_addressed_by_path_without_tls(lake_on_s3, monkeypatch) -> None:
    monkeypatch.setenv("PMO_LAKE_S3_ENDPOINT", "http://minio.internal:9000/")
    s3 = warehouse_lake().s3
    assert (s3.endpoint_host, s3.url_style, s3.use_ssl) == ("minio.internal:9000", "path", False)


def test_the_s3_secret_never_shows_in_the_lake_s_representation(lake_on_s3, monkeypatch) -> None:
    for name, value in S3_KEY.items():
        monkeypatch.setenv(name, value)
    assert "s3cret-key" not in repr(warehouse_lake())
