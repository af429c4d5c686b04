"""A large full load reads each sheet in a worker process, landing what it would in process;
an answer a worker cannot read is read here, failing (or not) as it would in process."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from dlt.common import json
from dlt.common.pipeline import LoadInfo

from connectors.smartsheet import smartsheet_source, sync
from connectors.smartsheet.column_map import GANTT_MAP, ColumnMap
from connectors.smartsheet.row_tables import RowsTable
from connectors.smartsheet.sheet_worker import SheetRead, read_sheet, sheet_reader
from sandbox.smartsheet.emulator import SmartsheetEmulator
from tests.jira.conftest import reader
from tests.smartsheet.conftest import KEY, TABLES, Query, raw_pipeline, settings, table_contents
from tests.smartsheet.test_smartsheet_row_tables import PROJECT, irregular_sheet

MAPS = [GANTT_MAP]
IN_PROCESS = 10**9  # `build_in_worker_from` no load reaches


@pytest.fixture
def readers(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each run's sheets were read by workers."""
    used: list[bool] = []

    @contextmanager
    def recording(in_worker: bool, maps: list[ColumnMap], key: str) -> Iterator[Any]:
        with sheet_reader(in_worker, maps, key) as sheets:
            used.append(sheets is not None)
            yield sheets

    monkeypatch.setattr(sync, "sheet_reader", recording)
    return used


def read_here(body: bytes) -> SheetRead:
    """`body` as a worker reads it, the worker's part run in this process."""
    future: Future[Any] = Future()
    future.set_result(read_sheet(body, MAPS, KEY))
    return SheetRead(body, future)


def test_a_full_load_read_in_workers_lands_what_it_would_in_process(
    load: Callable[..., LoadInfo],
    query: Query,
    emulator: SmartsheetEmulator,
    readers: list[bool],
    tmp_path: Path,
) -> None:
    load(build_in_worker_from=0)
    in_process = raw_pipeline("in_process", tmp_path)
    source = smartsheet_source(**settings(emulator, build_in_worker_from=IN_PROCESS))
    in_process.run(source)
    assert readers == [True, False]
    in_process_query = reader(tmp_path / "in_process.duckdb")
    for table in TABLES:
        assert table_contents(query, table), table
        assert table_contents(query, table) == table_contents(in_process_query, table), table


def test_an_incremental_run_reads_in_process(
    load: Callable[..., LoadInfo], readers: list[bool]
) -> None:
    load(cell_history="off", build_in_worker_from=IN_PROCESS)
    load(cell_history="off", build_in_worker_from=0)
    assert readers == [False, False]


def test_a_worker_builds_the_rows_this_process_would() -> None:
    sheet = irregular_sheet()
    roles = GANTT_MAP.resolve(sheet)
    expected = RowsTable(sheet, roles, KEY).own_table(sheet["rows"])
    head, table = read_here(json.dumpb(sheet)).read()
    assert table is not None and table.equals(expected)
    assert head == {name: value for name, value in sheet.items() if name != "rows"}
    assert RowsTable(sheet, roles, KEY).table(sheet["rows"], PROJECT).num_rows == 3


@pytest.mark.parametrize(
    "answer",
    [
        [1],  # not a sheet
        {"id": 42, "version": 3},  # `ifVersionAfter`: the version alone
        {"id": 42, "name": "Plan", "columns": [{"id": 1, "title": "Notes"}], "rows": []},
    ],
    ids=["not-a-sheet", "version-only", "no-required-column"],
)
def test_an_answer_a_worker_cannot_read_is_parsed_here(answer: Any) -> None:
    assert read_here(json.dumpb(answer)).read() == (answer, None)


def test_a_body_that_is_not_json_fails_as_in_process() -> None:
    with pytest.raises(ValueError) as in_process:
        json.loadb(b'{"id": 42, "rows": [')
    with pytest.raises(ValueError) as from_worker:
        read_here(b'{"id": 42, "rows": [').read()
    assert type(from_worker.value) is type(in_process.value)
    assert str(from_worker.value) == str(in_process.value)
