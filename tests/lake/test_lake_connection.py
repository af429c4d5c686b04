"""One way to open the warehouse: in lake mode the connection attaches the DuckLake and uses
it, so the same ``schema.table`` SQL runs; its extensions come from the wheels, offline."""

from __future__ import annotations

import pytest

from warehouse.extensions import LAKE_INSTALL_HINT, LakeExtensionsMissingError, extension_file

WRITE_THEN_READ = """
from warehouse.connection import execute, query
from warehouse.settings import warehouse_path
execute(warehouse_path(), "create schema marts; create table marts.t as select 42 as answer")
print(query(warehouse_path(), "select answer from marts.t")["answer"].tolist())
"""


def test_file_mode_s_environment_names_the_lake_environment_for_the_extensions() -> None:
    with pytest.raises(LakeExtensionsMissingError, match=LAKE_INSTALL_HINT):
        extension_file("ducklake")


def test_tables_written_through_the_lake_connection_are_read_back_by_schema_and_name(
    run_in_lake,
) -> None:
    result = run_in_lake(WRITE_THEN_READ)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[42]"


def test_the_lake_s_data_are_parquet_files_under_the_data_path(run_in_lake, tmp_path) -> None:
    """A table past DuckLake's inlining limit (a few rows stay in the catalog)."""
    result = run_in_lake(
        "from warehouse.connection import execute\n"
        "from warehouse.settings import warehouse_path\n"
        "execute(warehouse_path(), 'create table big as select range as n from range(100000)')"
    )
    assert result.returncode == 0, result.stderr
    assert list((tmp_path / "lake-data").rglob("*.parquet"))


def test_the_warehouse_file_is_not_created_in_lake_mode(run_in_lake, tmp_path) -> None:
    assert run_in_lake(WRITE_THEN_READ).returncode == 0
    assert not (tmp_path / "warehouse" / "pmo.duckdb").exists()


def test_the_extensions_load_with_the_network_refused(run_in_lake) -> None:
    """An unreachable proxy for every URL DuckDB might fetch: the wheels' files suffice."""
    offline = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}
    result = run_in_lake(
        "import duckdb\n"
        "from warehouse.extensions import install_lake_extensions\n"
        "con = duckdb.connect()\n"
        "con.execute(\"set custom_extension_repository = 'http://127.0.0.1:9'\")\n"
        "install_lake_extensions(con)\n"
        'print(con.execute("select count(*) from duckdb_extensions() where loaded and '
        "extension_name in ('ducklake', 'postgres_scanner')\").fetchone()[0])",
        offline,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2"


def test_an_attach_failure_names_the_catalog_setting_not_its_value(run_in_lake) -> None:
    secret = "host=/nonexistent dbname=x user=u password=do-not-print-me"
    result = run_in_lake(WRITE_THEN_READ, {"PMO_LAKE_CATALOG": secret})
    assert result.returncode != 0
    assert "LakeAttachError" in result.stderr
    assert "do-not-print-me" not in result.stderr + result.stdout
