"""The command line fails clearly when configuration is missing, and says why a check failed."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from connectors.smartsheet.settings import SETTING_NAMES as SMARTSHEET_SETTINGS
from pipelines.cli import _report, main
from pipelines.preflight import missing_settings
from pipelines.refresh import _outcome
from quality.validate import FailedExpectation

REQUIRED = (
    "SOURCES__JIRA__BASE_URL",
    "SOURCES__JIRA__PROJECTS",
    "SOURCES__JIRA__EMAIL",
    "SOURCES__JIRA__API_TOKEN",
    "SOURCES__JIRA__PAT",
    "SOURCES__SPREADSHEETS__LANDING_URL",
    "SOURCES__SPREADSHEETS__PSEUDONYMISATION_KEY",
    *SMARTSHEET_SETTINGS.values(),
)


@pytest.fixture
def no_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    for name in REQUIRED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
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


UNKNOWN_PROJECT = FailedExpectation(
    expectation="expect_column_values_to_be_in_set",
    column="project_key",
    severity="critical",
    unexpected_count=1,
    observed=None,
    sample=["ORION"],
    expected={"value_set": ["APOLLO", "HERMES"]},
)


def test_the_summary_says_why_a_check_failed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    @dg.asset(key=["raw_spreadsheets", "project_register"])
    def project_register() -> None: ...

    @dg.asset_check(asset=project_register, name="gx_project_register")
    def gx_project_register() -> dg.AssetCheckResult:
        # the metadata the Great Expectations checks record (pipelines/defs/quality.py)
        failures = dg.MetadataValue.json([UNKNOWN_PROJECT.as_metadata()])
        return dg.AssetCheckResult(passed=False, metadata={"failures": failures})

    result = dg.materialize([project_register, gx_project_register], raise_on_error=False)
    _report(_outcome(result, tmp_path / "log"), 1.0)
    printed = capsys.readouterr().out
    assert "failed check: raw_spreadsheets/project_register:gx_project_register" in printed
    (why,) = [line for line in printed.splitlines() if "expect_column_values_to_be_in_set" in line]
    assert "on project_key" in why
    assert "'APOLLO', 'HERMES'" in why
    assert "1 rows unexpected" in why
    assert "ORION" in why
