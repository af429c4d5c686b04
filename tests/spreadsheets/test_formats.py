"""csv, ods, xlsm and hand-made layouts load like the templates."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from .builders import write_csv, write_ods, write_sheet
from .conftest import Warehouse

OBJECTIVES = [
    ["Objective ID", "Objective name", "Weight"],
    ["OBJ-1", "Grow digital revenue", 0.5],
    ["OBJ-2", "Reduce cost to serve", 0.5],
]
EXPECTED = [("OBJ-1", "Grow digital revenue", 0.5), ("OBJ-2", "Reduce cost to serve", 0.5)]


def objectives(warehouse: Warehouse) -> list[tuple]:
    return warehouse.rows(
        "select objective_id, objective_name, weight from strategic_objectives order by 1"
    )


@pytest.mark.parametrize(
    "write",
    [
        lambda landing: write_csv(landing / "objectives.csv", OBJECTIVES),
        lambda landing: write_csv(landing / "objectives.csv", OBJECTIVES, delimiter=";"),
        lambda landing: write_ods(landing / "objectives.ods", "Objectives", OBJECTIVES),
        lambda landing: write_sheet(landing / "objectives.xlsm", "Objectives", OBJECTIVES),
    ],
    ids=["csv", "csv semicolon", "ods", "xlsm"],
)
def test_each_supported_format_loads(landing: Path, warehouse: Warehouse, write):
    write(landing)
    warehouse.load()
    assert objectives(warehouse) == EXPECTED


def test_a_csv_with_a_decimal_comma_loads(landing: Path, warehouse: Warehouse):
    rows = [OBJECTIVES[0], ["OBJ-1", "Grow digital revenue", "0,5"]]
    write_csv(landing / "objectives.csv", rows, delimiter=";")
    warehouse.load()
    assert objectives(warehouse) == EXPECTED[:1]


def test_headers_are_matched_whatever_their_case_spacing_or_punctuation(
    landing: Path, warehouse: Warehouse
):
    header = ["  objective_id ", "OBJECTIVE NAME *", "Weight"]
    write_sheet(landing / "objectives.xlsx", "Sheet1", [header, *OBJECTIVES[1:]])
    warehouse.load()
    assert objectives(warehouse) == EXPECTED


def test_aliases_name_the_same_column(landing: Path, warehouse: Warehouse):
    rows = [["Key", "Name", "RAG status"], ["APOLLO", "Apollo programme", "G"]]
    write_sheet(landing / "projects.xlsx", "Portfolio", rows)
    warehouse.load()
    assert warehouse.rows("select project_key, project_name, rag from project_register") == [
        ("APOLLO", "Apollo programme", "Green")
    ]


def test_a_header_below_title_rows_is_found_and_rows_keep_their_numbers(
    landing: Path, warehouse: Warehouse
):
    rows = [["Strategic objectives FY26"], [], *OBJECTIVES]
    write_sheet(landing / "objectives.xlsx", "Objectives", rows)
    warehouse.load()
    assert warehouse.rows(
        "select objective_id, source_row from strategic_objectives order by 1"
    ) == [
        ("OBJ-1", 4),
        ("OBJ-2", 5),
    ]


def test_unknown_extra_columns_are_ignored(landing: Path, warehouse: Warehouse):
    rows = [[*OBJECTIVES[0], "Notes"], [*OBJECTIVES[1], "ignore me"], [*OBJECTIVES[2], ""]]
    write_sheet(landing / "objectives.xlsx", "Objectives", rows)
    warehouse.load()
    assert objectives(warehouse) == EXPECTED


def test_one_workbook_may_hold_several_registers(landing: Path, warehouse: Warehouse):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Objectives"
    for row in OBJECTIVES:
        workbook["Objectives"].append(row)
    projects = workbook.create_sheet("Projects")
    projects.append(["Jira project key", "Project name", "Strategic objective"])
    projects.append(["APOLLO", "Apollo programme", "OBJ-1"])
    workbook.save(landing / "portfolio.xlsx")
    warehouse.load()
    assert objectives(warehouse) == EXPECTED
    assert warehouse.rows("select workbook from source_files") == [
        ("project_register;strategic_objectives",)
    ]
