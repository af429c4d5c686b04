"""Staging reads contract-shaped raw tables: UTC time, statusCategory over status names,
normalised survey groups and RAG values."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from .conftest import TRANSFORMS_DIR, dbt


def test_timestamps_with_offsets_are_converted_to_utc(contract_warehouse):
    lifecycle = contract_warehouse.query(
        "select created_at, first_in_progress_at, first_done_at "
        "from intermediate.int_jira__issue_lifecycle"
    )
    assert lifecycle.iloc[0].tolist() == [
        pd.Timestamp("2025-02-01 01:30:00"),
        pd.Timestamp("2025-03-01 04:00:00"),
        pd.Timestamp("2025-04-01 01:30:00"),
    ]


def test_issue_counts_in_the_utc_month_of_its_first_done(contract_warehouse):
    throughput = contract_warehouse.query(
        "select month_start, issues_done from marts.mart_delivery_throughput_monthly"
    )
    assert throughput.to_dict("records") == [
        {"month_start": pd.Timestamp("2025-04-01"), "issues_done": 1}
    ]


def test_statuses_named_in_any_language_flow_by_category(contract_warehouse):
    flow = contract_warehouse.query(
        "select initial_category_key, is_done, cycle_time_days "
        "from intermediate.int_jira__issue_lifecycle"
    )
    # 2025-03-01 04:00 UTC -> 2025-04-01 01:30 UTC
    assert flow.iloc[0].tolist() == ["new", True, pytest.approx(30 + 21.5 / 24)]


def test_blank_stakeholder_group_becomes_unspecified(contract_warehouse):
    groups = contract_warehouse.query(
        "select stakeholder_group from staging.stg_spreadsheets__survey_responses"
    )
    assert groups["stakeholder_group"].tolist() == ["Unspecified"]


def test_rag_letters_and_words_are_normalised(contract_warehouse):
    rag = contract_warehouse.query(
        "select project_key, rag from marts.mart_portfolio_health order by 1"
    )
    assert rag["rag"].tolist() == ["red", "amber", "unrated"]


def test_project_builds_before_the_jira_agile_tables_exist(tmp_path):
    warehouse = tmp_path / "pmo.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute((TRANSFORMS_DIR / "scripts" / "raw_contract.sql").read_text())
        con.execute("drop table raw_jira.boards; drop table raw_jira.sprints")
        con.execute("drop table raw_jira.issue_sprints")
    build = dbt(
        warehouse,
        "build",
        "--select",
        "+mart_delivery_sprint_predictability",
        "--indirect-selection",
        "cautious",
    )
    assert build.returncode == 0, build.stdout[-3000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        sprints = con.execute("select count(*) from marts.mart_delivery_sprint_predictability")
        assert sprints.fetchone() == (0,)
