"""The portfolio schedule marts equal the plain Python oracle (tests/portfolio/oracle.py)
computed from the objects the warehouse was loaded from: the register workbook's rows alone,
then a messy Smartsheet account loaded over HTTP beside it."""

from __future__ import annotations

import math
from datetime import datetime

import pandas as pd

from . import oracle
from .conftest import AS_OF

COMPARED = (
    "source_system",
    "jira_project_key",
    "rag",
    "finish_slip_days",
    "milestones",
    "milestones_with_baseline",
    "milestones_late",
    "max_milestone_slip_days",
    "percent_complete_pct",
    "planned_percent_complete_pct",
    "budget",
    "actual_cost",
    "budget_variance",
    "days_red",
    "days_status_unknown",
    "unknown_rag_labels",
)


def plain(value):
    """A mart cell as a comparable Python value (floats to 6 places, NA as None)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, float):
        return round(value, 6)
    return value.item() if hasattr(value, "item") else value


def by_project(schedule: pd.DataFrame) -> dict[str, dict]:
    return {
        row["project_key"]: {column: plain(row[column]) for column in COMPARED}
        for _, row in schedule.iterrows()
    }


def rounded(projects: dict[str, dict]) -> dict[str, dict]:
    return {
        key: {column: plain(project[column]) for column in COMPARED}
        for key, project in projects.items()
    }


def test_schedule_from_the_register_alone_equals_the_oracle(portfolio_build):
    expected = oracle.schedule(None, portfolio_build.register, portfolio_build.jira_keys, AS_OF)
    mart = portfolio_build.register_only["mart_portfolio_schedule"]
    assert by_project(mart) == rounded(expected)


def test_schedule_from_smartsheet_and_the_register_equals_the_oracle(portfolio_build):
    expected = oracle.schedule(
        portfolio_build.plans, portfolio_build.register, portfolio_build.jira_keys, AS_OF
    )
    mart = portfolio_build.both["mart_portfolio_schedule"]
    assert by_project(mart) == rounded(expected)


def test_schedule_of_plans_from_a_project_online_import_equals_the_oracle(portfolio_build):
    imported = [
        sheet
        for sheet in portfolio_build.plans.plans()
        if {"Health", "Cost", "Milestone"} <= {column.title for column in sheet.columns}
    ]
    maps = portfolio_build.query(
        "select distinct column_map from raw_smartsheet.sheets where sheet_id in "
        f"({', '.join(str(sheet.id) for sheet in imported)})"
    )
    assert len(imported) == 2 and maps["column_map"].tolist() == ["project_online"]
    expected = oracle.schedule(
        portfolio_build.plans, portfolio_build.register, portfolio_build.jira_keys, AS_OF
    )
    found = by_project(portfolio_build.both["mart_portfolio_schedule"])
    keys = [sheet.project_key for sheet in imported]
    assert {key: found[key] for key in keys} == rounded({key: expected[key] for key in keys})


def test_milestone_slip_history_equals_the_oracle(portfolio_build):
    history = portfolio_build.both["mart_portfolio_milestone_slip_history"]
    found = {
        (row["plan_item_id"], row["changed_at"].to_pydatetime()): plain(row["slip_days"])
        for _, row in history.iterrows()
    }
    assert found == oracle.milestone_slip_history(portfolio_build.plans)


def test_plan_changes_per_month_equal_the_oracle(portfolio_build):
    monthly = portfolio_build.both["mart_portfolio_plan_changes_monthly"]
    kinds = ("plan_changes", "schedule_changes", "baseline_changes", "status_changes")
    found = {
        (row["project_key"], row["month_start"].date()): {
            kind: int(row[kind]) for kind in kinds if row[kind]
        }
        for _, row in monthly.iterrows()
    }
    assert found == oracle.plan_changes_monthly(portfolio_build.plans)


def test_rag_history_red_days_per_item_equal_the_oracle(portfolio_build):
    spans = portfolio_build.both["mart_portfolio_rag_history"]
    red = spans[spans["rag"] == "red"].groupby("plan_item_id")["days_held"].sum()
    as_of = datetime.combine(AS_OF, datetime.min.time())
    expected = {}
    for sheet in portfolio_build.plans.plans():
        plan = oracle.Plan(sheet)
        for row in plan.leaves:
            held = sum(
                (min(stop or as_of, as_of) - start).total_seconds() / 86400
                for rag, start, stop in oracle.status_spans(plan, row)
                if rag == "red" and start < as_of
            )
            if held:
                expected[str(row.id)] = round(held, 6)
    assert {key: round(value, 6) for key, value in red.items() if value} == expected


def test_the_oracle_sees_slip_progress_and_red_time_worth_comparing(portfolio_build):
    expected = oracle.schedule(
        portfolio_build.plans, portfolio_build.register, portfolio_build.jira_keys, AS_OF
    )
    smartsheet = [p for p in expected.values() if p["source_system"] == "smartsheet"]
    assert any(p["max_milestone_slip_days"] for p in smartsheet)
    assert all(0 < p["planned_percent_complete_pct"] < 100 for p in smartsheet)
    assert any(p["days_red"] and not math.isclose(p["days_red"], 0) for p in smartsheet)


def test_the_oracle_sees_red_time_in_a_plan_whose_status_is_a_localised_picklist(
    portfolio_build,
):
    expected = oracle.schedule(
        portfolio_build.plans, portfolio_build.register, portfolio_build.jira_keys, AS_OF
    )
    picklists = [
        sheet for sheet in portfolio_build.plans.plans() if oracle.has_text_picklist_status(sheet)
    ]
    assert picklists
    for sheet in picklists:
        assert expected[sheet.project_key]["days_red"] > 0
        assert expected[sheet.project_key]["days_status_unknown"] > 0


def test_scorecard_milestones_due_per_quarter_equal_the_oracle(portfolio_build):
    scorecard = portfolio_build.both["mart_pmo_value_scorecard_quarterly"]
    columns = ("milestones_due", "milestone_on_schedule_pct", "milestone_slip_mean_days")
    found = {
        row["quarter_start"].date(): {column: plain(row[column]) for column in columns}
        for _, row in scorecard.iterrows()
        if row["milestones_due"]
    }
    slips = oracle.milestone_slips(portfolio_build.plans, portfolio_build.register)
    expected = oracle.scorecard_schedule(slips)
    shown = set(scorecard["quarter_start"].dt.date)
    assert found == {
        quarter: {column: plain(value) for column, value in kpis.items()}
        for quarter, kpis in expected.items()
        if quarter in shown
    }
    assert found


def test_slip_per_project_at_each_month_end_equals_the_oracle(portfolio_build):
    monthly = portfolio_build.both["mart_portfolio_slip_monthly"]
    columns = ("milestones_tracked", "milestones_late", "max_slip_days", "mean_slip_days")
    found = {
        (row["project_key"], row["month_start"].date()): {c: plain(row[c]) for c in columns}
        for _, row in monthly.iterrows()
    }
    expected = oracle.slip_monthly(portfolio_build.plans, AS_OF)
    assert len(expected) > len(portfolio_build.plans.plans())  # months of several projects
    assert found == {key: {c: plain(v) for c, v in kpis.items()} for key, kpis in expected.items()}
