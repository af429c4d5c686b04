"""Expectation suites, one per validated table, built in code so that they are reviewed like code.

Each expectation carries a severity: ``critical`` failures block everything downstream,
``warning`` ones are reported but let the pipeline continue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import great_expectations as gx
from great_expectations.core.expectation_suite import ExpectationSuite

STATUS_CATEGORIES = ["new", "indeterminate", "done"]
SURVEY_DIMENSIONS = ["satisfaction", "value"]

gxe = gx.expectations


@dataclass(frozen=True)
class TableSuite:
    """A suite and the warehouse table it validates."""

    schema: str
    table: str
    build: Callable[[], ExpectationSuite]

    @property
    def name(self) -> str:
        return f"{self.schema}.{self.table}"


def jira_issues() -> ExpectationSuite:
    """Issue keys are unique and flow fields are valid: every delivery KPI depends on them."""
    return ExpectationSuite(
        name="raw_jira.issues",
        expectations=[
            gxe.ExpectColumnValuesToNotBeNull(column="id", severity="critical"),
            gxe.ExpectColumnValuesToBeUnique(column="id", severity="critical"),
            gxe.ExpectColumnValuesToNotBeNull(column="key", severity="critical"),
            gxe.ExpectColumnValuesToBeUnique(column="key", severity="critical"),
            gxe.ExpectColumnValuesToNotBeNull(column="project_key", severity="critical"),
            gxe.ExpectColumnValuesToBeInSet(
                column="status_category_key", value_set=STATUS_CATEGORIES, severity="critical"
            ),
            gxe.ExpectColumnValuesToNotBeNull(column="created", severity="critical"),
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="updated", column_B="created", or_equal=True, severity="critical"
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="story_points", min_value=0, max_value=1000, severity="warning"
            ),
        ],
    )


def survey_answers() -> ExpectationSuite:
    """Ratings stay on their 1-5 scale, or CSAT and the value index mean nothing."""
    return ExpectationSuite(
        name="raw_spreadsheets.survey_answers",
        expectations=[
            gxe.ExpectColumnValuesToNotBeNull(column="response_id", severity="critical"),
            gxe.ExpectColumnValuesToNotBeNull(column="service_id", severity="critical"),
            gxe.ExpectCompoundColumnsToBeUnique(
                column_list=["response_id", "service_id", "dimension"], severity="critical"
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="dimension", value_set=SURVEY_DIMENSIONS, severity="critical"
            ),
            gxe.ExpectColumnValuesToBeBetween(
                column="score", min_value=1, max_value=5, severity="critical"
            ),
        ],
    )


TABLE_SUITES: tuple[TableSuite, ...] = (
    TableSuite("raw_jira", "issues", jira_issues),
    TableSuite("raw_spreadsheets", "survey_answers", survey_answers),
)
