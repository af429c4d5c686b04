"""Bad rows go to quarantine with file, sheet, row, column, value and reason; the rest loads."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from connectors.spreadsheets.layouts import MATURITY_ASSESSMENT, PROJECT_REGISTER
from connectors.spreadsheets.template_writer import write_workbook
from sandbox.workbooks import build_portfolio

from .builders import survey_row, write_catalogue, write_survey
from .conftest import Warehouse, stored_response_id

GOOD_ROWS = 3
BAD_ROW = GOOD_ROWS + 2  # spreadsheet row: header is row 1

FIRST_ID = "{first_id}"  # stands for the case file's first response id

ROW_CASES = {
    "missing respondent": (
        {"respondent_email": None, "respondent_name": None},
        [("Respondent email", None, "missing respondent")],
    ),
    "bad date": (
        {"submitted_at": "next tuesday"},
        [("Submitted at", "next tuesday", "not a date")],
    ),
    "missing date": (
        {"submitted_at": None},
        [("Submitted at", None, "required value missing")],
    ),
    "bad wave": ({"wave": "2026-Q5"}, [("Wave", "2026-Q5", "not a wave")]),
    "duplicate response id": (
        {"response_id": FIRST_ID},
        [("Response ID", FIRST_ID, "duplicate response_id (first on row 2)")],
    ),
}
"""Cases that leave no response to keep: the whole row is quarantined."""
ANSWER_CASES = {
    "rating out of range": (
        {"SVC-GOV|satisfaction": 7},
        [("SVC-GOV satisfaction", "7", "out of range 1..5")],
    ),
    "nps out of range": (
        {"likelihood_to_recommend": 11},
        [("Likelihood to recommend", "11", "out of range 0..10")],
    ),
    "rating that is not a number": (
        {"SVC-REP|value": "great"},
        [("SVC-REP value", "great", "not a number")],
    ),
    "two bad cells": (
        {"SVC-GOV|value": 0, "overall_value": 9},
        [
            ("SVC-GOV value", "0", "out of range 1..5"),
            ("Overall: the PMO delivers value to me", "9", "out of range 1..5"),
        ],
    ),
}
"""Cases of bad answers: only the answer is quarantined, the response and its other answers load."""
SURVEY_CASES = {**ROW_CASES, **ANSWER_CASES}
ANSWERS_PER_ROW = 4  # survey_row rates two services on two dimensions


def quarantined(warehouse: Warehouse, source_file: str = "%") -> list[tuple]:
    return warehouse.rows(
        "select source_file, source_sheet, source_row, source_column, value, reason "
        f"from quarantine where source_file like '{source_file}' "
        "order by source_row, source_column"
    )


def case_file(case: str) -> str:
    return f"{case.replace(' ', '_')}.xlsx"


def response_id(case: str, number: int) -> str:
    return f"2026-Q1-{case.replace(' ', '_')}-{number}"


def resolve(value: object, case: str) -> object:
    return response_id(case, 1) if value == FIRST_ID else value


def stored_value(value: object, case: str) -> object:
    """A quarantined duplicate id is stored as its pseudonym, never as typed."""
    return stored_response_id(response_id(case, 1)) if value == FIRST_ID else value


@pytest.fixture(scope="module")
def survey_cases(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """One file per bad-row case, all loaded together (one good file each otherwise)."""
    landing = tmp_path_factory.mktemp("cases")
    for case, (overrides, _) in SURVEY_CASES.items():
        rows = [
            survey_row(number, response_id=response_id(case, number))
            for number in range(1, GOOD_ROWS + 2)
        ]
        rows[-1].update({name: resolve(value, case) for name, value in overrides.items()})
        write_survey(landing / case_file(case), rows)
    warehouse = Warehouse(tmp_path_factory.mktemp("warehouse"), landing)
    warehouse.load()
    return warehouse


@pytest.mark.parametrize("case", ROW_CASES, ids=str)
def test_a_bad_survey_row_is_quarantined_and_the_rest_loads(survey_cases: Warehouse, case: str):
    _, expected = SURVEY_CASES[case]
    name = case_file(case)
    loaded = survey_cases.rows(
        f"select count(*) from survey_responses where source_file = '{name}'"
    )
    assert loaded == [(GOOD_ROWS,)]
    found = quarantined(survey_cases, name)
    assert [row[:3] for row in found] == [(name, "Responses", BAD_ROW)] * len(expected)
    for (column, value, reason), row in zip(sorted(expected), found, strict=True):
        assert row[3:5] == (column, stored_value(value, case))
        assert reason in row[5]


@pytest.mark.parametrize("case", ANSWER_CASES, ids=str)
def test_a_bad_answer_is_quarantined_and_the_response_keeps_its_other_answers(
    survey_cases: Warehouse, case: str
):
    _, expected = SURVEY_CASES[case]
    name = case_file(case)
    bad = survey_cases.rows(
        "select response_id, overall_value, likelihood_to_recommend from survey_responses "
        f"where source_file = '{name}' and source_row = {BAD_ROW}"
    )
    assert len(bad) == 1, "the response with a bad answer is loaded"
    (bad_response, overall, nps), bad_ratings = bad[0], len(expected)
    assert (overall, nps) == (
        None if "overall_value" in SURVEY_CASES[case][0] else 4,
        None if "likelihood_to_recommend" in SURVEY_CASES[case][0] else 8,
    )
    rated_fields = {
        "SVC-GOV|satisfaction",
        "SVC-GOV|value",
        "SVC-REP|satisfaction",
        "SVC-REP|value",
    }
    bad_rating_count = len(rated_fields & set(SURVEY_CASES[case][0]))
    assert survey_cases.rows(
        f"select count(*) from survey_answers where response_id = '{bad_response}'"
    ) == [(ANSWERS_PER_ROW - bad_rating_count,)]
    found = survey_cases.rows(
        "select source_row, source_column, value, reason, scope, response_id, field "
        "from quarantine "
        f"where source_file = '{name}' order by source_column"
    )
    assert len(found) == bad_ratings
    for (column, value, reason), row in zip(sorted(expected), found, strict=True):
        assert row[:3] == (BAD_ROW, column, value)
        assert reason in row[3]
        assert row[4:6] == ("answer", bad_response)
    assert {row[6] for row in found} == set(SURVEY_CASES[case][0])


def test_rows_quarantined_whole_say_so(survey_cases: Warehouse):
    assert survey_cases.rows(
        f"select distinct scope, response_id from quarantine where source_file = "
        f"'{case_file('bad wave')}'"
    ) == [("row", None)]


def test_source_files_counts_quarantined_answers_apart_from_rows(survey_cases: Warehouse):
    assert survey_cases.rows(
        "select rows_loaded, rows_quarantined, answers_quarantined from source_files "
        f"where source_file = '{case_file('two bad cells')}'"
    ) == [(GOOD_ROWS + 1, 0, 2)]


def test_quarantine_never_holds_a_respondent_email(survey_cases: Warehouse):
    assert survey_cases.count("quarantine") > 0
    assert survey_cases.rows("select count(*) from quarantine where value like '%@%'") == [(0,)]


def test_a_rating_of_a_service_missing_from_the_catalogue_is_quarantined_alone(
    landing: Path, warehouse: Warehouse
):
    write_catalogue(landing / "service_catalogue.xlsx")
    rows = [survey_row(1), survey_row(2, **{"SVC-XYZ|value": 4})]
    write_survey(landing / "survey.xlsx", rows, services=("SVC-GOV", "SVC-REP", "SVC-XYZ"))
    warehouse.load()
    assert warehouse.count("survey_responses") == 2
    assert warehouse.rows("select count(*) from survey_answers where service_id = 'SVC-XYZ'") == [
        (0,)
    ]
    assert [row[3:] for row in quarantined(warehouse)] == [
        ("SVC-XYZ value", "4", "unknown service SVC-XYZ")
    ]


def test_without_a_catalogue_any_service_id_is_accepted(landing: Path, warehouse: Warehouse):
    rows = [survey_row(1, **{"SVC-XYZ|value": 4})]
    write_survey(landing / "survey.xlsx", rows, services=("SVC-GOV", "SVC-REP", "SVC-XYZ"))
    warehouse.load()
    assert warehouse.rows("select count(*) from survey_answers where service_id = 'SVC-XYZ'") == [
        (1,)
    ]


def test_maturity_domain_outside_the_six_and_level_out_of_range_are_quarantined(
    landing: Path, warehouse: Warehouse
):
    rows = build_portfolio(["APOLLO"]).assessments[:6]
    rows[1] = {**rows[1], "domain": "Vibes"}
    rows[2] = {**rows[2], "level": 0}
    write_workbook(landing / "maturity.xlsx", MATURITY_ASSESSMENT, rows)
    warehouse.load()
    assert warehouse.count("maturity_assessments") == 4
    reasons = [(row[2], row[5].split(":")[0]) for row in quarantined(warehouse)]
    assert reasons == [
        (
            3,
            "not one of Organisational Development and Alignment, PMO Strategic "
            "Elements, PMO Design and Structuring, PMO Operation and Performance, "
            "PMO Enhancement and Effectiveness, People",
        ),
        (4, "out of range 1..5"),
    ]


def test_register_values_are_normalised_not_quarantined(landing: Path, warehouse: Warehouse):
    project = {
        **build_portfolio(["APOLLO"]).projects[0],
        "rag": "amber",
        "budget": "1,250,000",
        "baseline_start": "15/01/2026",
    }
    write_workbook(landing / "projects.xlsx", PROJECT_REGISTER, [project])
    warehouse.load()
    assert warehouse.rows("select rag, budget, baseline_start from project_register") == [
        ("Amber", 1_250_000.0, date(2026, 1, 15))
    ]


def test_source_files_counts_loaded_quarantined_and_skipped_rows(
    landing: Path, warehouse: Warehouse
):
    rows = [survey_row(1), survey_row(2), survey_row(2), {}, survey_row(3, wave="2026-Q5")]
    write_survey(landing / "survey.xlsx", rows)
    warehouse.load()
    assert warehouse.rows(
        "select status, rows_loaded, rows_quarantined, rows_skipped from source_files"
    ) == [("loaded", 2, 1, 2)]


def test_anonymous_responses_load_when_a_respondent_is_not_required(
    landing: Path, warehouse: Warehouse
):
    write_survey(
        landing / "survey.xlsx", [survey_row(1, respondent_email=None, respondent_name=None)]
    )
    warehouse.load(require_respondent=False)
    assert warehouse.rows("select response_id, respondent_token from survey_responses") == [
        (stored_response_id("2026-Q1-0001"), None)
    ]
