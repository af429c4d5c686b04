"""`rows.extra` (the unmapped columns by title) is a JSON object held as text: the text dlt is
handed (Arrow has no type for objects whose keys and value types differ from sheet to sheet),
so dlt has no type to reconcile; a warehouse loaded when it was declared `json` keeps its
`JSON` column and goes on loading into it."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import dlt
import pytest
from dlt.common.pipeline import LoadInfo

from connectors.smartsheet import smartsheet_source
from sandbox.smartsheet.emulator import SmartsheetEmulator
from sandbox.smartsheet.portfolio import Portfolio
from tests.smartsheet.conftest import Query, settings

EXTRA_TYPE = (
    "select data_type from information_schema.columns where table_schema = 'raw_smartsheet' "
    "and table_name = 'rows' and column_name = 'extra'"
)


def test_a_load_hands_dlt_extra_as_the_type_it_declares(
    load: Callable[..., LoadInfo], query: Query, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="dlt"):
        load(cell_history="off")
    assert [r.getMessage() for r in caplog.records if "arrow schema" in r.getMessage()] == []
    assert query(EXTRA_TYPE) == [("VARCHAR",)]


def test_a_warehouse_with_a_json_extra_column_goes_on_loading(
    pipeline: dlt.Pipeline, emulator: SmartsheetEmulator, portfolio: Portfolio, query: Query
) -> None:
    plan = portfolio.plans()[0]
    before = smartsheet_source(**settings(emulator, cell_history="off"))
    before.resources["rows"].apply_hints(columns={"extra": {"name": "extra", "data_type": "json"}})
    pipeline.run(before)  # as loaded when `extra` was declared `json`
    assert query(EXTRA_TYPE) == [("JSON",)]
    count = "select count(*) from raw_smartsheet.rows"
    loaded = query(count)
    portfolio.update_row(plan.id, plan.rows[2].id, {"Comments": "waiting for the vendor"})
    pipeline.run(smartsheet_source(**settings(emulator, cell_history="off")))
    assert query(EXTRA_TYPE) == [("JSON",)]
    sql = "select extra, extra->>'Comments' from raw_smartsheet.rows where row_id = "
    ((extra, comment),) = query(sql + str(plan.rows[2].id))
    assert json.loads(extra) == {"Comments": "waiting for the vendor"}
    assert comment == "waiting for the vendor"
    assert query(count) == loaded
