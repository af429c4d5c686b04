"""dlt source for Smartsheet (API 2.0), landing `raw_smartsheet`: project plans as a PPM system.

Settings: `SmartsheetSettings` (`settings.py`), resolved by dlt from `SOURCES__SMARTSHEET__*`,
`config.toml` or `secrets.toml` and described in docs/configuration.md. Nothing talks to
Smartsheet until the pipeline extracts. Plain dlt: no Dagster imports here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cached_property
from typing import Any

import dlt
import pyarrow as pa
from dlt.extract.items import DataItemWithMeta
from dlt.sources import DltResource

from connectors.gc_pause import gc_paused
from connectors.jira.arrow_tables import TableBatch
from connectors.jira.tables import RawTable
from connectors.smartsheet.client import JsonDict, SmartsheetClient
from connectors.smartsheet.column_map import (
    HISTORY_ROLES,
    ROLE_KINDS,
    ColumnMap,
    cell_text,
    column_maps,
    parse_timestamp,
    read_cell,
    to_number,
)
from connectors.smartsheet.row_tables import RowsTable, with_project
from connectors.smartsheet.settings import (
    DEFAULT_BACKOFF_FACTOR,
    DEFAULT_BUILD_IN_WORKER_FROM,
    DEFAULT_CELL_HISTORY,
    DEFAULT_COLUMN_MAPS,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_RETRY_DELAY,
    DEFAULT_PAGE_SIZE,
    DEFAULT_REGION,
    DEFAULT_REQUESTS_PER_MINUTE,
    REQUEST_TIMEOUT_SECONDS,
    SmartsheetSettings,
)
from connectors.smartsheet.sync import SheetChange, SheetSync, marking_last
from connectors.smartsheet.tables import (
    CELL_HISTORY,
    COLUMNS,
    RAW_TABLES,
    ROWS,
    SHEETS,
    SUMMARY_FIELDS,
)

__all__ = ["RAW_TABLES", "smartsheet_source"]

MERGED: dict[str, Any] = {"write_disposition": "merge"}


class SmartsheetScope:
    """The source's settings plus what its resources share: the client and the column maps.

    The settings are checked on the first request, not when the source is built: a source
    built without settings only declares the tables (the Dagster assets), and never runs."""

    def __init__(self, settings: SmartsheetSettings) -> None:
        self.settings = settings

    @cached_property
    def client(self) -> SmartsheetClient:
        self.settings.check()
        return SmartsheetClient(self.settings)

    @property
    def key(self) -> str:
        """The pseudonymisation key; only read after the client's first request checked it."""
        return str(self.settings.pseudonymisation_key)

    @cached_property
    def maps(self) -> list[ColumnMap]:
        return column_maps(self.settings.column_maps)

    def rows_table(self, change: SheetChange) -> pa.Table:
        """The changed rows as a `rows` table, built once for the tables that need them (or
        by a worker, less the project id the sheet's summary may give)."""
        if change.table is None:
            project = sheet_project(change, self.key)
            if change.built is None:
                change.table = RowsTable(change.sheet, change.roles, self.key).table(
                    change.rows, project
                )
            else:
                change.table, change.built = with_project(change.built, project), None
        return change.table

    def wants_history(self, is_milestone: bool | None) -> bool:
        mode = self.settings.cell_history
        return mode == "all" or (mode == "milestones" and bool(is_milestone))


@dlt.source(name="smartsheet", section="smartsheet", max_table_nesting=0, spec=SmartsheetSettings)
def smartsheet_source(
    access_token: str | None = dlt.secrets.value,
    pseudonymisation_key: str | None = dlt.secrets.value,
    region: str = DEFAULT_REGION,
    base_url: str | None = None,
    workspace_ids: str | None = None,
    folder_ids: str | None = None,
    sheet_ids: str | None = None,
    column_maps: str = DEFAULT_COLUMN_MAPS,
    cell_history: str = DEFAULT_CELL_HISTORY,
    page_size: int = DEFAULT_PAGE_SIZE,
    requests_per_minute: int = DEFAULT_REQUESTS_PER_MINUTE,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    backoff_factor: float = DEFAULT_BACKOFF_FACTOR,
    max_retry_delay: float = DEFAULT_MAX_RETRY_DELAY,
    request_timeout: float = REQUEST_TIMEOUT_SECONDS,
    build_in_worker_from: int = DEFAULT_BUILD_IN_WORKER_FROM,
    only_sheets: Sequence[int] = (),
) -> Sequence[DltResource]:
    """Sheets in scope (workspaces, folders, listed ids, or every sheet the token sees), their
    columns, rows flattened by the column map, sheet summary fields and the history of mapped
    date and status cells (`cell_history`: `milestones` rows, `all` rows or `off`).

    Incremental: only sheets modified since the last run are read, only their changed rows;
    deleted rows and sheets are tombstoned (`is_deleted`). A full load of at least
    `build_in_worker_from` sheets parses them and builds their rows in worker processes (see
    `sheet_worker`). `only_sheets` (not a setting: the sheets a webhook callback named) reads
    just those sheets' changes, nothing else (see `SheetSync`).
    """
    arguments = dict(locals())
    only = tuple(int(sheet_id) for sheet_id in arguments.pop("only_sheets"))
    scope = SmartsheetScope(SmartsheetSettings(**arguments))

    rows_batch = TableBatch()

    @dlt.resource(name="sheet_changes", selected=False, parallelized=True)
    def sheet_changes() -> Iterator[SheetChange]:
        """Parallelized: dlt reads the next changed sheet in a worker thread while the
        transformers build the previous one's tables. Sheets are trees of fresh objects: the
        garbage collector is paused while they are read (see `gc_pause`)."""
        state = dlt.current.resource_state()
        sync = SheetSync(scope.client, scope.settings, scope.maps, state, only)
        rows_batch.start(replace=sync.full_load)
        with gc_paused():
            yield from marking_last(sync.changes())

    @dlt.transformer(
        **MERGED, data_from=sheet_changes, primary_key=SHEETS.key, columns=SHEETS.hints
    )
    def sheets(change: SheetChange) -> Iterator[JsonDict]:
        if change.deleted:
            yield {"sheet_id": change.sheet_id, "is_deleted": True}
            return
        yield sheet_record(change, scope.key)

    @dlt.transformer(**MERGED, data_from=sheet_changes, merge_key="sheet_id", columns=COLUMNS.hints)
    def columns(change: SheetChange) -> Iterator[list[JsonDict]]:
        """All of a changed sheet's columns, replacing its previous ones."""
        if change.deleted:
            yield [{"sheet_id": change.sheet_id, "is_deleted": True}]
            return
        yield [column_record(change, c) for c in change.sheet.get("columns") or []]

    @dlt.transformer(**MERGED, data_from=sheet_changes, primary_key=ROWS.key, columns=ROWS.hints)
    def rows(change: SheetChange) -> Iterator[DataItemWithMeta]:
        """Changed rows upserted, deleted ones tombstoned; as Arrow tables, which dlt writes
        without normalising row by row, handed over a batch of sheets at a time (dlt works out
        every item's table schema anew); a full load replaces the table (see `TableBatch`)."""
        tombstones = [{"row_id": r, "is_deleted": True} for r in change.deleted_rows]
        tables = [pa.Table.from_pylist(tombstones, schema=ROWS.arrow_schema)]
        if not change.deleted:
            tables.insert(0, scope.rows_table(change))
        for batch in rows_batch.add(pa.concat_tables(tables), flush=change.last):
            if batch.data.num_rows:
                yield batch

    @dlt.transformer(
        **MERGED, data_from=sheet_changes, merge_key="sheet_id", columns=SUMMARY_FIELDS.hints
    )
    def summary_fields(change: SheetChange) -> Iterator[list[JsonDict]]:
        if change.deleted:
            yield [{"sheet_id": change.sheet_id, "is_deleted": True}]
            return
        yield [summary_record(change, f, scope.key) for f in change.summary]

    @dlt.transformer(
        **MERGED, data_from=sheet_changes, merge_key="row_id", columns=CELL_HISTORY.hints
    )
    def cell_history(change: SheetChange) -> Iterator[pa.Table]:
        """Every value a mapped date or status cell of a changed row has had, replacing the
        row's previous history; deleted rows lose theirs."""
        tombstones = [{"row_id": r, "is_deleted": True} for r in change.deleted_rows]
        if change.deleted:
            yield from arrow_table(CELL_HISTORY, tombstones)
            return
        tracked = {c: r for c, r in change.roles.items() if r in HISTORY_ROLES}
        records: list[JsonDict] = []
        if tracked and scope.settings.cell_history != "off":
            changed = scope.rows_table(change)
            milestones = changed["is_milestone"].to_pylist()
            for row_id, is_milestone in zip(changed["row_id"].to_pylist(), milestones, strict=True):
                if scope.wants_history(is_milestone):
                    records += history_records(scope, change.sheet_id, row_id, tracked)
        yield from arrow_table(CELL_HISTORY, records + tombstones)

    return [sheet_changes, sheets, columns, rows, summary_fields, cell_history]


def arrow_table(table: RawTable, records: list[JsonDict]) -> Iterator[pa.Table]:
    """`records` as one Arrow table of `table`'s schema; nothing when there are none."""
    if records:
        yield pa.Table.from_pylist(records, schema=table.arrow_schema)


def sheet_project(change: SheetChange, key: str) -> str | None:
    """The project a sheet plans: its summary's project id field, else the map's pattern on
    the sheet's name."""
    for field in change.summary:
        if change.column_map.summary_role(field.get("title") or "") == "project_id":
            return summary_value(field, key)
    return change.column_map.project_in_name(change.sheet.get("name") or "")


def sheet_record(change: SheetChange, key: str) -> JsonDict:
    sheet = change.sheet
    return {
        "sheet_id": sheet["id"],
        "name": sheet.get("name"),
        "version": sheet.get("version"),
        "column_map": change.column_map.name,
        "project_id": sheet_project(change, key),
        "workspace_name": change.workspace_name,
        "total_row_count": sheet.get("totalRowCount"),
        "created_at": parse_timestamp(sheet.get("createdAt")),
        "modified_at": parse_timestamp(sheet.get("modifiedAt")),
        "permalink": sheet.get("permalink"),
        "is_deleted": False,
    }


def column_record(change: SheetChange, column: JsonDict) -> JsonDict:
    return {
        "sheet_id": change.sheet_id,
        "column_id": column["id"],
        "title": column.get("title"),
        "type": column.get("type"),
        "symbol": column.get("symbol"),
        "column_index": column.get("index"),
        "is_primary": bool(column.get("primary")),
        "role": change.roles.get(column["id"]),
        "is_deleted": False,
    }


def summary_value(field: JsonDict, key: str) -> str | None:
    """A summary field's value as text (as shown); a contact becomes its pseudonym."""
    value = field.get("objectValue")
    if isinstance(value, dict) and value.get("objectType") in ("CONTACT", "MULTI_CONTACT"):
        return read_cell("contact", field, key)
    if isinstance(value, dict):
        value = value.get("value")
    return cell_text({"value": value, "displayValue": field.get("displayValue")})


def summary_record(change: SheetChange, field: JsonDict, key: str) -> JsonDict:
    """One summary field; `number_value` is its number (`$12,500.00` read as 12500)."""
    value = summary_value(field, key)
    contact = isinstance(field.get("objectValue"), dict)
    return {
        "sheet_id": change.sheet_id,
        "field_id": field["id"],
        "title": field.get("title"),
        "type": field.get("type"),
        "role": change.column_map.summary_role(field.get("title") or ""),
        "value": value,
        "number_value": None if contact or value is None else to_number(value),
        "modified_at": parse_timestamp(field.get("modifiedAt")),
        "is_deleted": False,
    }


def history_records(
    scope: SmartsheetScope, sheet_id: int, row_id: int, tracked: dict[int, str]
) -> list[JsonDict]:
    """Every value each tracked cell of the row has had; a status as its label text (see
    `history_value`)."""
    records = []
    for column_id, role in tracked.items():
        path = f"/sheets/{sheet_id}/rows/{row_id}/columns/{column_id}/history"
        for page in scope.client.pages(path):
            for entry in page:
                editor = entry.get("modifiedBy") or {}
                value = history_value(role, entry, scope.key)
                records.append(
                    {
                        "row_id": row_id,
                        "sheet_id": sheet_id,
                        "column_id": column_id,
                        "role": role,
                        "value": str(value) if value is not None else None,
                        "modified_at": parse_timestamp(entry.get("modifiedAt")),
                        "modified_by_token": read_cell(
                            "contact", {"objectValue": editor}, scope.key
                        ),
                        "is_deleted": False,
                    }
                )
    return records


def history_value(role: str, entry: JsonDict, key: str) -> Any:
    """A history entry's value as its role reads it, except a status: its label as shown,
    like the row's `status` column, so staging reads both through the label seed. Status
    columns are often text picklists ("Rot", "At risk"), not RYG symbols; reading those as
    symbols would leave the history blank and time red short."""
    if role == "status":
        return cell_text(entry)
    return read_cell(ROLE_KINDS[role], entry, key)
