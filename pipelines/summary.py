"""A short KPI summary of the warehouse for the command line."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from warehouse.connection import connect

RAW_TABLES = """
select schema_name || '.' || table_name as name
from duckdb_tables()
where schema_name in ('raw_jira', 'raw_spreadsheets', 'raw_smartsheet')
  and not starts_with(table_name, '_dlt')
order by 1
"""

THROUGHPUT = """
select project_key as project,
       count(*) as months_with_delivery,
       sum(issues_done) as issues_done,
       sum(story_points_done) as story_points_done,
       max(month_start) as last_month
from marts.mart_delivery_throughput_monthly
group by project_key
order by project_key
"""

LATEST_CSAT = """
select service_id as service, service_name, wave, responses,
       round(csat_mean, 2) as csat_mean, round(csat_pct_4_plus, 1) as csat_pct_4_plus
from marts.mart_service_csat
where wave = (select max(wave) from marts.mart_service_csat)
order by service_id
"""

PORTFOLIO_SCHEDULE = """
select project_key as project,
       source_system as source,
       coalesce(jira_project_key, '(unmapped)') as jira_project,
       rag,
       milestones_late || ' of ' || milestones as milestones_late,
       max_milestone_slip_days as worst_slip_days,
       round(percent_complete_pct, 1) as pct_complete,
       round(planned_percent_complete_pct, 1) as pct_planned,
       round(budget_variance_pct, 1) as budget_variance_pct,
       jira_issues_done
from marts.mart_portfolio_schedule
order by project_key
"""


def raw_table_counts_sql(con: duckdb.DuckDBPyConnection) -> str:
    """Exact row counts of every raw table (DuckDB's estimates lag after merges)."""
    names = con.sql(RAW_TABLES).df()["name"]
    return "\nunion all\n".join(
        f'select \'{name}\' as "table", count(*) as "rows" from {name}' for name in names
    )


def kpi_summary(path: Path, as_of: datetime | None = None) -> str:
    """Row counts of the raw tables, throughput per project, each project's schedule beside its
    Jira delivery, and the latest wave's CSAT; with ``as_of``, as the lake held them then."""
    with connect(path, as_of) as con:
        sections = [
            ("Raw tables", raw_table_counts_sql(con)),
            ("Throughput (issues first reaching done), all months", THROUGHPUT),
            ("Portfolio schedule (plan vs baseline, beside Jira delivery)", PORTFOLIO_SCHEDULE),
            (
                "CSAT per PMO service, latest survey wave (null = fewer than 5 respondents)",
                LATEST_CSAT,
            ),
        ]
        parts = [f"{title}\n{con.sql(sql).df().to_string(index=False)}" for title, sql in sections]
    heading = f"As of {as_of.isoformat()} (the lake's snapshot then)\n\n" if as_of else ""
    return heading + "\n\n".join(parts)
