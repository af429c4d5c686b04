"""Each Great Expectations suite passes good data and fails bad data on the right expectation."""

from __future__ import annotations

import pandas as pd
import pytest

from quality.suites import jira_issues, survey_answers
from quality.validate import validate_frame


@pytest.fixture
def good_issues() -> pd.DataFrame:
    created = pd.to_datetime(["2026-01-05T10:00Z", "2026-02-01T09:30Z"])
    return pd.DataFrame(
        {
            "id": ["10001", "10002"],
            "key": ["APOLLO-1", "APOLLO-2"],
            "project_key": ["APOLLO", "APOLLO"],
            "status_category_key": ["done", "indeterminate"],
            "created": created,
            "updated": created + pd.Timedelta(days=3),
            "story_points": [3.0, None],
        }
    )


@pytest.fixture
def good_answers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "response_id": ["r1", "r1", "r2"],
            "service_id": ["SVC-GOV", "SVC-GOV", "SVC-GOV"],
            "dimension": ["satisfaction", "value", "satisfaction"],
            "score": [4, 5, 1],
        }
    )


def failed(frame: pd.DataFrame, suite) -> set[tuple[str, str | None]]:
    return {(f.expectation, f.column) for f in validate_frame(frame, suite).failures}


def test_valid_issues_pass(good_issues: pd.DataFrame) -> None:
    assert validate_frame(good_issues, jira_issues()).passed


def test_duplicate_issue_id_blocks(good_issues: pd.DataFrame) -> None:
    good_issues.loc[1, "id"] = "10001"
    summary = validate_frame(good_issues, jira_issues())
    assert not summary.passed
    assert ("expect_column_values_to_be_unique", "id") in failed(good_issues, jira_issues())


def test_status_name_instead_of_category_blocks(good_issues: pd.DataFrame) -> None:
    good_issues.loc[0, "status_category_key"] = "Erledigt"
    summary = validate_frame(good_issues, jira_issues())
    assert not summary.passed
    assert summary.failures[0].sample == ["Erledigt"]


def test_updated_before_created_blocks(good_issues: pd.DataFrame) -> None:
    good_issues.loc[0, "updated"] = good_issues.loc[0, "created"] - pd.Timedelta(hours=1)
    assert ("expect_column_pair_values_a_to_be_greater_than_b", "updated,created") in failed(
        good_issues, jira_issues()
    )


def test_absurd_story_points_only_warn(good_issues: pd.DataFrame) -> None:
    good_issues.loc[0, "story_points"] = 5000.0
    summary = validate_frame(good_issues, jira_issues())
    assert summary.passed
    assert [f.severity for f in summary.failures] == ["warning"]


def test_valid_answers_pass(good_answers: pd.DataFrame) -> None:
    assert validate_frame(good_answers, survey_answers()).passed


def test_rating_outside_scale_blocks(good_answers: pd.DataFrame) -> None:
    good_answers.loc[2, "score"] = 6
    assert ("expect_column_values_to_be_between", "score") in failed(good_answers, survey_answers())


def test_same_answer_twice_blocks(good_answers: pd.DataFrame) -> None:
    good_answers.loc[1, "dimension"] = "satisfaction"
    assert (
        "expect_compound_columns_to_be_unique",
        "response_id,service_id,dimension",
    ) in failed(good_answers, survey_answers())
