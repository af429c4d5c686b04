"""The KPI report's portfolio schedule section, drawn from the portfolio marts."""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse.publishing.paths import serving_database_path
from warehouse.report.kpi_report import SERVING_TABLES_READ, build_kpi_report

PORTFOLIO_TABLES = (
    "portfolio_schedule",
    "portfolio_plan_changes_monthly",
    "portfolio_slip_monthly",
)


def snapshot_with_portfolio(pipeline_run, portfolio_build, path: Path) -> Path:
    """The run's serving snapshot with the portfolio tables of the Smartsheet build."""
    with duckdb.connect(str(path)) as con:
        con.execute(f"attach '{serving_database_path(pipeline_run.warehouse)}' as run (read_only)")
        con.execute(f"attach '{portfolio_build.warehouse}' as built (read_only)")
        for name in SERVING_TABLES_READ:
            source = f"built.marts.mart_{name}" if name in PORTFOLIO_TABLES else f'run."{name}"'
            con.execute(f'create table "{name}" as select * from {source}')
    return path


def test_report_draws_the_portfolio_schedule_with_every_project(
    pipeline_run, portfolio_build, tmp_path: Path
):
    snapshot = snapshot_with_portfolio(pipeline_run, portfolio_build, tmp_path / "s.duckdb")
    report = build_kpi_report(snapshot, tmp_path / "report.html")
    page = report.path.read_text()
    assert "Portfolio schedule" not in report.awaiting
    assert "Schedule slip per project next to Jira delivery" in page
    assert "Plan changes per month" in page
    assert "Worst milestone slip per project at each month end" in page
    for project in portfolio_build.both["mart_portfolio_schedule"]["project_key"]:
        assert f'"{project}"' in page
