"""Incremental runs read only what changed and end where a fresh full load ends."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import dlt
from dlt.common.pipeline import LoadInfo

from connectors.smartsheet import smartsheet_source
from sandbox.smartsheet.emulator import SmartsheetEmulator
from sandbox.smartsheet.portfolio import Portfolio
from tests.jira.conftest import reader
from tests.smartsheet.conftest import TABLES, Query, raw_pipeline, settings, table_contents


def edit(portfolio: Portfolio) -> None:
    """A day of plan changes: a slipped finish, a status gone red, a new task, a removed
    task, a deleted plan."""
    first, second, third, fourth = portfolio.plans()
    finish = first.column("Finish").id
    slipped = first.rows[3].values[finish]
    portfolio.update_row(first.id, first.rows[3].id, {"Finish": slipped.replace(day=28)})
    portfolio.update_row(first.id, first.rows[-1].id, {"Status": "Red"})
    portfolio.add_row(second.id, {"Task Name": "Security review", "Start": slipped})
    portfolio.delete_row(third.id, third.rows[6].id)
    portfolio.delete_sheet(fourth.id)


def test_incremental_equals_a_full_load_after_edits(
    load: Callable[..., LoadInfo],
    portfolio: Portfolio,
    emulator: SmartsheetEmulator,
    query: Query,
    tmp_path: Path,
) -> None:
    load(cell_history="all")
    edit(portfolio)
    load(cell_history="all")
    fresh = raw_pipeline("fresh", tmp_path)
    fresh.run(smartsheet_source(**settings(emulator, cell_history="all")))
    fresh_query = reader(tmp_path / "fresh.duckdb")
    for table in TABLES:
        assert table_contents(query, table) == table_contents(fresh_query, table), table


def test_an_unchanged_account_costs_only_the_listing(
    load: Callable[..., LoadInfo], emulator: SmartsheetEmulator
) -> None:
    load()
    emulator.reset_counts()
    load()
    assert sorted(r.path for r in emulator.requests) == [
        "/sheets",
        f"/workspaces/{emulator.portfolio.workspaces[0].id}",
    ]


def test_a_changed_sheet_is_read_once_with_its_changed_rows_only(
    load: Callable[..., LoadInfo], emulator: SmartsheetEmulator, portfolio: Portfolio
) -> None:
    load(cell_history="off")
    plan = portfolio.plans()[1]
    portfolio.update_row(plan.id, plan.rows[2].id, {"% Complete": 1.0})
    emulator.reset_counts()
    load(cell_history="off")
    sheet_reads = [r for r in emulator.requests if r.path == f"/sheets/{plan.id}"]
    assert len(sheet_reads) == 1
    assert {"ifVersionAfter", "rowsModifiedSince"} <= set(sheet_reads[0].params)
    assert emulator.request_count == 4  # workspace, listing, the sheet, its summary


def test_only_changed_rows_are_loaded_again(
    load: Callable[..., LoadInfo], portfolio: Portfolio, pipeline: dlt.Pipeline
) -> None:
    load()
    plan = portfolio.plans()[0]
    portfolio.update_row(plan.id, plan.rows[2].id, {"% Complete": 1.0})
    load()
    assert pipeline.last_trace.last_normalize_info.row_counts["rows"] == 1


def test_a_pass_over_named_sheets_reads_only_them(
    load: Callable[..., LoadInfo], portfolio: Portfolio, emulator: SmartsheetEmulator
) -> None:
    load()
    first, second, *_ = portfolio.plans()
    portfolio.update_row(first.id, first.rows[2].id, {"Status": "Red"})
    portfolio.update_row(second.id, second.rows[2].id, {"Status": "Red"})
    emulator.reset_counts()
    load(only_sheets=(first.id,))
    assert {r.path.split("/")[2] for r in emulator.requests} == {str(first.id)}


def test_named_passes_then_an_ordinary_one_equal_a_full_load(
    load: Callable[..., LoadInfo],
    portfolio: Portfolio,
    emulator: SmartsheetEmulator,
    query: Query,
    tmp_path: Path,
) -> None:
    """A named pass leaves the listing cursor where it was: the sheets it did not name are
    found by the next ordinary pass; a named sheet deleted since is tombstoned."""
    load()
    first, *_, fourth = portfolio.plans()
    edit(portfolio)
    time.sleep(1.1)  # Smartsheet stamps to the second: the named pass answers a second later
    load(only_sheets=(first.id, fourth.id))
    assert str(fourth.id) not in {
        str(s) for (s,) in query("select sheet_id from raw_smartsheet.sheets")
    }
    load()
    fresh = raw_pipeline("fresh", tmp_path)
    fresh.run(smartsheet_source(**settings(emulator)))
    fresh_query = reader(tmp_path / "fresh.duckdb")
    for table in TABLES:
        assert table_contents(query, table) == table_contents(fresh_query, table), table


def test_a_named_sheet_never_loaded_makes_it_an_ordinary_pass(
    load: Callable[..., LoadInfo], portfolio: Portfolio, query: Query
) -> None:
    load(only_sheets=(portfolio.plans()[0].id,))
    (loaded,) = query("select count(*) from raw_smartsheet.sheets")[0]
    assert loaded == len(portfolio.sheets)
