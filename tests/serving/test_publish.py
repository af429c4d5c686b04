"""The snapshot the pipeline publishes for the sandbox: complete, documented, BI-friendly."""

from __future__ import annotations

import pyarrow.parquet as pq

from pipelines.defs.serving import SNAPSHOT_KEY
from warehouse.publishing.snapshot import KPI_CATALOGUE, PUBLISH_INFO

from .conftest import PublishedServing


def serving_table_names(published: PublishedServing) -> set[str]:
    return set(published.query("select table_name from duckdb_tables()")["table_name"])


def test_every_mart_is_published_under_its_business_name(published):
    marts = {t.name for t in published.tables if t.kind == "kpi"}
    assert "pmo_value_scorecard_quarterly" in marts
    assert marts <= serving_table_names(published)


def test_dimensions_are_published_beside_the_marts(published):
    assert {"dim_pmo_service", "dim_project", "dim_strategic_objective"} <= serving_table_names(
        published
    )


def test_published_rows_equal_the_warehouse_tables(published):
    for table in published.tables:
        source = f'select count(*) as n from "{table.source_schema}"."{table.source_table}"'
        expected = published.query(source, published.warehouse)["n"][0]
        served = published.query(f'select count(*) as n from "{table.name}"')["n"][0]
        assert served == expected, table.name


def test_every_mart_column_carries_its_dbt_description_as_a_comment(published):
    comments = published.query("select table_name, column_name, comment from duckdb_columns()")
    served = {(r.table_name, r.column_name): r.comment for r in comments.itertuples()}
    for table in published.tables:
        for column, description in table.column_descriptions.items():
            assert description, f"{table.source_table}.{column} has no dbt description"
            assert served[(table.name, column)] == description


def test_every_table_carries_its_dbt_description(published):
    comments = published.query("select table_name, comment from duckdb_tables()")
    served = dict(zip(comments["table_name"], comments["comment"], strict=True))
    assert all(served[t.name] == t.description for t in published.tables)


def test_kpi_catalogue_defines_every_published_kpi_table(published):
    catalogue = published.query(f"select * from {KPI_CATALOGUE}").set_index("table_name")
    marts = sorted(t.name for t in published.tables if t.kind == "kpi")
    assert sorted(catalogue.index) == marts
    assert catalogue.loc["value_delivery_rate", "kpi"] == "Value delivery rate and benchmark class"
    assert (catalogue[["grain", "formula", "source"]] != "").all().all()


def test_no_column_needs_a_newer_driver(published):
    types = set(published.query("select data_type from duckdb_columns()")["data_type"])
    assert not types & {"HUGEINT", "UHUGEINT", "JSON"}


def test_snapshot_names_the_run_that_published_it(published):
    info = published.query(f"select distinct source_run from {PUBLISH_INFO}")
    assert info["source_run"].tolist() == [published.run.run_id]
    assert published.manifest["source_run"] == published.run.run_id


def test_manifest_lists_every_table_with_rows_and_columns(published):
    described = {t["name"]: t for t in published.manifest["tables"]}
    counts = published.query(f"select table_name, row_count from {PUBLISH_INFO}")
    assert {name: described[name]["rows"] for name in counts["table_name"]} == dict(
        zip(counts["table_name"], counts["row_count"], strict=True)
    )
    assert [c["name"] for c in described["value_delivery_rate"]["columns"]][:2] == [
        "wave",
        "quarter_start",
    ]


def test_parquet_files_hold_what_the_manifest_says(published):
    for table in published.manifest["tables"]:
        parquet = pq.ParquetFile(published.folder / table["parquet"])
        assert parquet.metadata.num_rows == table["rows"], table["name"]
        assert parquet.schema_arrow.names == [c["name"] for c in table["columns"]]


def test_publishing_leaves_no_temporary_files(published):
    leftovers = [p.name for p in published.folder.rglob("*") if p.name.startswith(".")]
    assert leftovers == []
    assert not published.database.with_name(f"{published.database.name}.wal").exists()


def test_snapshot_metadata_links_the_serving_files(published):
    metadata = published.materialization(SNAPSHOT_KEY).metadata
    assert metadata["database"].path == str(published.database)
    assert metadata["dagster/row_count"].value == sum(
        t["rows"] for t in published.manifest["tables"]
    )
