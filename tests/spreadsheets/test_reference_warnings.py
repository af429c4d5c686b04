"""A reference the raw suites cannot check warns with what it could not vouch for.

The Great Expectations suites compare a survey answer's service with the catalogue, and a
project's objective with the objectives workbook, only once that reference has rows (an
empty set vouches for nothing). Answers or projects landing before their reference would so
pass silently; the dbt warn tests name them instead (a WARN check in Dagster), whatever the
reference holds. One dbt invocation on hand-made staging tables checks all of them, and
the one data test of int_pmo__done_work_by_objective (on the Jira rebuild path) beside them.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from tests.transforms.conftest import dbt, dbt_target_dir

TABLES = {
    "staging.stg_spreadsheets__survey_answers": (
        "response_id text, service_id text, dimension text, score integer",
        [("r1", "S1", "satisfaction", 4), ("r1", "S2", "value", 5), ("r2", "S1", "value", 3)],
    ),
    # Never landed: no service can be vouched for.
    "staging.stg_spreadsheets__service_catalogue": ("service_id text", []),
    "staging.stg_spreadsheets__project_register": (
        "project_key text, strategic_objective_id text",
        [("APOLLO", "OBJ-1"), ("ZEUS", "OBJ-9"), ("HERMES", None)],
    ),
    "staging.stg_spreadsheets__strategic_objectives": ("objective_id text", [("OBJ-1",)]),
    "intermediate.int_pmo__need_services": (
        "need_id text, service_id text",
        [("N1", "S1"), ("N2", "S3")],
    ),
    "intermediate.int_pmo__done_work_by_objective": (
        "quarter_start date, objective_id text, work_unit text, work_done double",
        [
            ("2026-01-01", "OBJ-1", "story_points", 8),
            ("2026-01-01", None, "story_points", 3),
            ("2026-04-01", None, "issues", 2),
            ("2026-04-01", None, "issues", 1),  # a second unaligned row of the quarter
            ("2026-07-01", "OBJ-1", "hours", 4),  # a unit the alignment cannot weigh
            ("2026-07-01", "OBJ-9", "issues", None),  # no work figure
        ],
    ),
}
# warn test -> rows it names: every answer and need link (no catalogue), ZEUS's unknown OBJ-9.
EXPECTED_WARNINGS = {
    "survey_answers_rate_catalogued_services": 3,
    "need_services_are_catalogued": 2,
    "register_objectives_are_known": 1,
}
DONE_WORK_TEST = "valid_rows_int_pmo__done_work_by_objective"


@pytest.fixture(scope="module")
def check_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """The run results of the reference warn tests and the done-work test, by test name."""
    warehouse = tmp_path_factory.mktemp("reference_warnings") / "pmo.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema staging; create schema intermediate")
        for table, (columns, rows) in TABLES.items():
            con.execute(f"create table {table} ({columns})")
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                con.executemany(f"insert into {table} values ({marks})", rows)
    dbt(warehouse, "test", "--select", *EXPECTED_WARNINGS, "int_pmo__done_work_by_objective")
    run_results = json.loads((dbt_target_dir(warehouse) / "run_results.json").read_text())
    return {short_name(result["unique_id"]): result for result in run_results["results"]}


def short_name(unique_id: str) -> str:
    """A test's name, the done-work valid_rows' without its generated argument suffix."""
    name = unique_id.split(".")[2]
    return DONE_WORK_TEST if name.startswith(DONE_WORK_TEST) else name


@pytest.mark.parametrize("test_name", EXPECTED_WARNINGS)
def test_an_unvouched_reference_warns_with_each_row_it_could_not_check(
    check_results: dict[str, dict], test_name: str
) -> None:
    result = check_results.get(test_name)
    assert result is not None, f"{test_name} did not run"
    assert (result["status"], result["failures"]) == ("warn", EXPECTED_WARNINGS[test_name])


def test_done_work_by_objective_fails_on_a_duplicate_quarter_objective_a_null_and_a_unit(
    check_results: dict[str, dict],
) -> None:
    result = check_results.get(DONE_WORK_TEST)
    assert result is not None, f"{DONE_WORK_TEST} did not run"
    assert (result["status"], result["failures"]) == ("fail", 4)
