"""Forecasts per project and epic from the dbt models' rows (warehouse.forecasting
.forecast_subjects): which weeks are sampled, and why a subject has no forecast."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from warehouse.forecasting import NO_JIRA_ISSUES, NOT_ESTIMATED, forecast_subjects

from .conftest import AS_OF, sample_rows, scope_row


def one(result, subject_key: str, basis: str = "issues"):
    rows = result[(result["subject_key"] == subject_key) & (result["scope_basis"] == basis)]
    (row,) = rows.itertuples(index=False)
    return row


def test_a_project_with_full_history_samples_its_own_weeks(frames, settings):
    scope, samples = frames([scope_row("P1", 6)], sample_rows("P1", [3] * 12))
    row = one(forecast_subjects(scope, samples, settings), "P1")
    assert (row.sample_source, row.sampled_weeks, row.p85_weeks) == ("project", 12, 2)


def test_a_project_with_too_short_a_history_samples_the_portfolios_weeks(frames, settings):
    # P2 started within the window: its own weeks (zeros before it began) would understate
    # its pace. It samples the weeks of P1 (3 a week), the only project with the full history.
    scope, samples = frames(
        [scope_row("P1", 30), scope_row("P2", 6)],
        sample_rows("P1", [3] * 12) + sample_rows("P2", [0] * 10 + [9, 9], full_history=False),
    )
    row = one(forecast_subjects(scope, samples, settings), "P2")
    assert (row.sample_source, row.sampled_weeks, row.p85_weeks) == ("portfolio", 12, 2)


def test_an_epic_samples_its_projects_weeks(frames, settings):
    epic = scope_row("P1-1", 5, subject_type="epic", project_key="P1")
    scope, samples = frames([epic], sample_rows("P1", [5] * 12))
    assert one(forecast_subjects(scope, samples, settings), "P1-1").p50_weeks == 1


def test_story_points_are_forecast_from_the_points_done(frames, settings):
    # 2 points per done issue, 3 issues a week: 6 points a week; 13 points left: week 3.
    project = scope_row("P1", 4, remaining_story_points=13.0, unestimated_issues=1)
    scope, samples = frames([project], sample_rows("P1", [3] * 12))
    row = one(forecast_subjects(scope, samples, settings), "P1", "story_points")
    assert (row.remaining_scope, row.unestimated_issues, row.p50_weeks) == (13.0, 1, 3)


def test_open_issues_without_estimates_give_no_story_point_forecast(frames, settings):
    scope, samples = frames([scope_row("P1", 4)], sample_rows("P1", [3] * 12))
    row = one(forecast_subjects(scope, samples, settings), "P1", "story_points")
    assert row.no_forecast_reason == NOT_ESTIMATED
    assert pd.isna(row.p85_weeks)


def test_a_register_project_without_jira_issues_has_no_forecast_and_samples_nothing(
    frames, settings
):
    scope, samples = frames([scope_row("P9", None)], sample_rows("P1", [3] * 12))
    row = one(forecast_subjects(scope, samples, settings), "P9")
    assert (row.no_forecast_reason, row.sampled_weeks) == (NO_JIRA_ISSUES, 0)
    assert pd.isna(row.sample_source)


def test_the_target_counts_whole_weeks_from_the_as_of_day(frames, settings):
    # 3 a week, 9 to go: done 3 weeks after the as-of day; a target 20 days out (2 whole
    # weeks) is missed, one 21 days out is met.
    rows = [
        scope_row("P1", 9, target_date=AS_OF + timedelta(days=20)),
        scope_row("P2", 9, target_date=AS_OF + timedelta(days=21)),
    ]
    scope, samples = frames(rows, sample_rows("P1", [3] * 12) + sample_rows("P2", [3] * 12))
    result = forecast_subjects(scope, samples, settings)
    assert one(result, "P1").probability_by_target == 0.0
    assert one(result, "P2").probability_by_target == 1.0


def test_scope_added_between_two_as_of_days_moves_the_later_forecast(frames, settings):
    week_later = AS_OF + timedelta(days=7)
    scope, samples = frames(
        [scope_row("P1", 4), scope_row("P1", 10, as_of_date=week_later)],
        sample_rows("P1", [2] * 12) + sample_rows("P1", [2] * 12, as_of_date=week_later),
    )
    result = forecast_subjects(scope, samples, settings)
    weeks = result.set_index("as_of_date").query("scope_basis == 'issues'")["p85_weeks"]
    assert (weeks[AS_OF], weeks[week_later]) == (2, 5)


def test_the_same_seed_gives_the_same_table(frames, settings):
    scope, samples = frames(
        [scope_row("P1", 25, target_date=date(2026, 12, 1))],
        sample_rows("P1", [0, 1, 4, 2, 0, 3, 1, 1, 0, 2, 5, 1]),
    )
    first = forecast_subjects(scope, samples, settings)
    assert first.equals(forecast_subjects(scope, samples, settings))
