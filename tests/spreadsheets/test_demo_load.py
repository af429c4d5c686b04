"""The demo workbooks load completely, pseudonymised, with lineage, and only once."""

from __future__ import annotations

import os
from pathlib import Path

import fsspec
import pytest

from connectors.spreadsheets import RAW_TABLES, spreadsheet_source
from connectors.spreadsheets.layouts import (
    MATURITY_ASSESSMENT,
    NEEDS_REGISTER,
    PROJECT_REGISTER,
    SERVICE_CATALOGUE,
    STRATEGIC_OBJECTIVES,
    SURVEY,
)
from sandbox.workbooks import write_demo_workbooks

from .conftest import Warehouse, stored_response_id
from .workbook_files import rating_cells, sheet_records

REGISTERS = (
    SERVICE_CATALOGUE,
    NEEDS_REGISTER,
    MATURITY_ASSESSMENT,
    PROJECT_REGISTER,
    STRATEGIC_OBJECTIVES,
)


def survey_records(landing: Path) -> list[dict]:
    return [
        record
        for path in sorted(landing.glob(f"{SURVEY.workbook}_*.xlsx"))
        for record in sheet_records(path, SURVEY.sheet)
    ]


def test_every_survey_row_lands_as_one_response(demo_landing: Path, loaded_demo: Warehouse):
    assert loaded_demo.count("survey_responses") == len(survey_records(demo_landing))


def test_every_rating_cell_lands_as_one_answer(demo_landing: Path, loaded_demo: Warehouse):
    expected = sum(rating_cells(record) for record in survey_records(demo_landing))
    assert loaded_demo.count("survey_answers") == expected


@pytest.mark.parametrize("layout", REGISTERS, ids=lambda layout: layout.table)
def test_every_register_row_lands(demo_landing: Path, loaded_demo: Warehouse, layout):
    expected = sheet_records(demo_landing / f"{layout.workbook}.xlsx", layout.sheet)
    assert loaded_demo.count(layout.table) == len(expected)


def test_the_demo_loads_without_quarantine_or_rejection(loaded_demo: Warehouse):
    assert loaded_demo.count("quarantine") == 0
    assert loaded_demo.rows("select distinct status from source_files") == [("loaded",)]


def stored_text(warehouse: Warehouse, tables: tuple[str, ...] | None = None) -> set[str]:
    """Every distinct text value in the raw schema (or in ``tables``), lower-cased."""
    text_columns = warehouse.rows(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'raw_spreadsheets' and data_type = 'VARCHAR'"
    )
    union = " union ".join(
        f'select distinct "{column}" from {table}'
        for table, column in text_columns
        if tables is None or table in tables
    )
    return {str(value).lower() for (value,) in warehouse.rows(union)}


def test_no_respondent_email_reaches_the_warehouse(demo_landing: Path, loaded_demo: Warehouse):
    emails = {record["Respondent email"].lower() for record in survey_records(demo_landing)}
    stored = stored_text(loaded_demo)
    assert emails and not emails & stored
    assert not any("@" in value for value in stored)


def test_no_respondent_name_reaches_the_survey_tables(demo_landing: Path, loaded_demo: Warehouse):
    names = {record["Respondent name"].lower() for record in survey_records(demo_landing)}
    stored = stored_text(loaded_demo, ("survey_responses", "survey_answers", "quarantine"))
    assert names and not names & stored


def test_one_person_keeps_one_token_across_waves(demo_landing: Path, loaded_demo: Warehouse):
    emails = {record["Respondent email"] for record in survey_records(demo_landing)}
    tokens = loaded_demo.rows("select count(distinct respondent_token) from survey_responses")
    assert tokens == [(len(emails),)]


def test_answers_keep_service_dimension_and_score(demo_landing: Path, loaded_demo: Warehouse):
    first = sheet_records(demo_landing / f"{SURVEY.workbook}_2025-Q1.xlsx", SURVEY.sheet)[0]
    expected = {
        (header.split()[0], header.split()[1], int(value))
        for header, value in first.items()
        if header.startswith("SVC-") and value is not None
    }
    stored = loaded_demo.rows(
        "select service_id, dimension, score from survey_answers "
        f"where response_id = '{stored_response_id(first['Response ID'], first['Wave'])}'"
    )
    assert set(stored) == expected


def test_every_row_points_back_to_its_file_sheet_and_row(
    demo_landing: Path, loaded_demo: Warehouse
):
    response_id, source_file, sheet, row = loaded_demo.rows(
        "select response_id, source_file, source_sheet, source_row from survey_responses "
        "order by response_id limit 1"
    )[0]
    record = sheet_records(demo_landing / source_file, sheet)[row - 2]  # header is row 1
    assert stored_response_id(record["Response ID"], record["Wave"]) == response_id


@pytest.mark.parametrize("table", [name for name in RAW_TABLES if name != "source_files"])
def test_lineage_columns_are_never_null(loaded_demo: Warehouse, table: str):
    nulls = loaded_demo.rows(
        f"select count(*) from {table} where source_file is null or source_sheet is null "
        "or source_row is null or file_hash is null"
    )
    assert nulls == [(0,)]


def test_loading_the_same_files_twice_adds_nothing(demo_landing: Path, make_warehouse):
    warehouse = make_warehouse(demo_landing)
    warehouse.load()
    before = {table: warehouse.count(table) for table in RAW_TABLES}
    warehouse.load()
    assert {table: warehouse.count(table) for table in RAW_TABLES} == before
    assert warehouse.rows("select count(distinct _dlt_load_id) from survey_answers") == [(1,)]


def test_an_identical_copy_saved_again_adds_nothing(landing: Path, warehouse: Warehouse):
    write_demo_workbooks(landing, ["APOLLO"])
    target = landing / "strategic_objectives.xlsx"
    warehouse.load()
    target.write_bytes(target.read_bytes())  # saved again: same content...
    os.utime(target, (1_900_000_000, 1_900_000_000))  # ...with a new modification time
    warehouse.load()
    assert warehouse.rows("select count(distinct _dlt_load_id) from strategic_objectives") == [(1,)]


def test_landing_url_and_key_resolve_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, demo_landing: Path, make_warehouse
):
    monkeypatch.setenv("SOURCES__SPREADSHEETS__LANDING_URL", demo_landing.as_uri())
    monkeypatch.setenv("SOURCES__SPREADSHEETS__PSEUDONYMISATION_KEY", "from-env")
    warehouse = make_warehouse(demo_landing)
    warehouse.pipeline.run(spreadsheet_source().with_resources("strategic_objectives"))
    assert warehouse.count("strategic_objectives") == len(
        sheet_records(demo_landing / "strategic_objectives.xlsx", STRATEGIC_OBJECTIVES.sheet)
    )


def test_any_fsspec_url_is_a_landing_location(tmp_path: Path, make_warehouse):
    memory = fsspec.filesystem("memory")
    root = f"/{tmp_path.name}"
    write_demo_workbooks(tmp_path / "demo", ["APOLLO"])
    for path in (tmp_path / "demo").iterdir():
        memory.pipe(f"{root}/{path.name}", path.read_bytes())
    warehouse = make_warehouse(tmp_path)
    warehouse.pipeline.run(spreadsheet_source(f"memory://{root}", "key"))
    assert warehouse.count("source_files") == len(list((tmp_path / "demo").iterdir()))
    assert warehouse.rows("select distinct status from source_files") == [("loaded",)]


def test_an_empty_pseudonymisation_key_fails_the_run_instead_of_rejecting_files(
    demo_landing: Path, make_warehouse
):
    warehouse = make_warehouse(demo_landing)
    with pytest.raises(Exception, match="pseudonymisation_key"):
        warehouse.pipeline.run(spreadsheet_source(str(demo_landing), ""))
