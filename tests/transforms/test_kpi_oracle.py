"""The delivery marts equal the KPIs computed in plain Python from the emulated site's objects
(tests/transforms/kpi_oracle.py), per project and month: on the tidy default site and on the
messy real-world one (statuses /status no longer lists, stale embedded categories, localised
names, absent keys)."""

from __future__ import annotations

from datetime import UTC

import pandas as pd
import pytest

from sandbox.jira.messy import BUILTIN_STATUS_CATEGORIES, TESTING, VALIDE
from tests.forecast.oracle import forecasts_shown, latest_forecasts

from .conftest import BuiltWarehouse
from .kpi_oracle import (
    Oracle,
    done_kpis,
    sprint_predictability,
    unknown_status_ids,
    weekly_throughput,
    wip_kpis,
)

SITES = ["sandbox_warehouse", "messy_warehouse"]
DONE_COLUMNS = {
    "mart_delivery_throughput_monthly": [
        "issues_done",
        "story_points_done",
        "issues_with_unknown_status",
    ],
    "mart_delivery_flow_monthly": [
        "issues_done",
        "lead_time_p50_days",
        "lead_time_p85_days",
        "cycle_time_p50_days",
        "cycle_time_p85_days",
        "flow_efficiency_pct",
        "issues_with_unknown_status",
    ],
    "mart_delivery_quality_monthly": ["issues_done", "bugs_done"],
    "mart_delivery_on_time_monthly": [
        "issues_done",
        "done_with_due_date",
        "done_on_time",
        "done_late",
        "on_time_rate_pct",
        "issues_with_unknown_status",
    ],
}
WIP_COLUMNS = [
    "wip_issues",
    "wip_story_points",
    "wip_age_mean_days",
    "wip_age_p85_days",
    "wip_age_max_days",
    "unknown_status_issues",
]


@pytest.fixture(params=SITES)
def built(request: pytest.FixtureRequest) -> BuiltWarehouse:
    """Each site's warehouse, built once per session."""
    return request.getfixturevalue(request.param)


def mart_rows(
    warehouse: BuiltWarehouse, mart: str, columns: list[str], period: str = "month"
) -> dict:
    """(project_key, period start) -> {column: value} of one monthly (or weekly) mart."""
    start = f"{period}_start"
    frame = warehouse.query(f"select project_key, {start}, {', '.join(columns)} from marts.{mart}")
    frame[start] = pd.to_datetime(frame[start]).dt.date
    frame = frame.astype(object).where(frame.notna(), None)
    return {
        (row["project_key"], row[start]): {c: row[c] for c in columns}
        for row in frame.to_dict("records")
    }


def assert_rows_equal(mart: dict, truth: dict) -> None:
    """Same (project, month) keys, and each value equal (times to a second, rounded to 3
    decimals in the marts)."""
    assert sorted(mart) == sorted(truth)
    for key, row in truth.items():
        for column, expected in row.items():
            assert mart[key][column] == pytest.approx(expected, abs=2e-3), (key, column)


@pytest.mark.parametrize("mart", sorted(DONE_COLUMNS))
def test_kpis_by_month_of_first_done_equal_the_oracle(built, mart):
    columns = DONE_COLUMNS[mart]
    truth = {
        key: {c: kpis[c] for c in columns} for key, kpis in done_kpis(Oracle(built.site)).items()
    }
    assert_rows_equal(mart_rows(built, mart, columns), truth)


def test_wip_at_each_month_end_equals_the_oracle(built):
    built_at = built.query("select max(as_of_at) as t from marts.mart_delivery_wip_monthly")
    built_at = built_at["t"][0].to_pydatetime().replace(tzinfo=UTC)
    assert_rows_equal(
        mart_rows(built, "mart_delivery_wip_monthly", WIP_COLUMNS),
        wip_kpis(Oracle(built.site), built_at),
    )


def test_weekly_throughput_equals_the_oracle(built):
    assert_rows_equal(
        mart_rows(
            built, "mart_delivery_throughput_weekly", ["issues_done", "story_points_done"], "week"
        ),
        weekly_throughput(Oracle(built.site)),
    )


def test_sprint_predictability_of_each_closed_sprint_equals_the_oracle(built):
    truth = sprint_predictability(Oracle(built.site))
    columns = sorted(next(iter(truth.values())))
    frame = built.query(
        f"select sprint_id, {', '.join(columns)} from marts.mart_delivery_sprint_predictability"
    )
    frame = frame.astype(object).where(frame.notna(), None)
    mart = {int(row.pop("sprint_id")): row for row in frame.to_dict("records")}
    assert sum(kpis["committed_issues"] for kpis in truth.values()) > 0
    assert_rows_equal(mart, truth)


def test_the_default_site_has_no_status_of_unknown_category(sandbox_warehouse):
    assert unknown_status_ids(Oracle(sandbox_warehouse.site)) == set()
    assert sandbox_warehouse.query("select * from intermediate.int_jira__unknown_statuses").empty


def test_unknown_status_check_lists_exactly_the_hidden_statuses_no_source_categorises(
    messy_warehouse,
):
    """Of the statuses the messy site hides from /status, the built-in ones have a fixed
    category and the retired "Validé" was entered with the resolution set: only the retired
    "测试中" (in progress, no resolution) is left unknown."""
    site = messy_warehouse.site
    assert site.hidden_status_ids - set(BUILTIN_STATUS_CATEGORIES) - {VALIDE.id} == {TESTING.id}
    listed = messy_warehouse.query("select * from intermediate.int_jira__unknown_statuses")
    assert set(listed["status_id"]) == unknown_status_ids(Oracle(site)) == {TESTING.id}
    in_testing = {
        issue.key
        for issue in site.issues.values()
        if any(change.to_status is TESTING for change in issue.status_changes)
    }
    assert set(listed["issue_keys_sample"][0]) == in_testing
    assert listed["issues"][0] == len(in_testing)


def test_unknown_status_check_warns_without_failing_the_build(messy_warehouse):
    results = {r["unique_id"]: r for r in messy_warehouse.run_results["results"]}
    check = next(r for uid, r in results.items() if ".no_status_of_unknown_category." in uid)
    assert (check["status"], check["failures"]) == ("warn", 1)


def test_scorecard_counts_the_done_issues_resting_on_unknown_statuses(messy_warehouse):
    flagged = sum(
        kpis["issues_with_unknown_status"]
        for kpis in done_kpis(Oracle(messy_warehouse.site)).values()
    )
    scorecard = messy_warehouse.query(
        "select sum(delivery_issues_with_unknown_status) as n "
        "from marts.mart_pmo_value_scorecard_quarterly"
    )
    assert 0 < flagged == scorecard["n"][0]


def test_every_issue_is_currently_done_exactly_when_it_has_reached_done(built):
    """One truth for a status's category: "currently done" never contradicts the history."""
    contradictions = built.query(
        "select issue_key from intermediate.int_jira__issue_lifecycle "
        "where is_done and first_done_at is null"
    )
    assert contradictions.empty


def test_bug_type_check_warns_when_no_issue_type_matches(contract_warehouse, messy_warehouse):
    """The contract warehouse has only a Story: the bug share would read 0 %, so it warns;
    the messy site's localised bug types (Fehler, Bogue, 故障) match the shipped names."""

    def bug_check(warehouse: BuiltWarehouse) -> dict:
        return next(
            r
            for r in warehouse.run_results["results"]
            if ".some_issue_type_matches_the_bug_types." in r["unique_id"]
        )

    assert bug_check(contract_warehouse)["status"] == "warn"
    assert bug_check(messy_warehouse)["status"] == "pass"


def test_delivery_forecast_equals_the_oracle(built) -> None:
    mart = built.query("select * from marts.mart_delivery_forecast")
    assert forecasts_shown(mart) == latest_forecasts(built.site, built.portfolio.projects)
