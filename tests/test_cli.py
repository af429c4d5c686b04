"""The command line fails clearly when configuration is missing."""

from __future__ import annotations

import pytest

from pipelines.cli import main
from pipelines.preflight import missing_settings

REQUIRED = (
    "SOURCES__JIRA__BASE_URL",
    "SOURCES__JIRA__PROJECTS",
    "SOURCES__JIRA__EMAIL",
    "SOURCES__JIRA__API_TOKEN",
    "SOURCES__JIRA__PAT",
    "SOURCES__SPREADSHEETS__LANDING_URL",
    "SOURCES__SPREADSHEETS__PSEUDONYMISATION_KEY",
)


@pytest.fixture
def no_settings(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in REQUIRED:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_refresh_without_settings_names_each_missing_one(
    no_settings: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["refresh"]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert "SOURCES__JIRA__BASE_URL" in error
    assert "SOURCES__SPREADSHEETS__PSEUDONYMISATION_KEY" in error


def test_data_center_token_replaces_email_and_api_token(no_settings: pytest.MonkeyPatch) -> None:
    no_settings.setenv("SOURCES__JIRA__BASE_URL", "https://jira.example.com")
    no_settings.setenv("SOURCES__JIRA__PROJECTS", "APOLLO")
    no_settings.setenv("SOURCES__JIRA__PAT", "pat-value")
    no_settings.setenv("SOURCES__SPREADSHEETS__LANDING_URL", "/srv/landing")
    no_settings.setenv("SOURCES__SPREADSHEETS__PSEUDONYMISATION_KEY", "k")
    assert missing_settings() == []


def test_secret_values_never_appear_in_the_error(
    no_settings: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    no_settings.setenv("SOURCES__JIRA__API_TOKEN", "canary-secret-4711")
    main(["refresh"])
    assert "canary-secret-4711" not in capsys.readouterr().err
