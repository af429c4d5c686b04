"""The incremental status history recomputes only the issues loaded since its last build, yet
every mart and Jira intermediate model ends up equal to a --full-refresh build on the same
data: after reopenings, deletions, new issues, a load that committed late and a status
recategorised in Jira."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from .conftest import dbt

# Known before the session fixture runs: every mart of the project and the Jira intermediate
# models built on the incremental history (the fixture asserts that it compared exactly these).
COMPARED = (
    "marts.mart_delivery_flow_monthly",
    "marts.mart_delivery_forecast",
    "marts.mart_delivery_forecast_trend",
    "marts.mart_delivery_on_time_monthly",
    "marts.mart_delivery_quality_monthly",
    "marts.mart_delivery_schedule_slip",
    "marts.mart_delivery_sprint_predictability",
    "marts.mart_delivery_throughput_monthly",
    "marts.mart_delivery_throughput_weekly",
    "marts.mart_delivery_time_in_status_monthly",
    "marts.mart_delivery_wip_monthly",
    "marts.mart_maturity_by_domain",
    "marts.mart_needs_coverage",
    "marts.mart_pmo_value_scorecard_quarterly",
    "marts.mart_portfolio_health",
    "marts.mart_portfolio_milestone_slip",
    "marts.mart_portfolio_milestone_slip_history",
    "marts.mart_portfolio_plan_changes_monthly",
    "marts.mart_portfolio_rag_distribution",
    "marts.mart_portfolio_rag_history",
    "marts.mart_portfolio_schedule",
    "marts.mart_portfolio_slip_monthly",
    "marts.mart_service_csat",
    "marts.mart_service_need_coverage",
    "marts.mart_service_value",
    "marts.mart_strategic_alignment_quarterly",
    "marts.mart_strategic_alignment_summary_quarterly",
    "marts.mart_survey_nps",
    "marts.mart_value_delivery_rate",
    "intermediate.int_jira__issue_lifecycle",
    "intermediate.int_jira__sprint_membership",
    "intermediate.int_jira__status_intervals",
    "intermediate.int_jira__status_transitions",
)
# WIP ages of the current month are measured at build time: seconds apart between the builds.
TOLERANCE = {"marts.mart_delivery_wip_monthly": {"atol": 0.01}}


def test_every_mart_is_compared(incremental_rebuild):
    assert set(incremental_rebuild.incremental) == set(COMPARED)


@pytest.mark.parametrize("table", COMPARED)
def test_incremental_build_equals_full_refresh(incremental_rebuild, table):
    pd.testing.assert_frame_equal(
        incremental_rebuild.incremental[table],
        incremental_rebuild.full_refresh[table],
        **TOLERANCE.get(table, {}),
    )


def lifecycle_of(incremental_rebuild, key: str) -> pd.DataFrame:
    lifecycle = incremental_rebuild.incremental["intermediate.int_jira__issue_lifecycle"]
    return lifecycle[lifecycle["issue_key"] == key]


def test_incremental_build_sees_the_reopening(incremental_rebuild):
    reopened = lifecycle_of(incremental_rebuild, incremental_rebuild.reopened_key)
    assert reopened["reopen_count"].iloc[0] >= 1
    assert not reopened["is_done"].iloc[0]


def test_incremental_build_applies_a_status_recategorised_in_jira(incremental_rebuild):
    intervals = incremental_rebuild.incremental["intermediate.int_jira__status_intervals"]
    recategorised = intervals[intervals["status_id"] == incremental_rebuild.recategorised_status]
    assert not recategorised.empty
    assert (recategorised["status_category_key"] == "done").all()


def test_incremental_build_replaces_a_rewritten_history(incremental_rebuild):
    before = incremental_rebuild.before["intermediate.int_jira__issue_lifecycle"]
    moves_before = before[before["issue_key"] == incremental_rebuild.rewritten_key]
    rewritten = lifecycle_of(incremental_rebuild, incremental_rebuild.rewritten_key)
    expected = moves_before["status_change_count"].iloc[0] - 1
    assert rewritten["status_change_count"].iloc[0] == expected


def test_incremental_build_drops_issues_deleted_in_jira(incremental_rebuild):
    assert lifecycle_of(incremental_rebuild, incremental_rebuild.deleted_key).empty


def test_incremental_build_adds_issues_created_in_jira(incremental_rebuild):
    assert lifecycle_of(incremental_rebuild, incremental_rebuild.created_key)["is_done"].all()


def monthly_partitions(frames: dict) -> set[tuple[str, object]]:
    throughput = frames["marts.mart_delivery_throughput_monthly"]
    months = pd.to_datetime(throughput["month_start"]).dt.date
    return set(zip(throughput["project_key"], months, strict=True))


def test_incremental_build_drops_the_partition_a_deletion_emptied(incremental_rebuild):
    assert incremental_rebuild.emptied_partition in monthly_partitions(incremental_rebuild.before)
    emptied = incremental_rebuild.emptied_partition
    assert emptied not in monthly_partitions(incremental_rebuild.incremental)


@pytest.mark.parametrize("table", COMPARED)
def test_incremental_build_equals_full_refresh_on_the_messy_site(messy_incremental_rebuild, table):
    pd.testing.assert_frame_equal(
        messy_incremental_rebuild.incremental[table],
        messy_incremental_rebuild.full_refresh[table],
        **TOLERANCE.get(table, {}),
    )


def unknown_status_wip(frames: dict) -> int:
    return frames["marts.mart_delivery_wip_monthly"]["unknown_status_issues"].sum()


def test_deleting_an_issue_in_an_unknown_status_updates_the_unknown_wip(
    messy_incremental_rebuild,
):
    before = unknown_status_wip(messy_incremental_rebuild.before)
    assert unknown_status_wip(messy_incremental_rebuild.incremental) < before


def test_key_test_of_the_incremental_history_catches_a_duplicate(contract_warehouse_copy):
    with duckdb.connect(str(contract_warehouse_copy)) as con:
        con.execute(
            "insert into intermediate.int_jira__status_history "
            "select * from intermediate.int_jira__status_history limit 1"
        )
    key_test = dbt(
        contract_warehouse_copy,
        "test",
        "--select",
        "int_jira__status_history,test_name:unique_combination_of_columns",
    )
    assert key_test.returncode == 1
    assert "FAIL 1" in key_test.stdout


@pytest.mark.parametrize("table", COMPARED)
def test_incremental_build_after_a_full_jira_reload_equals_full_refresh(full_reload_rebuild, table):
    pd.testing.assert_frame_equal(
        full_reload_rebuild.incremental[table],
        full_reload_rebuild.full_refresh[table],
        **TOLERANCE.get(table, {}),
    )


def test_incremental_build_after_a_full_jira_reload_replaces_the_rewritten_history(
    full_reload_rebuild,
):
    def status_changes(frames: dict) -> int:
        lifecycle = frames["intermediate.int_jira__issue_lifecycle"]
        return lifecycle[lifecycle["issue_key"] == full_reload_rebuild.rewritten_key][
            "status_change_count"
        ].iloc[0]

    assert status_changes(full_reload_rebuild.incremental) == (
        status_changes(full_reload_rebuild.before) - 1
    )
