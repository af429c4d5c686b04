"""The command line's KPI summary shows each project's schedule beside its Jira delivery."""

from __future__ import annotations

import pandas as pd

from pipelines.summary import kpi_summary
from warehouse.connection import query

SECTION = "Portfolio schedule"


def shown(value: object) -> str:
    """A value as pandas prints it in the summary's table."""
    return "<NA>" if pd.isna(value) else str(value)


def test_the_summary_shows_each_projects_worst_slip_beside_its_jira_issues_done(
    pipeline_run,
) -> None:
    printed = kpi_summary(pipeline_run.warehouse)
    section = printed.split(SECTION, 1)[1].split("\n\n", 1)[0]
    schedule = query(
        pipeline_run.warehouse,
        "select project_key, max_milestone_slip_days, jira_issues_done"
        " from marts.mart_portfolio_schedule",
    )
    assert len(schedule) > 1
    for project, slip, done in schedule.itertuples(index=False):
        (line,) = [line for line in section.splitlines() if line.split()[0] == project]
        assert shown(slip) in line.split()
        assert shown(done) in line.split()
