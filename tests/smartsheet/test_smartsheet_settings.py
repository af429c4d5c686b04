"""Settings: regions, ids, the token kept out of messages, and an install without Smartsheet."""

from __future__ import annotations

import time

import pytest

from connectors.smartsheet import smartsheet_source
from connectors.smartsheet.client import RateLimit
from connectors.smartsheet.errors import SmartsheetConfigError
from connectors.smartsheet.settings import SmartsheetSettings
from pipelines.preflight import missing_settings
from tests.smartsheet.conftest import only_sources

TOKEN = "SOURCES__SMARTSHEET__ACCESS_TOKEN"
KEY = "SOURCES__SMARTSHEET__PSEUDONYMISATION_KEY"


@pytest.mark.parametrize(
    ("region", "url"),
    [
        ("us", "https://api.smartsheet.com/2.0"),
        ("eu", "https://api.smartsheet.eu/2.0"),
        ("au", "https://api.smartsheet.au/2.0"),
    ],
)
def test_each_region_has_its_api_host(region: str, url: str) -> None:
    assert SmartsheetSettings(region=region).api_url == url


def test_an_unknown_region_names_the_setting() -> None:
    with pytest.raises(SmartsheetConfigError, match="SOURCES__SMARTSHEET__REGION"):
        _ = SmartsheetSettings(region="uk").api_url


def test_ids_must_be_numbers() -> None:
    settings = SmartsheetSettings(sheet_ids="123, abc")
    with pytest.raises(SmartsheetConfigError, match="SOURCES__SMARTSHEET__SHEET_IDS"):
        settings.ids("sheet_ids")


def test_a_missing_token_names_its_setting_not_a_value() -> None:
    with pytest.raises(SmartsheetConfigError, match="SOURCES__SMARTSHEET__ACCESS_TOKEN"):
        SmartsheetSettings(pseudonymisation_key="k").check()


def test_without_smartsheet_settings_the_source_is_not_in_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("ACCESS_TOKEN", "BASE_URL", "WORKSPACE_IDS", "FOLDER_IDS", "SHEET_IDS"):
        monkeypatch.delenv(f"SOURCES__SMARTSHEET__{name}", raising=False)
    assert not SmartsheetSettings.from_config().in_use
    monkeypatch.setenv("SOURCES__SMARTSHEET__WORKSPACE_IDS", "42")
    assert SmartsheetSettings.from_config().in_use


def test_the_source_builds_without_settings_and_refuses_its_first_request() -> None:
    """What declares the Dagster assets: a source with no token, not a placeholder one."""
    declared = smartsheet_source(access_token=None, pseudonymisation_key=None)
    with pytest.raises(Exception, match=f"{TOKEN} is not set"):
        list(declared)


def test_preflight_asks_a_smartsheet_only_install_for_nothing_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    only_sources(monkeypatch, **{TOKEN: "token", KEY: "key"})
    assert missing_settings() == []


def test_preflight_names_what_a_started_smartsheet_install_lacks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    only_sources(monkeypatch, SOURCES__SMARTSHEET__WORKSPACE_IDS="42")
    assert missing_settings() == [TOKEN, KEY]


def test_preflight_without_any_source_names_smartsheet_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    only_sources(monkeypatch)
    assert {"SOURCES__JIRA__BASE_URL", TOKEN} <= set(missing_settings())


def test_the_client_paces_itself_after_a_minutes_allowance(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """300 requests a minute per token: a burst of 300, then one every 0.2 s."""
    waits: list[float] = []
    monkeypatch.setattr(time, "sleep", waits.append)
    limit = RateLimit(300)
    for _ in range(302):
        limit.acquire()
    assert len(waits) == 2
    assert all(0.15 < wait <= 0.4 for wait in waits)


def test_no_pacing_when_the_limit_is_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(time, "sleep", waits.append)
    limit = RateLimit(0)
    for _ in range(1000):
        limit.acquire()
    assert waits == []
