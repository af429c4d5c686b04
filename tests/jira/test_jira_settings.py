"""One Jira settings object: the source's spec, read as well by the polling sensor and the
preflight, with the rule that a personal access token replaces the email and API token."""

from __future__ import annotations

import inspect

import pytest

from connectors.jira import jira_source
from connectors.jira.settings import JiraSettings
from pipelines.preflight import jira_configured, missing_settings


@pytest.fixture
def jira_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No Jira or spreadsheet setting from the developer's environment leaks in."""
    for name in list(__import__("os").environ):
        if name.startswith(("SOURCES__JIRA__", "SOURCES__SPREADSHEETS__")):
            monkeypatch.delenv(name)
    return monkeypatch


def test_the_source_resolves_its_arguments_with_the_shared_settings() -> None:
    assert jira_source.ref.SPEC is JiraSettings
    assert list(inspect.signature(jira_source).parameters) == list(
        JiraSettings.get_resolvable_fields()
    )


def test_credentials_are_secrets() -> None:
    secrets = {
        name
        for name, hint in JiraSettings.get_resolvable_fields().items()
        if "SecretSentinel" in str(hint)
    }
    assert secrets == {"api_token", "pat"}


def test_settings_resolve_from_the_environment(jira_env: pytest.MonkeyPatch) -> None:
    jira_env.setenv("SOURCES__JIRA__JQL_FILTER", "issuetype = Bug")
    jira_env.setenv("SOURCES__JIRA__LOOKBACK_MINUTES", "30")
    settings = JiraSettings.from_config()
    assert (settings.jql_filter, settings.lookback_minutes) == ("issuetype = Bug", 30)


def test_a_pat_replaces_the_email_and_api_token() -> None:
    cloud = JiraSettings(base_url="https://x.example", projects="APOLLO")
    assert cloud.missing() == ["SOURCES__JIRA__EMAIL", "SOURCES__JIRA__API_TOKEN"]
    data_center = JiraSettings(base_url="https://x.example", projects="APOLLO", pat="secret")
    assert data_center.missing() == []


def test_the_preflight_reads_the_same_settings(jira_env: pytest.MonkeyPatch) -> None:
    jira_env.setenv("SOURCES__JIRA__PAT", "secret")
    assert jira_configured()
    assert missing_settings() == ["SOURCES__JIRA__BASE_URL", "SOURCES__JIRA__PROJECTS"]
