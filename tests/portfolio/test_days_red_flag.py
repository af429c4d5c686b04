"""days_red counts plan items' status histories only (Smartsheet keeps no history of a sheet
summary): a project red now without an item red in its history on the as-of day says that its
days_red is short, rather than publishing the smaller figure silently."""

from __future__ import annotations

import duckdb
import pandas as pd

from . import oracle
from .conftest import AS_OF


def flags(schedule: pd.DataFrame) -> dict[str, bool | None]:
    return {
        key: None if pd.isna(flag) else bool(flag)
        for key, flag in zip(schedule["project_key"], schedule["days_red_is_partial"], strict=True)
    }


def test_days_red_is_flagged_partial_exactly_where_the_oracle_says(portfolio_build):
    expected = oracle.schedule(
        portfolio_build.plans, portfolio_build.register, portfolio_build.jira_keys, AS_OF
    )
    found = flags(portfolio_build.both["mart_portfolio_schedule"])
    assert found == {key: project["days_red_is_partial"] for key, project in expected.items()}
    assert False in found.values()


def test_a_register_project_without_history_has_no_flag(portfolio_build):
    found = flags(portfolio_build.register_only["mart_portfolio_schedule"])
    assert set(found.values()) == {None}


def test_the_demo_project_red_by_its_sheet_summary_alone_is_flagged(pipeline_run):
    """The demo loads status history for milestone rows (the connector's default): ZEUS is
    red by its summary while none of its milestones' histories is red."""
    with duckdb.connect(str(pipeline_run.warehouse), read_only=True) as con:
        schedule = con.sql(
            "select * from marts.mart_portfolio_schedule where source_system = 'smartsheet'"
        ).df()
    as_of = schedule["as_of_date"].iloc[0].date()
    expected = {}
    for sheet in pipeline_run.sandbox.portfolio.plans():
        plan = oracle.Plan(sheet)
        spans = [span for row in plan.milestones for span in oracle.status_spans(plan, row)]
        is_red = oracle.rag_of(plan.summary("Project Status")) == "red"
        expected[sheet.project_key] = is_red and not oracle.red_at(spans, as_of)
    assert flags(schedule) == expected
    assert expected["ZEUS"] and not all(expected.values())
