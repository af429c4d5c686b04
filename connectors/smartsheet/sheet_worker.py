"""Large full loads read each sheet answer once, in a worker process that builds its rows.

A sheet answer is a megabyte of JSON per thousand rows: parsing it and building its `rows`
table cost the pipeline's process more than fetching it, and the GIL keeps that on one core.
In a large full load each sheet's body goes to a worker process as soon as it arrives; the
worker parses it, reads its rows by the column map (`RowsTable`) and returns the sheet without
its rows and the rows table as Arrow IPC. Meanwhile the next sheets are fetched. What needs
more requests or dlt state (the summary, the project id it gives the rows, the sheet's state)
stays in this process. Small and incremental loads read in process: a worker's start costs
more than it saves.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from typing import Any

import pyarrow as pa
from dlt.common import json

from connectors.gc_pause import gc_paused
from connectors.smartsheet.client import JsonDict
from connectors.smartsheet.column_map import ColumnMap, map_for
from connectors.smartsheet.errors import SmartsheetConfigError
from connectors.smartsheet.row_tables import RowsTable
from connectors.worker_processes import from_ipc, to_ipc, worker_pool

Answer = tuple[JsonDict | None, pa.Table | None]


class ParsedSheet:
    """A sheet answer parsed in this process (None: the sheet is gone); no table built yet."""

    def __init__(self, sheet: JsonDict | None) -> None:
        self.sheet = sheet

    def read(self) -> Answer:
        return self.sheet, None


class SheetRead:
    """A sheet answer being read by a worker: the sheet without its rows and their table. A
    body the worker cannot read (not JSON, not a sheet, a column the map requires missing) is
    parsed here instead, failing or read in process as before."""

    def __init__(self, content: bytes, future: Future[Any]) -> None:
        self.content = content
        self.future = future

    def read(self) -> Answer:
        read = self.future.result()
        if read is None:
            return json.loadb(self.content), None
        self.content = b""
        sheet, stream = read
        return sheet, from_ipc(stream)


class SheetReader:
    """Hands sheet bodies to the worker pool with what reading their rows needs."""

    def __init__(self, pool: Executor, maps: list[ColumnMap], key: str) -> None:
        self.pool = pool
        self.maps = maps
        self.key = key

    def submit(self, content: bytes) -> SheetRead:
        return SheetRead(content, self.pool.submit(read_sheet, content, self.maps, self.key))


@contextmanager
def sheet_reader(in_worker: bool, maps: list[ColumnMap], key: str) -> Iterator[SheetReader | None]:
    """A `SheetReader` over worker processes, or (not `in_worker`) none: sheets are parsed and
    built in process. The workers stop when the block ends."""
    with worker_pool(in_worker) as pool:
        yield None if pool is None else SheetReader(pool, maps, key)


def read_sheet(content: bytes, maps: list[ColumnMap], key: str) -> tuple[JsonDict, bytes] | None:
    """In a worker: the sheet without its rows and the rows' table (`own_table`: the project id the
    summary may give is added later); None when the body is not a sheet with rows this
    process can read without failing."""
    with gc_paused():
        try:
            sheet = json.loadb(content)
        except ValueError:
            return None
        if not isinstance(sheet, dict) or not isinstance(sheet.get("rows"), list):
            return None  # e.g. `ifVersionAfter`'s version alone
        try:
            roles = map_for(maps, sheet.get("name") or "").resolve(sheet)
        except SmartsheetConfigError:
            return None
        table = RowsTable(sheet, roles, key).own_table(sheet.pop("rows"))
        return sheet, to_ipc(table)
