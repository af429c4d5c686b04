"""One contract, two sources: a project both hold counts once (Smartsheet first) with the
disagreement named, unmapped projects stay flagged, and the messy world's values are kept and
named, never silently dropped."""

from __future__ import annotations

import json

import pandas as pd

from tests.transforms.conftest import dbt_target_dir

from . import oracle


def items(portfolio_build, where: str):
    return portfolio_build.query(
        f"select * from intermediate.int_portfolio__plan_items where {where}"
    )


def test_a_project_in_both_sources_counts_once_from_smartsheet_with_the_conflict_named(
    portfolio_build,
):
    schedule = portfolio_build.both["mart_portfolio_schedule"].set_index("project_key")
    shared = {s.project_key for s in portfolio_build.plans.plans()} & {
        p["project_key"] for p in portfolio_build.register
    }
    assert shared and schedule.index.is_unique
    rows = schedule.loc[sorted(shared)]
    assert set(rows["source_system"]) == {"smartsheet"}
    assert set(rows["other_sources"]) == {"project_register"}
    assert rows["conflicting_fields"].notna().all()


def test_projects_without_a_jira_project_are_kept_and_flagged(portfolio_build):
    schedule = portfolio_build.both["mart_portfolio_schedule"].set_index("project_key")
    unmapped = schedule[schedule["jira_mapping"] == "unmapped"]
    assert set(unmapped["source_system"]) == {"smartsheet", "project_register"}
    assert not unmapped["is_mapped_to_jira"].any()
    assert unmapped["jira_project_key"].isna().all()


def test_register_only_build_has_every_register_project_from_the_register(portfolio_build):
    schedule = portfolio_build.register_only["mart_portfolio_schedule"]
    assert sorted(schedule["project_key"]) == sorted(
        p["project_key"] for p in portfolio_build.register
    )
    assert set(schedule["source_system"]) == {"project_register"}


def test_a_milestone_without_baseline_has_no_slip_and_is_named(portfolio_build):
    slip = portfolio_build.both["mart_portfolio_milestone_slip"].set_index("plan_item_id")
    milestone = slip.loc[str(portfolio_build.edits.no_baseline)]
    assert not milestone["has_baseline"]
    assert pd.isna(milestone["slip_days"])
    assert "milestone without baseline" in milestone["data_issues"]


def test_a_moved_baseline_keeps_the_original_and_counts_the_move(portfolio_build):
    slip = portfolio_build.both["mart_portfolio_milestone_slip"].set_index("plan_item_id")
    milestone = slip.loc[str(portfolio_build.edits.rebaselined)]
    assert milestone["baseline_changes"] == 1
    moved = (milestone["baseline_finish"] - milestone["original_baseline_finish"]).days
    assert moved == 7
    assert milestone["slip_vs_original_baseline_days"] == milestone["slip_days"] + 7


def test_percent_complete_out_of_range_or_text_is_kept_and_named(portfolio_build):
    edits = portfolio_build.edits
    found = items(
        portfolio_build, f"plan_item_id in ('{edits.out_of_range}', '{edits.not_a_number}')"
    ).set_index("plan_item_id")
    wrong = found.loc[str(edits.out_of_range)]
    assert wrong["percent_complete_loaded"] == 1.5
    assert pd.isna(wrong["percent_complete_pct"])  # left out of the roll-up
    assert "percent complete outside 0-100" in wrong["data_issues"]
    text = found.loc[str(edits.not_a_number)]
    assert "percent complete missing or not a number" in text["data_issues"]


def test_a_localised_rag_label_is_read_and_an_unknown_one_named(portfolio_build):
    edits = portfolio_build.edits
    found = items(
        portfolio_build, f"plan_item_id in ('{edits.localised_rag}', '{edits.unknown_rag}')"
    ).set_index("plan_item_id")
    assert found.loc[str(edits.localised_rag), "rag"] == "red"
    unknown = found.loc[str(edits.unknown_rag)]
    assert (unknown["rag"], unknown["rag_label"]) == ("unknown", "Violet")
    assert "unknown RAG label" in unknown["data_issues"]


def test_time_in_a_status_label_the_seed_does_not_list_is_counted_and_named(portfolio_build):
    picklist = next(s for s in portfolio_build.plans.plans() if oracle.has_text_picklist_status(s))
    schedule = portfolio_build.both["mart_portfolio_schedule"].set_index("project_key")
    project = schedule.loc[picklist.project_key]
    assert project["unknown_rag_labels"] == "Kritisch"
    assert project["days_status_unknown"] > 0
    unknown = portfolio_build.query(
        "select rag_label, seen_in from intermediate.int_portfolio__rag_labels "
        "where rag = 'unknown' order by rag_label"
    )
    assert unknown.values.tolist() == [
        ["Kritisch", "status history"],
        ["Violet", "plan item status, status history"],
    ]


def test_a_status_label_the_seed_does_not_list_fails_a_warn_check(portfolio_build):
    results = json.loads(
        (dbt_target_dir(portfolio_build.warehouse) / "run_results.json").read_text()
    )
    status = {r["unique_id"].split(".")[2]: r["status"] for r in results["results"]}
    assert status["portfolio_status_labels_are_all_in_the_seed"] == "warn"


def test_a_deleted_row_leaves_the_plan_items(portfolio_build):
    assert items(portfolio_build, f"plan_item_id = '{portfolio_build.edits.deleted}'").empty
    loaded = portfolio_build.query(
        "select count(*) as n from raw_smartsheet.rows where row_id = "
        f"{portfolio_build.edits.deleted}"
    )
    assert loaded["n"][0] == 0
