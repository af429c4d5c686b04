"""End to end: KPIs recomputed in pandas from the sandbox generator's own truth (not from the
warehouse) must equal the marts built from what the connectors loaded."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from sandbox.jira.site import IN_PROGRESS, Issue

from .conftest import TRANSFORMS_DIR, BuiltWarehouse


def done_issues_truth(warehouse: BuiltWarehouse) -> pd.DataFrame:
    """One row per generated non-sub-task issue that reached done, from the site model."""
    rows = [
        {
            "project_key": issue.project.key,
            "month_start": issue.first_done_at.date().replace(day=1),
            "story_points": issue.story_points,
            "cycle_time_days": (issue.first_done_at - issue.first_in_progress_at).total_seconds()
            / 86400
            if issue.first_in_progress_at and issue.first_in_progress_at <= issue.first_done_at
            else None,
            "reopened": issue.was_reopened,
        }
        for issue in warehouse.site.issues.values()
        if issue.first_done_at is not None and not issue.issue_type.subtask
    ]
    return pd.DataFrame(rows)


def waiting_status_ids() -> set[str]:
    """The statuses the project's seed marks as waiting for flow efficiency."""
    with (TRANSFORMS_DIR / "seeds" / "status_flow_overrides.csv").open() as seed:
        return {row["status_id"] for row in csv.DictReader(seed) if row["is_waiting"] == "true"}


def active_and_waiting_seconds(issue: Issue, waiting: set[str]) -> tuple[float, float]:
    """Active and waiting time inside the issue's cycle (first in progress -> first done)."""
    start, end = issue.first_in_progress_at, issue.first_done_at
    changes = issue.status_changes
    stretches = [(issue.created, changes[0].from_status)] + [(c.at, c.to_status) for c in changes]
    ends = [at for at, _ in stretches[1:]] + [end]
    active = waiting_time = 0.0
    for (entered, status), left in zip(stretches, ends, strict=True):
        seconds = max((min(left, end) - max(entered, start)).total_seconds(), 0.0)
        if status.category is IN_PROGRESS and status.id not in waiting:
            active += seconds
        else:
            waiting_time += seconds
    return active, waiting_time


def survey_truth(warehouse: BuiltWarehouse) -> pd.DataFrame:
    """One row per generated survey response."""
    return pd.DataFrame([row for rows in warehouse.portfolio.survey_waves.values() for row in rows])


def test_monthly_throughput_matches_the_generated_issues(sandbox_warehouse):
    truth = (
        done_issues_truth(sandbox_warehouse)
        .groupby(["project_key", "month_start"])
        .agg(
            issues_done=("story_points", "size"),
            # null, not 0, when none of the month's done issues is estimated
            story_points_done=("story_points", lambda points: points.sum(min_count=1)),
        )
        .reset_index()
    )
    mart = sandbox_warehouse.query(
        "select project_key, month_start, issues_done, story_points_done "
        "from marts.mart_delivery_throughput_monthly"
    )
    mart["month_start"] = pd.to_datetime(mart["month_start"]).dt.date
    merged = truth.merge(mart, on=["project_key", "month_start"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()
    assert (merged["issues_done_x"] == merged["issues_done_y"]).all()
    assert merged["story_points_done_x"].tolist() == pytest.approx(
        merged["story_points_done_y"].tolist(), nan_ok=True
    )


def test_median_cycle_time_matches_the_generated_status_changes(sandbox_warehouse):
    truth = (
        done_issues_truth(sandbox_warehouse)
        .dropna(subset=["cycle_time_days"])
        .groupby(["project_key", "month_start"])["cycle_time_days"]
        .median()
        .round(3)
        .rename("truth")
        .reset_index()
    )
    mart = sandbox_warehouse.query(
        "select project_key, month_start, cycle_time_p50_days "
        "from marts.mart_delivery_flow_monthly where cycle_time_p50_days is not null"
    )
    mart["month_start"] = pd.to_datetime(mart["month_start"]).dt.date
    merged = truth.merge(mart, on=["project_key", "month_start"], how="outer")
    assert merged["truth"].tolist() == pytest.approx(
        merged["cycle_time_p50_days"].tolist(), abs=0.0015
    )


def test_reopen_rate_matches_the_generated_reopenings(sandbox_warehouse):
    truth = done_issues_truth(sandbox_warehouse)
    mart = sandbox_warehouse.query(
        "select sum(issues_reopened) as reopened, sum(issues_done) as done "
        "from marts.mart_delivery_quality_monthly"
    )
    assert truth["reopened"].sum() > 0
    assert mart["reopened"][0] == truth["reopened"].sum()
    assert mart["done"][0] == len(truth)


def test_flow_efficiency_counts_the_sandbox_blocked_time_as_waiting(sandbox_warehouse):
    waiting = waiting_status_ids()
    times = [
        active_and_waiting_seconds(issue, waiting)
        for issue in sandbox_warehouse.site.issues.values()
        if issue.first_done_at is not None
        and issue.first_in_progress_at is not None
        and issue.first_in_progress_at <= issue.first_done_at
        and not issue.issue_type.subtask
    ]
    truth = 100 * sum(active for active, _ in times) / sum(map(sum, times))
    mart = sandbox_warehouse.query(
        "select 100 * sum(active_days) / sum(active_days + waiting_days) as efficiency "
        "from marts.mart_delivery_flow_monthly"
    )["efficiency"][0]
    assert 0 < mart < 100
    assert mart == pytest.approx(truth)


def test_value_delivery_rate_per_wave_matches_the_generated_responses(sandbox_warehouse):
    responses = survey_truth(sandbox_warehouse)
    truth = (
        responses.assign(top=responses["overall_value"] >= 4).groupby("wave")["top"].mean().mul(100)
    )
    mart = sandbox_warehouse.query(
        "select wave, value_delivery_rate_pct from marts.mart_value_delivery_rate"
    ).set_index("wave")["value_delivery_rate_pct"]
    assert mart.sort_index().tolist() == pytest.approx(truth.sort_index().tolist())


def test_nps_per_wave_and_group_matches_the_generated_responses(sandbox_warehouse):
    responses = survey_truth(sandbox_warehouse)
    band = pd.cut(responses["likelihood_to_recommend"], [-1, 6, 8, 10], labels=[-100, 0, 100])
    truth = (
        responses.assign(score=band.astype(int))
        .groupby(["wave", "stakeholder_group"])
        .agg(nps=("score", "mean"), respondents=("score", "size"))
        .reset_index()
    )
    mart = sandbox_warehouse.query(
        "select wave, stakeholder_group, respondents, nps from marts.mart_survey_nps "
        "where stakeholder_group <> 'All groups'"
    )
    merged = truth.merge(mart, on=["wave", "stakeholder_group"], how="outer")
    assert (merged["respondents_x"] == merged["respondents_y"]).all()
    shown = merged[merged["respondents_x"] >= 5]
    assert shown["nps_x"].tolist() == pytest.approx(shown["nps_y"].tolist())
    assert merged.loc[merged["respondents_x"] < 5, "nps_y"].isna().all()
