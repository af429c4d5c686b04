"""Rate limits (429, errorCode 4003), server errors and dropped connections cost time, never
rows; what still fails after the retries fails in one line without the token."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from dlt.common.pipeline import LoadInfo
from dlt.pipeline.exceptions import PipelineStepFailed

from connectors.smartsheet.errors import SmartsheetError
from sandbox.smartsheet.emulator import SmartsheetEmulator
from sandbox.smartsheet.portfolio import Portfolio
from tests.jira.conftest import root_cause
from tests.smartsheet.conftest import TOKEN, Query


def total_rows(portfolio: Portfolio) -> int:
    return sum(len(s.rows) for s in portfolio.sheets.values())


def test_a_full_load_survives_transient_faults_without_losing_a_row(
    load: Callable[..., LoadInfo],
    emulator: SmartsheetEmulator,
    portfolio: Portfolio,
    query: Query,
) -> None:
    """Every kind at once, one after the other on the same requests: rate limits with and
    without Retry-After, 503s, dropped connections, on discovery, listing and sheets."""
    emulator.inject("rate_limit", "/workspaces", times=2)
    emulator.inject("rate_limit", "/sheets/", times=2)
    emulator.inject("server_error", "/sheets/", times=2, status=503)
    emulator.inject("drop_connection", "/sheets/", times=2)
    emulator.inject("rate_limit", "/sheets/", times=1, retry_after=1)
    load(max_attempts=9)
    assert not any(fault.times for fault in emulator.faults)
    assert query("select count(*) from raw_smartsheet.rows")[0][0] == total_rows(portfolio)
    assert query("select count(*) from raw_smartsheet.sheets")[0][0] == 4


def test_an_incremental_run_survives_a_rate_limit_on_the_changed_sheet(
    load: Callable[..., LoadInfo], emulator: SmartsheetEmulator, portfolio: Portfolio, query: Query
) -> None:
    load()
    plan = portfolio.plans()[0]
    portfolio.update_row(plan.id, plan.rows[2].id, {"Status": "Red"})
    emulator.inject("rate_limit", f"/sheets/{plan.id}", times=2)
    load()
    status = query(f"select status from raw_smartsheet.rows where row_id = {plan.rows[2].id}")
    assert status == [("Red",)]


def test_a_lasting_rate_limit_fails_in_one_line_without_the_token(
    load: Callable[..., LoadInfo], emulator: SmartsheetEmulator
) -> None:
    emulator.inject("rate_limit", "/sheets/", times=100)
    with pytest.raises(PipelineStepFailed) as failure:
        load(max_attempts=2)
    error = root_cause(failure.value)
    assert isinstance(error, SmartsheetError)
    message = str(error)
    assert "HTTP 429" in message and "4003" in message and "\n" not in message
    assert TOKEN not in message


def test_a_failed_run_is_rerun_without_gaps(
    load: Callable[..., LoadInfo], emulator: SmartsheetEmulator, portfolio: Portfolio, query: Query
) -> None:
    """The state is committed with the load only: a run failing half way is redone whole."""
    load()
    first, second = portfolio.plans()[:2]
    portfolio.update_row(first.id, first.rows[2].id, {"Status": "Red"})
    portfolio.update_row(second.id, second.rows[2].id, {"Status": "Red"})
    emulator.inject("server_error", f"/sheets/{second.id}", times=100)
    with pytest.raises(PipelineStepFailed):
        load(max_attempts=2)
    emulator.faults.clear()
    load()
    changed = f"{first.rows[2].id}, {second.rows[2].id}"
    rows = query(f"select status from raw_smartsheet.rows where row_id in ({changed})")
    assert rows == [("Red",), ("Red",)]


def test_the_token_is_never_logged(
    load: Callable[..., LoadInfo], emulator: SmartsheetEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    emulator.inject("rate_limit", "/sheets/", times=2)
    with caplog.at_level(logging.DEBUG):
        load()
    assert caplog.records
    assert all(TOKEN not in record.getMessage() for record in caplog.records)
