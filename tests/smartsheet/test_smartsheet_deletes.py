"""Rows and sheets deleted in Smartsheet leave the warehouse (tombstones), nothing else does."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import dlt
from dlt.common.pipeline import LoadInfo

from connectors.smartsheet.sync import unpacked_ids
from sandbox.smartsheet.portfolio import Portfolio
from tests.smartsheet.conftest import Query


def count(query: Query, table: str, where: str) -> int:
    return query(f"select count(*) from raw_smartsheet.{table} where {where}")[0][0]


def test_a_deleted_row_leaves_rows_and_cell_history(
    load: Callable[..., LoadInfo], portfolio: Portfolio, query: Query
) -> None:
    load(cell_history="all")
    plan = portfolio.plans()[0]
    gone = plan.rows[1].id
    assert count(query, "cell_history", f"row_id = {gone}") > 0
    portfolio.delete_row(plan.id, gone)
    load(cell_history="all")
    assert count(query, "rows", f"row_id = {gone}") == 0
    assert count(query, "cell_history", f"row_id = {gone}") == 0
    assert count(query, "rows", f"sheet_id = {plan.id}") == len(plan.rows)


def test_a_deleted_sheet_leaves_every_table(
    load: Callable[..., LoadInfo], portfolio: Portfolio, query: Query
) -> None:
    load(cell_history="all")
    plan = portfolio.plans()[2]
    row_ids = ", ".join(str(r.id) for r in plan.rows)
    portfolio.delete_sheet(plan.id)
    load(cell_history="all")
    for table in ("sheets", "columns", "rows", "summary_fields"):
        assert count(query, table, f"sheet_id = {plan.id}") == 0, table
    assert count(query, "cell_history", f"row_id in ({row_ids})") == 0
    assert count(query, "sheets", "true") == 3


def test_a_sheet_out_of_scope_is_removed_like_a_deleted_one(
    load: Callable[..., LoadInfo], portfolio: Portfolio, query: Query
) -> None:
    """Moved out of the configured workspace: the warehouse follows the scope."""
    load()
    plan = portfolio.plans()[0]
    portfolio.workspaces[0].folders[0].sheet_ids.remove(plan.id)
    load()
    assert count(query, "rows", f"sheet_id = {plan.id}") == 0


def test_a_deleted_sheet_named_by_id_is_tombstoned(
    load: Callable[..., LoadInfo], portfolio: Portfolio, query: Query
) -> None:
    """Sheets named by id (no workspace): the listing no longer showing one says it is gone."""
    plan = portfolio.plans()[0]
    ids = ",".join(str(s.id) for s in portfolio.plans())
    load(workspace_ids=None, sheet_ids=ids)
    portfolio.delete_sheet(plan.id)
    load(workspace_ids=None, sheet_ids=ids)
    assert count(query, "sheets", f"sheet_id = {plan.id}") == 0
    assert count(query, "rows", f"sheet_id = {plan.id}") == 0
    assert count(query, "sheets", "true") == 3


def sheets_state(state: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The source's per-sheet state (version, row ids, when read) in a pipeline state."""
    (resources,) = [source["resources"] for source in state["sources"].values()]
    (sheets,) = [resource["sheets"] for resource in resources.values() if "sheets" in resource]
    return sheets


def test_the_state_keeps_a_row_id_in_under_twelve_characters(
    load: Callable[..., LoadInfo], pipeline: dlt.Pipeline, portfolio: Portfolio
) -> None:
    """The state is serialised and compressed on every run: at 500 sheets a JSON list of ids
    (18 characters each) made it 8 MB."""
    load()
    stored = json.dumps([known["rows"] for known in sheets_state(pipeline.state).values()])
    rows = sum(len(plan.rows) for plan in portfolio.plans())
    assert len(stored) < 12 * rows


def test_rows_deleted_after_an_upgrade_from_a_state_of_id_lists_leave(
    load: Callable[..., LoadInfo], pipeline: dlt.Pipeline, portfolio: Portfolio, query: Query
) -> None:
    load()
    with pipeline.managed_state() as state:  # as an earlier version kept it
        for known in sheets_state(state).values():
            known["rows"] = unpacked_ids(known["rows"])
    plan = portfolio.plans()[0]
    gone = plan.rows[1].id
    portfolio.delete_row(plan.id, gone)
    load()
    assert count(query, "rows", f"row_id = {gone}") == 0
    assert count(query, "rows", f"sheet_id = {plan.id}") == len(plan.rows)
