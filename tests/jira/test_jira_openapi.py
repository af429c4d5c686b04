"""The emulator's responses satisfy Atlassian's OpenAPI specs (the subset kept in the repo)."""

from collections.abc import Callable
from typing import Any

import pytest

from sandbox.jira.emulator import JiraEmulator
from sandbox.jira.site import JiraSite
from tests.jira.openapi import AGILE, PLATFORM, response_errors

LONG_SEARCH = {"jql": "project = APOLLO", "fields": ["*all"], "expand": "changelog"}
MESSY_SEARCH = {"jql": "project = WEIXIN", "fields": ["*all"], "expand": "changelog"}


def long_issue(site: JiraSite) -> str:
    return next(i.key for i in site.issues.values() if len(i.histories) > 40)


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("GET", "/rest/api/3/serverInfo", {}),
        ("GET", "/rest/api/3/myself", {}),
        ("GET", "/rest/api/3/project/search", {}),
        ("GET", "/rest/api/3/field", {}),
        ("GET", "/rest/api/3/status", {}),
        ("POST", "/rest/api/3/search/jql", {"json": LONG_SEARCH}),
        (
            "POST",
            "/rest/api/3/search/approximate-count",
            {"json": {"jql": "project = APOLLO"}},
        ),
        ("GET", "/rest/api/3/worklog/updated", {}),
        ("GET", "/rest/api/3/worklog/deleted", {}),
        (
            "POST",
            "/rest/api/3/worklog/list",
            {"json": {"ids": [100000]}},
        ),
        ("GET", "/rest/api/3/users/search", {}),
    ],
)
def test_platform_responses_match_the_spec(
    api: Callable, method: str, path: str, kwargs: dict[str, Any]
) -> None:
    body = api(method, path, **kwargs).json()
    assert response_errors(PLATFORM, method, path, body) == []


def test_issue_changelog_matches_the_spec(api: Callable, site: JiraSite) -> None:
    body = api("GET", f"/rest/api/3/issue/{long_issue(site)}/changelog").json()
    assert (
        response_errors(PLATFORM, "GET", "/rest/api/3/issue/{issueIdOrKey}/changelog", body) == []
    )


def test_bulk_changelog_matches_the_spec(api: Callable, site: JiraSite) -> None:
    request = {"issueIdsOrKeys": [long_issue(site)], "maxResults": 10}
    body = api("POST", "/rest/api/3/changelog/bulkfetch", json=request).json()
    assert response_errors(PLATFORM, "POST", "/rest/api/3/changelog/bulkfetch", body) == []


def test_agile_board_page_matches_the_spec(api: Callable) -> None:
    body = api("GET", "/rest/agile/1.0/board").json()
    assert response_errors(AGILE, "GET", "/rest/agile/1.0/board", body) == []


def test_the_checker_catches_a_wrong_shape() -> None:
    broken = {"isLast": "yes", "issues": [{"id": 12}]}
    assert response_errors(PLATFORM, "POST", "/rest/api/3/search/jql", broken)


@pytest.mark.parametrize(
    ("spec", "method", "path", "kwargs"),
    [
        (PLATFORM, "GET", "/rest/api/3/project/search", {}),
        (PLATFORM, "GET", "/rest/api/3/status", {}),
        (PLATFORM, "GET", "/rest/api/3/users/search", {}),
        (PLATFORM, "POST", "/rest/api/3/search/jql", {"json": MESSY_SEARCH}),
        (AGILE, "GET", "/rest/agile/1.0/board", {}),
    ],
)
def test_messy_site_responses_match_the_spec(
    messy_emulator: JiraEmulator,
    messy_api: Callable,
    spec: str,
    method: str,
    path: str,
    kwargs: dict[str, Any],
) -> None:
    messy_emulator.faults.clear()  # its passing proxy pages are not Jira's answers
    body = messy_api(method, path, **kwargs).json()
    assert response_errors(spec, method, path, body) == []
