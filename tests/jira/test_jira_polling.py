"""The polling sensor's search: the source's scope (projects and JQL filter), newest first."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pipelines.events.polling import newest_jira_update
from sandbox.jira.emulator import JiraEmulator
from sandbox.jira.site import JiraSite
from tests.jira.conftest import EMAIL, PROJECT_KEYS, TOKEN


@pytest.fixture
def site_in_env(
    site: JiraSite, emulator: JiraEmulator, monkeypatch: pytest.MonkeyPatch
) -> Iterator[JiraSite]:
    """The source's settings point at the emulated site, as in production."""
    monkeypatch.setenv("SOURCES__JIRA__BASE_URL", emulator.base_url)
    monkeypatch.setenv("SOURCES__JIRA__EMAIL", EMAIL)
    monkeypatch.setenv("SOURCES__JIRA__API_TOKEN", TOKEN)
    monkeypatch.setenv("SOURCES__JIRA__PROJECTS", PROJECT_KEYS)
    yield site


def test_polling_finds_the_newest_update_in_the_projects(site_in_env: JiraSite) -> None:
    newest = max(issue.updated for issue in site_in_env.issues.values())
    assert newest_jira_update(None) == newest


def test_polling_honours_the_jql_filter(
    site_in_env: JiraSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    issues = site_in_env.issues.values()
    newest = max(issues, key=lambda issue: issue.updated)
    other_type = next(name for name in ("Bug", "Task", "Story") if name != newest.issue_type.name)
    monkeypatch.setenv("SOURCES__JIRA__JQL_FILTER", f"issuetype in ({other_type})")
    in_scope = [issue.updated for issue in issues if issue.issue_type.name == other_type]
    assert newest_jira_update(None) == max(in_scope) < newest.updated
