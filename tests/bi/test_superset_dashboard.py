"""Superset, set up by `make bi`'s script, shows the marts' numbers on the PMO value scorecard."""

from __future__ import annotations

import duckdb
import pytest

from warehouse.bi.dashboard import SupersetClient, set_up_dashboard

pytestmark = pytest.mark.slow

# Big number on the dashboard -> the scorecard column it shows and the format it is shown in.
HEADLINES = {
    "Value delivery rate % (latest quarter)": ("value_delivery_rate_pct", ".1f"),
    "CSAT (latest quarter)": ("csat_mean", ".2f"),
    "NPS (latest quarter)": ("nps", ".1f"),
    "Composite score (latest quarter)": ("composite_score", ".1f"),
}


def read_mart(superset, sql: str) -> list[tuple]:
    with duckdb.connect(str(superset.snapshot), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_each_big_number_is_the_latest_quarter_of_the_scorecard(superset, dashboard_view):
    columns = ", ".join(column for column, _ in HEADLINES.values())
    (latest,) = read_mart(
        superset,
        f"select {columns} from pmo_value_scorecard_quarterly order by quarter_start desc limit 1",
    )
    assert None not in latest, "the demo's latest quarter should have every headline"
    expected = {
        name: format(value, number_format)
        for (name, (_, number_format)), value in zip(HEADLINES.items(), latest, strict=True)
    }
    assert dashboard_view.big_numbers == expected


def test_the_throughput_table_is_the_delivery_mart_summed_per_project(superset, dashboard_view):
    totals = read_mart(
        superset,
        "select project_key, sum(issues_done), sum(story_points_done) "
        "from delivery_throughput_monthly group by project_key",
    )
    expected = sorted([key, f"{issues:,d}", f"{points:,.1f}"] for key, issues, points in totals)
    assert sorted(dashboard_view.tables["Throughput by project"]) == expected


def test_setting_up_again_creates_nothing_new(superset):
    client = SupersetClient(superset.base_url, "admin", superset.password)
    resources = ("database", "dataset", "chart", "dashboard")
    before = {resource: client.call("GET", f"{resource}/")["count"] for resource in resources}
    set_up_dashboard(client, superset.snapshot)
    after = {resource: client.call("GET", f"{resource}/")["count"] for resource in resources}
    assert after == before
    assert before["dashboard"] == 1
    assert before["chart"] == len(HEADLINES) + 1
