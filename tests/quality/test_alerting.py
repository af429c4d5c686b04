"""What the alerts say, and from when the check alert sensor reads: a WARN that is no data
error says what it means and what to do."""

from __future__ import annotations

import pandas as pd

from quality.tables import TABLE_SUITES
from quality.validate import validate_table
from tests.quality.static_references import StaticReferences

REGISTER = next(s for s in TABLE_SUITES if s.name == "raw_spreadsheets.project_register")


def test_a_register_project_jira_does_not_know_warns_that_its_delivery_kpis_are_not_available(
    write_table,
) -> None:
    jira = StaticReferences({("raw_jira", "projects", "key"): ["APOLLO"]})
    register = pd.DataFrame(
        {
            "project_key": ["APOLLO", "ORION"],
            "strategic_objective_id": [None, None],
            "budget": [1.0, 1.0],
            "actual_cost_to_date": [0.0, 0.0],
            "planned_benefits": [1.0, 1.0],
            "realised_benefits": [0.0, 0.0],
            "baseline_start": pd.to_datetime(["2026-01-01"] * 2),
            "baseline_end": pd.to_datetime(["2026-06-30"] * 2),
            "rag": ["Green", "Green"],
        }
    )
    warehouse = write_table("raw_spreadsheets", "project_register", register)
    (failure,) = validate_table(warehouse, REGISTER, references=jira).failures
    assert (failure.column, failure.severity, failure.sample) == (
        "project_key",
        "warning",
        ["ORION"],
    )
    said = failure.describe()
    assert "delivery KPIs are not available" in said
    assert "add the Jira project" in said
    assert failure.as_metadata()["note"] in said
