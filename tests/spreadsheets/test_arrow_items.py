"""The resources yield pyarrow tables that land with exactly the contracted column types."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import dlt
import pyarrow as pa
import pytest

from connectors.spreadsheets import RAW_TABLES, arrow_items, spreadsheet_source
from connectors.spreadsheets.arrow_items import arrow_batches, arrow_schema
from connectors.spreadsheets.tables import SURVEY_ANSWERS, SURVEY_RESPONSES, RawTable

from .builders import survey_row, write_survey
from .conftest import Warehouse, stored_response_id

DUCKDB_TYPES = {
    "text": "VARCHAR",
    "bigint": "BIGINT",
    "double": "DOUBLE",
    "date": "DATE",
    "timestamp": "TIMESTAMP WITH TIME ZONE",
    "bool": "BOOLEAN",
}


def stored_columns(warehouse: Warehouse, table: RawTable) -> list[tuple[str, str, str]]:
    return warehouse.rows(
        "select column_name, data_type, is_nullable from information_schema.columns "
        f"where table_schema = 'raw_spreadsheets' and table_name = '{table.name}' "
        "order by ordinal_position"
    )


def declared_columns(table: RawTable) -> list[tuple[str, str, str]]:
    """The resource hints in DuckDB terms: name, type and nullability, in order."""
    required = table.required_columns()
    return [
        (name, DUCKDB_TYPES[column["data_type"]], "NO" if name in required else "YES")
        for name, column in table.hints()["columns"].items()
    ]


def answers(count: int) -> dict[str, list[object]]:
    """A block of ``count`` answer rows without scores."""
    return {
        "response_id": [f"R{number}" for number in range(count)],
        "service_id": ["SVC-GOV"] * count,
        "dimension": ["value"] * count,
    }


@pytest.mark.parametrize("table", RAW_TABLES.values(), ids=lambda table: table.name)
def test_each_resource_yields_arrow_tables_of_its_declared_columns(
    demo_landing: Path, table, tmp_path: Path
):
    # Iterating a source outside a run reads the active pipeline's state: start a fresh one, so
    # files loaded by earlier tests in this process do not count as already seen.
    dlt.pipeline(pipeline_name="arrow_items_probe", pipelines_dir=str(tmp_path))
    source = spreadsheet_source(str(demo_landing), "key").with_resources(table.name)
    items = list(source)
    assert items and {item.schema for item in items} == {arrow_schema(table)}


@pytest.mark.parametrize("table", RAW_TABLES.values(), ids=lambda table: table.name)
def test_stored_columns_keep_the_contracted_types(loaded_demo: Warehouse, table):
    assert stored_columns(loaded_demo, table) == declared_columns(table)


def test_every_stored_row_has_its_load_id_and_a_unique_row_id(loaded_demo: Warehouse):
    assert loaded_demo.rows(
        "select count(distinct _dlt_id) = count(*), "
        "bool_and(_dlt_load_id in (select load_id from _dlt_loads)) from survey_answers"
    ) == [(True, True)]


def test_a_large_file_is_yielded_in_batches(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(arrow_items, "BATCH_ROWS", 2)
    batches = list(arrow_batches(SURVEY_ANSWERS, [answers(3), answers(2)], "load-1"))
    assert [batch.num_rows for batch in batches] == [2, 2, 1]
    assert pa.concat_tables(batches)["response_id"].to_pylist() == ["R0", "R1", "R2", "R0", "R1"]


def test_a_column_missing_from_a_block_is_null():
    (batch,) = arrow_batches(SURVEY_ANSWERS, [answers(1)], "load-1")
    assert batch["score"].to_pylist() == [None]


def test_a_timestamp_from_another_zone_keeps_its_instant():
    submitted = datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    block = {"response_id": ["R1"], "submitted_at": [submitted]}
    (batch,) = arrow_batches(SURVEY_RESPONSES, [block], "load-1")
    assert batch["submitted_at"].to_pylist() == [datetime(2026, 3, 1, 7, 30, tzinfo=UTC)]


def test_parquet_load_files_store_the_same_columns(demo_landing: Path, make_warehouse):
    warehouse = make_warehouse(demo_landing)
    warehouse.pipeline.run(
        spreadsheet_source(str(demo_landing), "key"), loader_file_format="parquet"
    )
    assert {table.name: stored_columns(warehouse, table) for table in RAW_TABLES.values()} == {
        table.name: declared_columns(table) for table in RAW_TABLES.values()
    }


def test_a_corrected_file_replaces_its_rows_through_parquet_load_files(
    landing: Path, warehouse: Warehouse
):
    path = landing / "survey.xlsx"
    write_survey(path, [survey_row(1), survey_row(2, overall_value=9)])
    warehouse.pipeline.run(spreadsheet_source(str(landing), "key"), loader_file_format="parquet")
    write_survey(path, [survey_row(2)])
    warehouse.pipeline.run(spreadsheet_source(str(landing), "key"), loader_file_format="parquet")
    assert warehouse.rows("select distinct response_id from survey_answers") == [
        (stored_response_id("2026-Q1-0002", key="key"),)
    ]
    assert warehouse.count("quarantine") == 0
