"""Fixtures for the delivery forecast: the inputs of warehouse.forecasting.forecast_subjects
shaped as the dbt models int_forecast__remaining_scope and int_forecast__throughput_samples
give them."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from warehouse.forecasting import Settings

AS_OF = date(2026, 9, 29)


@pytest.fixture
def settings() -> Settings:
    return Settings(trials=2_000, seed=19, max_weeks=260)


def scope_row(subject_key: str, remaining_issues, **values) -> dict:
    """One row of int_forecast__remaining_scope: a project unless said otherwise."""
    return {
        "as_of_date": AS_OF,
        "subject_type": "project",
        "subject_key": subject_key,
        "project_key": subject_key,
        "remaining_issues": remaining_issues,
        "remaining_story_points": 0.0,
        "unestimated_issues": remaining_issues,
        "target_date": None,
        "target_source": "baseline_end",
        **values,
    }


def sample_rows(project_key: str, weekly: list[float], full_history: bool = True, **values):
    """The rows of int_forecast__throughput_samples of one project (points: 2 per issue)."""
    return [
        {
            "as_of_date": AS_OF,
            "project_key": project_key,
            "week_number": number,
            "issues_done": done,
            "story_points_done": 2.0 * done,
            "has_full_history": full_history,
            **values,
        }
        for number, done in enumerate(weekly, start=1)
    ]


@pytest.fixture
def frames():
    """Build the two input frames from rows."""

    def build(scope: list[dict], samples: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
        return pd.DataFrame(scope), pd.DataFrame(samples)

    return build
