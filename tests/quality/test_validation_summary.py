"""How a validation reports: severities, samples, Data Docs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from quality.suites import jira_issues
from quality.validate import validate_frame
from quality.volume import VolumeChange
from tests.quality.static_references import StaticReferences

PROJECTS = StaticReferences({("raw_jira", "projects", "key"): ["APOLLO"]})


@pytest.fixture
def issues() -> pd.DataFrame:
    created = pd.to_datetime(["2026-01-05T10:00Z", "2026-02-01T09:30Z"])
    return pd.DataFrame(
        {
            "id": ["10001", "10002"],
            "key": ["APOLLO-1", "APOLLO-2"],
            "project_key": ["APOLLO", "APOLLO"],
            "status_category_key": ["done", "indeterminate"],
            "created": created,
            "updated": created + pd.Timedelta(days=3),
            "resolution_date": [created[0] + pd.Timedelta(days=2), pd.NaT],
            "story_points": [3.0, None],
        }
    )


def test_a_warning_is_reported_but_does_not_block(issues: pd.DataFrame) -> None:
    issues.loc[0, "story_points"] = 5000.0
    summary = validate_frame(issues, jira_issues(PROJECTS))
    assert summary.passed
    assert [f.severity for f in summary.failures] == ["warning"]


def test_a_failure_carries_a_sample_of_the_bad_values(issues: pd.DataFrame) -> None:
    issues.loc[1, "status_category_key"] = "En cours"
    (failure,) = validate_frame(issues, jira_issues(PROJECTS)).failures
    assert failure.sample == ["En cours"]
    assert failure.unexpected_count == 1


def test_data_docs_are_built_under_the_project_root(issues: pd.DataFrame, tmp_path: Path) -> None:
    summary = validate_frame(issues, jira_issues(PROJECTS), tmp_path)
    assert summary.docs_index is not None
    assert summary.docs_index.is_relative_to(tmp_path)
    assert "raw_jira.issues" in summary.docs_index.read_text() or summary.docs_index.exists()


def test_volume_within_limit_is_not_an_anomaly() -> None:
    assert not VolumeChange(previous=100, current=140, max_change_pct=50).is_anomaly


def test_volume_drop_beyond_limit_is_an_anomaly() -> None:
    change = VolumeChange(previous=100, current=20, max_change_pct=50)
    assert change.is_anomaly
    assert change.change_pct == -80.0


def test_first_volume_observation_is_never_an_anomaly() -> None:
    assert not VolumeChange(previous=None, current=10, max_change_pct=50).is_anomaly


def test_a_failure_says_what_should_hold_and_what_was_seen(issues: pd.DataFrame) -> None:
    issues.loc[0, "story_points"] = 5000.0
    (failure,) = validate_frame(issues, jira_issues(PROJECTS)).failures
    line = failure.describe()
    assert "story_points" in line and "max_value=" in line and "5000.0" in line
    assert failure.as_metadata()["expected"]["max_value"] == failure.expected["max_value"]


def test_a_drop_beyond_the_limit_is_a_drop() -> None:
    assert VolumeChange(previous=370, current=0, max_change_pct=50).is_drop


def test_growth_beyond_the_limit_is_not_a_drop() -> None:
    change = VolumeChange(previous=100, current=400, max_change_pct=50)
    assert change.is_anomaly and not change.is_drop


def test_the_first_rows_of_an_empty_table_are_not_an_anomaly() -> None:
    assert not VolumeChange(previous=0, current=370, max_change_pct=50).is_anomaly
