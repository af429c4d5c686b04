"""A PMO lead fills in the shipped template by hand; what they typed is what lands."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import openpyxl

from connectors.spreadsheets.layouts import LAYOUTS, PROJECT_REGISTER, SURVEY, Kind
from connectors.spreadsheets.template_writer import TEMPLATES_DIR, layout_columns

from .conftest import Warehouse, stored_response_id

TYPED_SURVEY_ROW = {
    "Response ID": "R-1",
    "Wave": "2026-Q2",
    "Submitted at": datetime(2026, 5, 4, 9, 15),
    "Respondent email": "lead@example.com",
    "Stakeholder group": "Executive sponsors",
    "SVC-GOV satisfaction": 4,
    "SVC-BEN value": 2,
    "Overall: the PMO delivers value to me": 5,
    "Likelihood to recommend": 9,
    "Comment": "Useful.",
}


def fill_template(landing: Path, row: dict) -> None:
    path = landing / f"{SURVEY.workbook}.xlsx"
    shutil.copy(TEMPLATES_DIR / path.name, path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[SURVEY.sheet]
    headers = [cell.value for cell in sheet[1]]
    sheet.append([row.get(header) for header in headers])
    workbook.save(path)


def test_a_filled_in_survey_template_loads_what_was_typed(landing: Path, warehouse: Warehouse):
    fill_template(landing, TYPED_SURVEY_ROW)
    warehouse.load()
    assert warehouse.rows(
        "select response_id, wave, cast(submitted_at as varchar), stakeholder_group, "
        "overall_value, likelihood_to_recommend, comment from survey_responses"
    ) == [
        (
            stored_response_id("R-1", "2026-Q2"),
            "2026-Q2",
            "2026-05-04 09:15:00+00",
            "Executive sponsors",
            5,
            9,
            "Useful.",
        )
    ]
    assert warehouse.rows("select service_id, dimension, score from survey_answers order by 1") == [
        ("SVC-BEN", "value", 2),
        ("SVC-GOV", "satisfaction", 4),
    ]


def test_an_empty_template_loads_no_rows_and_is_recorded(landing: Path, warehouse: Warehouse):
    for layout in LAYOUTS:
        shutil.copy(TEMPLATES_DIR / f"{layout.workbook}.xlsx", landing)
    warehouse.load()
    assert warehouse.rows("select count(*), sum(rows_loaded) from source_files") == [
        (len(LAYOUTS), 0)
    ]


def test_every_integer_column_is_bounded():
    """The parser's fast path for whole numbers relies on every integer column being bounded."""
    integer_columns = [
        column
        for layout in LAYOUTS
        for column in layout_columns(layout)
        if column.kind is Kind.INTEGER
    ]
    assert integer_columns
    assert all(column.low is not None and column.high is not None for column in integer_columns)


def test_template_dates_survive_the_round_trip(landing: Path, warehouse: Warehouse):
    path = landing / f"{PROJECT_REGISTER.workbook}.xlsx"
    shutil.copy(TEMPLATES_DIR / path.name, path)
    workbook = openpyxl.load_workbook(path)
    workbook[PROJECT_REGISTER.sheet].append(
        ["APOLLO", "Apollo", "OBJ-1", "Sam", 1000, 500, date(2026, 1, 5), date(2026, 9, 30)]
    )
    workbook.save(path)
    warehouse.load()
    assert warehouse.rows("select baseline_start, baseline_end from project_register") == [
        (date(2026, 1, 5), date(2026, 9, 30))
    ]
