"""Every suite passes the sandbox's real tables and fails a crafted bad copy on the right rule,
and the Dagster checks' DuckDB evaluation finds exactly what Great Expectations' pandas engine
finds on the same table."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from quality.references import WarehouseReferences
from quality.tables import TABLE_SUITES, TableSuite
from quality.validate import ValidationSummary, validate_frame, validate_table
from warehouse.connection import query

pytestmark = pytest.mark.slow

Corruption = Callable[[pd.DataFrame], pd.DataFrame]


def duplicate_first_row(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([frame, frame.head(1)], ignore_index=True)


def set_first(column: str, value: object) -> Corruption:
    def corrupt(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        frame[column] = frame[column].astype(object)
        frame.loc[0, column] = value
        return frame

    return corrupt


UNIQUE = "expect_column_values_to_be_unique"
IN_SET = "expect_column_values_to_be_in_set"
BETWEEN = "expect_column_values_to_be_between"
NOT_NULL = "expect_column_values_to_not_be_null"
NO_MATCH = "expect_column_values_to_not_match_regex"

CORRUPTIONS: dict[str, tuple[Corruption, str, str]] = {
    "raw_jira.projects": (duplicate_first_row, UNIQUE, "id"),
    "raw_jira.statuses": (
        set_first("status_category_key", "Erledigt"),
        IN_SET,
        "status_category_key",
    ),
    "raw_jira.fields": (set_first("role", "velocity"), IN_SET, "role"),
    "raw_jira.issues": (set_first("project_key", "NOPE"), IN_SET, "project_key"),
    "raw_jira.changelog_items": (set_first("changed_at", None), NOT_NULL, "changed_at"),
    "raw_jira.changelog_items#orphan": (
        set_first("issue_is_loaded", False),
        IN_SET,
        "issue_is_loaded",
    ),
    "raw_spreadsheets.survey_responses": (
        set_first("likelihood_to_recommend", 11),
        BETWEEN,
        "likelihood_to_recommend",
    ),
    "raw_spreadsheets.survey_answers": (set_first("service_id", "SVC-NOPE"), IN_SET, "service_id"),
    "raw_spreadsheets.service_catalogue": (duplicate_first_row, UNIQUE, "service_id"),
    "raw_spreadsheets.needs_register": (
        set_first("customer_group", None),
        NOT_NULL,
        "customer_group",
    ),
    "raw_spreadsheets.maturity_assessments": (set_first("level", 0), BETWEEN, "level"),
    "raw_spreadsheets.project_register": (set_first("budget", -1.0), BETWEEN, "budget"),
    "raw_spreadsheets.strategic_objectives": (set_first("weight", 1.5), BETWEEN, "weight"),
    "raw_smartsheet.sheets": (duplicate_first_row, UNIQUE, "sheet_id"),
    "raw_smartsheet.columns": (set_first("role", "velocity"), IN_SET, "role"),
    "raw_smartsheet.rows": (set_first("owner_token", "ann@example.com"), NO_MATCH, "owner_token"),
    "raw_smartsheet.summary_fields": (
        set_first("sheet_is_loaded", False),
        IN_SET,
        "sheet_is_loaded",
    ),
    "raw_smartsheet.cell_history": (set_first("role", "velocity"), IN_SET, "role"),
    "marts.mart_value_delivery_rate": (
        set_first("value_delivery_rate_pct", 120.0),
        BETWEEN,
        "value_delivery_rate_pct",
    ),
    "marts.mart_pmo_value_scorecard_quarterly": (
        set_first("composite_score", 101.0),
        BETWEEN,
        "composite_score",
    ),
}

SUITES = {suite.name: suite for suite in TABLE_SUITES}


def test_every_suite_has_a_crafted_bad_table() -> None:
    assert {name.split("#")[0] for name in CORRUPTIONS} == set(SUITES)


@pytest.fixture
def warehouse_for(request: pytest.FixtureRequest, pipeline_run) -> Callable[[TableSuite], Path]:
    """Where a suite's sandbox table has rows: the end-to-end run, or for Smartsheet (not
    configured there) the portfolio loaded on its own."""

    def pick(suite: TableSuite) -> Path:
        if suite.schema == "raw_smartsheet":
            return request.getfixturevalue("smartsheet_warehouse")
        return pipeline_run.warehouse

    return pick


def read_for(suite: TableSuite, warehouse) -> pd.DataFrame:
    """The table with the suite's derived columns, dlt's bookkeeping columns left out."""
    derived = "".join(f', {sql} as "{name}"' for name, sql in suite.derived)
    frame = query(warehouse, f'select *{derived} from "{suite.schema}"."{suite.table}"')
    return frame.drop(columns=[c for c in frame.columns if c.startswith("_dlt_")])


@pytest.mark.parametrize("suite", TABLE_SUITES, ids=lambda s: s.name)
def test_suite_passes_the_sandbox_table(warehouse_for, suite: TableSuite) -> None:
    warehouse = warehouse_for(suite)
    frame = read_for(suite, warehouse)
    assert len(frame) > 0
    summary = validate_frame(frame, suite.build(WarehouseReferences(warehouse)))
    assert summary.passed, [f.describe() for f in summary.blocking_failures]


@pytest.mark.parametrize("name", sorted(CORRUPTIONS))
def test_suite_fails_the_crafted_bad_table_on_the_right_rule(warehouse_for, name: str) -> None:
    corrupt, expectation, column = CORRUPTIONS[name]
    suite = SUITES[name.split("#")[0]]
    warehouse = warehouse_for(suite)
    frame = corrupt(read_for(suite, warehouse))
    summary = validate_frame(frame, suite.build(WarehouseReferences(warehouse)))
    assert (expectation, column) in {(f.expectation, f.column) for f in summary.failures}


def findings(summary: ValidationSummary) -> list[tuple]:
    """What a validation reports per failed expectation, sample order aside."""
    return sorted(
        (f.expectation, f.column, f.severity, f.unexpected_count, sorted(map(str, f.sample)))
        for f in summary.failures
    )


@pytest.mark.parametrize("suite", TABLE_SUITES, ids=lambda s: s.name)
def test_duckdb_finds_what_pandas_finds_in_the_sandbox_table(warehouse_for, suite) -> None:
    warehouse = warehouse_for(suite)
    in_pandas = validate_frame(
        read_for(suite, warehouse), suite.build(WarehouseReferences(warehouse))
    )
    in_duckdb = validate_table(warehouse, suite)
    assert (in_duckdb.rows, findings(in_duckdb)) == (in_pandas.rows, findings(in_pandas))


@pytest.mark.parametrize("name", sorted(CORRUPTIONS))
def test_duckdb_finds_what_pandas_finds_in_the_crafted_bad_table(
    warehouse_for, write_table, name: str
) -> None:
    corrupt, expectation, column = CORRUPTIONS[name]
    suite = SUITES[name.split("#")[0]]
    warehouse = warehouse_for(suite)
    frame = corrupt(read_for(suite, warehouse))
    references = WarehouseReferences(warehouse)
    crafted = write_table(suite.schema, suite.table, frame)
    # The crafted table stores the derived columns the corruption set.
    stored = dataclasses.replace(suite, derived=())
    in_duckdb = validate_table(crafted, stored, references=references)
    assert (expectation, column) in {(f.expectation, f.column) for f in in_duckdb.failures}
    assert findings(in_duckdb) == findings(validate_frame(frame, suite.build(references)))
