"""Expectation suites, one per validated table, built in code so that they are reviewed like code.

Each expectation carries a severity: ``critical`` failures block everything downstream,
``warning`` ones are reported but let the pipeline continue. Which table each suite validates,
what it checks in words and which other tables its references read is in
:mod:`quality.tables`, which Dagster loads without importing Great Expectations.
"""

from __future__ import annotations

import csv
from pathlib import Path

import great_expectations as gx
from great_expectations.core.expectation_suite import ExpectationSuite
from great_expectations.expectations.row_conditions import (
    AndCondition,
    Column,
    ComparisonCondition,
    NullityCondition,
    Operator,
    OrCondition,
)

# The workbooks' enumerations are the templates' own (their data validation lists).
from connectors.smartsheet.column_map import HISTORY_ROLES, ROLE_KINDS
from connectors.spreadsheets.layouts import MATURITY_DOMAINS, SURVEY_DIMENSIONS
from quality.references import References

STATUS_CATEGORIES = ["new", "indeterminate", "done"]
# The labels the portfolio reads as a RAG (int_portfolio__rag_labels): the register's RAG and
# the Smartsheet tasks' status are checked against the same seed, so a label dbt reads (R, Rot,
# At risk) passes and one it calls unknown warns here too.
RAG_LABELS_SEED = (
    Path(__file__).resolve().parents[1] / "transforms" / "seeds" / "portfolio_rag_labels.csv"
)
# What a register project without a Jira project means (a WARN, not a data error): said in the
# check's description, its metadata and the alert, so nobody hunts for a broken load.
NO_JIRA_PROJECT = (
    "projects with no Jira project of that key: their delivery KPIs are not available (n/a), "
    "nothing else is affected; add the Jira project (or correct the key) if they should have "
    "them, else leave it"
)
SMARTSHEET_ROLES = sorted(ROLE_KINDS)
CRITICAL = "critical"
WARNING = "warning"

gxe = gx.expectations


def columns_of(suite: ExpectationSuite) -> list[str]:
    """The columns a suite reads, so validation loads only those (not raw JSON payloads)."""
    seen: dict[str, None] = {}
    for expectation in suite.expectations:
        config = expectation.configuration.kwargs
        names = [config.get("column"), config.get("column_A"), config.get("column_B")]
        names += list(config.get("column_list") or [])
        names += _condition_columns(expectation.row_condition)
        seen.update({name: None for name in names if name})
    return list(seen)


def _condition_columns(condition: object) -> list[str]:
    """Columns a row condition filters on (GE 1.x conditions, which DuckDB and pandas share)."""
    if isinstance(condition, (ComparisonCondition, NullityCondition)):
        return [condition.column.name]
    if isinstance(condition, (AndCondition, OrCondition)):
        return [name for part in condition.conditions for name in _condition_columns(part)]
    return []


def _key(*columns: str) -> list:
    """The table's primary key is present and unique."""
    present = [gxe.ExpectColumnValuesToNotBeNull(column=c, severity=CRITICAL) for c in columns]
    if len(columns) == 1:
        return [*present, gxe.ExpectColumnValuesToBeUnique(column=columns[0], severity=CRITICAL)]
    unique = gxe.ExpectCompoundColumnsToBeUnique(column_list=list(columns), severity=CRITICAL)
    return [*present, unique]


def _between(column: str, low: float, high: float, severity: str = CRITICAL):
    return gxe.ExpectColumnValuesToBeBetween(
        column=column, min_value=low, max_value=high, severity=severity
    )


def rag_labels() -> list[str]:
    """The labels the seed portfolio_rag_labels gives a RAG, lower case."""
    with RAG_LABELS_SEED.open(encoding="utf-8", newline="") as seed:
        return sorted({row["label"].strip().lower() for row in csv.DictReader(seed)})


def _in(column: str, values: list, severity: str = CRITICAL, notes: str | None = None):
    return gxe.ExpectColumnValuesToBeInSet(
        column=column, value_set=values, severity=severity, notes=notes
    )


def _in_delivered(
    column: str, values: list, severity: str = CRITICAL, notes: str | None = None
) -> list:
    """A reference into another workbook or source, left out while that has delivered nothing
    (no catalogue landed yet, Jira not configured): an empty set vouches for nothing, and the
    connector accepts any well-formed id until then."""
    return [_in(column, values, severity, notes)] if values else []


def _not_before(later: str, earlier: str, severity: str = CRITICAL):
    return gxe.ExpectColumnPairValuesAToBeGreaterThanB(
        column_A=later,
        column_B=earlier,
        or_equal=True,
        ignore_row_if="either_value_is_missing",
        severity=severity,
    )


def jira_projects(_: References) -> ExpectationSuite:
    return ExpectationSuite("raw_jira.projects", [*_key("id"), *_key("key")[1:]])


def jira_statuses(_: References) -> ExpectationSuite:
    return ExpectationSuite(
        "raw_jira.statuses", [*_key("id"), _in("status_category_key", STATUS_CATEGORIES)]
    )


def jira_fields(_: References) -> ExpectationSuite:
    return ExpectationSuite(
        "raw_jira.fields",
        [
            *_key("id"),
            _in("role", ["story_points", "sprint", "start_date"]),
        ],
    )


def jira_issues(refs: References) -> ExpectationSuite:
    return ExpectationSuite(
        "raw_jira.issues",
        [
            *_key("id"),
            *_key("key")[1:],
            gxe.ExpectColumnValuesToNotBeNull(column="project_key", severity=CRITICAL),
            _in("project_key", refs.values("raw_jira", "projects", "key")),
            _in("status_category_key", STATUS_CATEGORIES),
            gxe.ExpectColumnValuesToNotBeNull(column="created", severity=CRITICAL),
            _not_before("updated", "created"),
            _not_before("resolution_date", "created"),
            _between("story_points", 0, 1000, WARNING),
        ],
    )


def jira_changelog_items(_: References) -> ExpectationSuite:
    return ExpectationSuite(
        "raw_jira.changelog_items",
        [
            *_key("history_id", "item_index"),
            gxe.ExpectColumnValuesToNotBeNull(column="changed_at", severity=CRITICAL),
            _in("issue_is_loaded", [True], WARNING),
        ],
    )


def survey_responses(refs: References) -> ExpectationSuite:
    groups = refs.split_values("raw_spreadsheets", "service_catalogue", "customer_groups")
    groups += refs.values("raw_spreadsheets", "needs_register", "customer_group")
    return ExpectationSuite(
        "raw_spreadsheets.survey_responses",
        [
            *_key("response_id"),
            gxe.ExpectColumnValuesToNotBeNull(column="respondent_token", severity=CRITICAL),
            gxe.ExpectColumnValuesToNotMatchRegex(
                column="respondent_token", regex="@", severity=CRITICAL
            ),
            gxe.ExpectColumnValuesToNotBeNull(column="wave", severity=CRITICAL),
            _between("overall_value", 1, 5),
            _between("likelihood_to_recommend", 0, 10),
            *_in_delivered("stakeholder_group", sorted(set(groups)), WARNING),
        ],
    )


def survey_answers(refs: References) -> ExpectationSuite:
    return ExpectationSuite(
        "raw_spreadsheets.survey_answers",
        [
            *_key("response_id", "service_id", "dimension"),
            _in("dimension", list(SURVEY_DIMENSIONS)),
            _between("score", 1, 5),
            *_in_delivered(
                "service_id", refs.values("raw_spreadsheets", "service_catalogue", "service_id")
            ),
        ],
    )


def service_catalogue(_: References) -> ExpectationSuite:
    return ExpectationSuite(
        "raw_spreadsheets.service_catalogue",
        [*_key("service_id"), _between("target_satisfaction", 1, 5, WARNING)],
    )


def needs_register(_: References) -> ExpectationSuite:
    return ExpectationSuite(
        "raw_spreadsheets.needs_register",
        [
            *_key("need_id"),
            gxe.ExpectColumnValuesToNotBeNull(column="customer_group", severity=CRITICAL),
        ],
    )


def maturity_assessments(_: References) -> ExpectationSuite:
    return ExpectationSuite(
        "raw_spreadsheets.maturity_assessments",
        [
            *_key("assessed_on", "domain"),
            _in("domain", list(MATURITY_DOMAINS)),
            _between("level", 1, 5),
            _between("target_level", 1, 5),
        ],
    )


def project_register(refs: References) -> ExpectationSuite:
    return ExpectationSuite(
        "raw_spreadsheets.project_register",
        [
            *_key("project_key"),
            *_in_delivered(
                "project_key",
                refs.values("raw_jira", "projects", "key"),
                WARNING,
                NO_JIRA_PROJECT,
            ),
            *_in_delivered(
                "strategic_objective_id",
                refs.values("raw_spreadsheets", "strategic_objectives", "objective_id"),
                WARNING,
            ),
            _between("budget", 0, 1e12),
            _between("actual_cost_to_date", 0, 1e12),
            _between("planned_benefits", 0, 1e12, WARNING),
            _between("realised_benefits", 0, 1e12, WARNING),
            _not_before("baseline_end", "baseline_start"),
            _in("rag_label", rag_labels(), WARNING),
        ],
    )


def strategic_objectives(_: References) -> ExpectationSuite:
    return ExpectationSuite(
        "raw_spreadsheets.strategic_objectives", [*_key("objective_id"), _between("weight", 0, 1)]
    )


def value_delivery_rate(_: References) -> ExpectationSuite:
    return ExpectationSuite(
        "marts.mart_value_delivery_rate",
        [
            _between("value_delivery_rate_pct", 0, 100),
            gxe.ExpectColumnValuesToBeNull(
                column="value_delivery_rate_pct",
                row_condition=ComparisonCondition(
                    column=Column("is_suppressed"), operator=Operator.EQUAL, parameter=True
                ),
                severity=CRITICAL,
            ),
        ],
    )


def pmo_value_scorecard(_: References) -> ExpectationSuite:
    return ExpectationSuite(
        "marts.mart_pmo_value_scorecard_quarterly",
        [_between("composite_score", 0, 100)],
    )


def smartsheet_sheets(_: References) -> ExpectationSuite:
    return ExpectationSuite(
        "raw_smartsheet.sheets",
        [
            *_key("sheet_id"),
            gxe.ExpectColumnValuesToNotBeNull(column="column_map", severity=CRITICAL),
            gxe.ExpectColumnValuesToNotBeNull(column="project_id", severity=WARNING),
        ],
    )


def smartsheet_columns(_: References) -> ExpectationSuite:
    return ExpectationSuite(
        "raw_smartsheet.columns",
        [
            *_key("sheet_id", "column_id"),
            _in("role", list(SMARTSHEET_ROLES)),
            _in("sheet_is_loaded", [True]),
        ],
    )


def smartsheet_rows(_: References) -> ExpectationSuite:
    return ExpectationSuite(
        "raw_smartsheet.rows",
        [
            *_key("row_id"),
            gxe.ExpectColumnValuesToNotBeNull(column="sheet_id", severity=CRITICAL),
            _in("sheet_is_loaded", [True]),
            gxe.ExpectColumnValuesToNotMatchRegex(
                column="owner_token", regex="@", severity=CRITICAL
            ),
            _in("status_label", rag_labels(), WARNING),
            _between("percent_complete", 0, 1, WARNING),
            _not_before("finish_date", "start_date", WARNING),
            _not_before("baseline_finish", "baseline_start", WARNING),
            _between("budget", 0, 1e12, WARNING),
            _between("actual_cost", 0, 1e12, WARNING),
        ],
    )


def smartsheet_summary_fields(_: References) -> ExpectationSuite:
    return ExpectationSuite(
        "raw_smartsheet.summary_fields",
        [*_key("sheet_id", "field_id"), _in("sheet_is_loaded", [True])],
    )


def smartsheet_cell_history(_: References) -> ExpectationSuite:
    return ExpectationSuite(
        "raw_smartsheet.cell_history",
        [
            *(
                gxe.ExpectColumnValuesToNotBeNull(column=c, severity=CRITICAL)
                for c in ("row_id", "column_id", "modified_at")
            ),
            _in("role", list(HISTORY_ROLES)),
            gxe.ExpectColumnValuesToNotMatchRegex(
                column="modified_by_token", regex="@", severity=CRITICAL
            ),
            _in("row_is_loaded", [True], WARNING),
        ],
    )
