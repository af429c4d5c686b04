"""Smartsheet's sensors: spooled callbacks become one incremental run naming their sheets; the
polling fallback asks for a run only when a sheet changed; without Smartsheet, nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from connectors.smartsheet.settings import SETTING_NAMES
from pipelines.defs.smartsheet import (
    smartsheet_incremental,
    smartsheet_polling_sensor,
    smartsheet_webhook_sensor,
)
from pipelines.events.settings import SPOOL_ENV
from pipelines.events.smartsheet_events import parse_callback
from pipelines.events.smartsheet_spool import SmartsheetSpool, smartsheet_spool_path
from sandbox.smartsheet.emulator import SmartsheetEmulator
from sandbox.smartsheet.portfolio import GANTT, generate_portfolio
from tests.events.test_smartsheet_receiver import callback

TOKEN = "demo-token"


@pytest.fixture
def smartsheet_spool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmartsheetSpool]:
    """The Smartsheet spool where the sensor looks for it (beside the configured Jira spool)."""
    monkeypatch.setenv(SPOOL_ENV, str(tmp_path / "webhook_spool.sqlite3"))
    with SmartsheetSpool(smartsheet_spool_path()) as spool:
        yield spool


@pytest.fixture
def no_smartsheet(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SETTING_NAMES.values():
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def served_account(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmartsheetEmulator]:
    """A small Smartsheet account on loopback, the source's settings pointing at it."""
    portfolio = generate_portfolio(projects=2, tasks_per_sheet=6, layout=GANTT)
    with SmartsheetEmulator(portfolio, access_token=TOKEN) as emulator:
        monkeypatch.setenv(SETTING_NAMES["access_token"], TOKEN)
        monkeypatch.setenv(SETTING_NAMES["base_url"], emulator.base_url)
        yield emulator


def only_request(result: dg.SensorResult | dg.SkipReason) -> dg.RunRequest:
    assert isinstance(result, dg.SensorResult), result
    (request,) = result.run_requests or []
    return request


def test_callbacks_become_one_incremental_run_naming_their_sheets(
    smartsheet_spool: SmartsheetSpool, evaluate
) -> None:
    for nonce, sheet in (("a", 22), ("b", 11), ("c", 22)):
        smartsheet_spool.append(parse_callback(callback(nonce, sheet)).delivery)
    request = only_request(evaluate(smartsheet_webhook_sensor, None))
    assert request.tags["pmo/smartsheet_sheets"] == "11,22"
    assert request.tags["pmo/webhook_deliveries"] == "3"
    assert smartsheet_webhook_sensor.job_name == smartsheet_incremental.name


def test_a_replayed_callback_adds_no_run(smartsheet_spool: SmartsheetSpool, evaluate) -> None:
    smartsheet_spool.append(parse_callback(callback("a")).delivery)
    first = evaluate(smartsheet_webhook_sensor, None)
    smartsheet_spool.append(parse_callback(callback("a")).delivery)
    again = evaluate(smartsheet_webhook_sensor, first.cursor)
    assert isinstance(again, dg.SkipReason)


def test_the_webhook_sensor_waits_for_a_spool(tmp_path, monkeypatch, evaluate) -> None:
    monkeypatch.setenv(SPOOL_ENV, str(tmp_path / "absent" / "webhook_spool.sqlite3"))
    assert isinstance(evaluate(smartsheet_webhook_sensor, None), dg.SkipReason)


def test_polling_says_smartsheet_is_not_configured(no_smartsheet, evaluate) -> None:
    result = evaluate(smartsheet_polling_sensor, None)
    assert isinstance(result, dg.SkipReason)
    assert "not configured" in (result.skip_message or "")


def test_polling_asks_for_a_run_when_a_sheet_changed(served_account, evaluate) -> None:
    request = only_request(evaluate(smartsheet_polling_sensor, None))
    plans = served_account.portfolio.sheets
    assert set(request.tags["pmo/smartsheet_sheets"].split(",")) == {str(i) for i in plans}


def test_polling_stays_quiet_when_nothing_changed(served_account, evaluate) -> None:
    first = evaluate(smartsheet_polling_sensor, None)
    assert isinstance(evaluate(smartsheet_polling_sensor, first.cursor), dg.SkipReason)


def test_polling_names_the_sheet_edited_after_the_cursor(served_account, evaluate) -> None:
    first = evaluate(smartsheet_polling_sensor, None)
    portfolio = served_account.portfolio
    plan = portfolio.plans()[0]
    portfolio.update_row(plan.id, plan.rows[0].id, {"% Complete": 0.5})
    request = only_request(evaluate(smartsheet_polling_sensor, first.cursor))
    assert request.tags["pmo/smartsheet_sheets"] == str(plan.id)
