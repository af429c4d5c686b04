"""The `rows` table of a sheet's rows, built column by column.

A sheet answers each row as a list of cells. Building a dict per row and handing the dicts to
Arrow cost more than the rest of a full load: here each column's cells are gathered once, read
by the column's role (`column_map.READERS`) as one list, and Arrow converts whole columns; dates,
timestamps and plain numbers are parsed by Arrow in C when every value has the plain shape,
else cell by cell by the same readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter, methodcaller
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from dlt.common import json

from connectors.jira.tables import TIMESTAMP
from connectors.smartsheet.column_map import (
    READERS,
    ROLE_KINDS,
    ROW_COLUMNS,
    JsonDict,
    cell_text,
    parse_timestamp,
)
from connectors.smartsheet.tables import ROWS
from connectors.spreadsheets.pseudonymise import mask_emails

SCHEMA = ROWS.arrow_schema
EMPTY: JsonDict = {}  # the cell of a column a row does not hold
MISSING = object()  # no entry in `extra`
VALUE, DISPLAY = methodcaller("get", "value"), methodcaller("get", "displayValue")
COLUMN_ID = itemgetter("columnId")
# Texts Arrow parses exactly as `parse_date` / `parse_timestamp` do; others are read in Python.
DATE_TEXT = r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}"
TIMESTAMP_TEXT = (
    r"^[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})$"
)
TEXTS, NUMBERS = {str, type(None)}, {int, float, type(None)}


class RowsTable:
    """Reads a sheet's rows into `rows` with the roles `ColumnMap.resolve` found."""

    def __init__(self, sheet: JsonDict, roles: dict[int, str], key: str) -> None:
        self.sheet_id = sheet["id"]
        self.key = key
        columns = sheet.get("columns") or []
        self.order = [column["id"] for column in columns]
        self.titles = {c["id"]: c.get("title") or str(c["id"]) for c in columns}
        self.roles = roles
        # unmapped contact columns: their pseudonym is kept in `extra`
        self.contacts = {
            c["id"]
            for c in columns
            if c["id"] not in roles and c.get("type") in ("CONTACT_LIST", "MULTI_CONTACT_LIST")
        }

    def table(self, rows: Sequence[JsonDict], project: str | None) -> pa.Table:
        """The rows; a row without its own `project_id` gets the sheet's `project`."""
        return with_project(self.own_table(rows), project)

    def own_table(self, rows: Sequence[JsonDict]) -> pa.Table:
        """The rows, `project_id` only where a column maps it (a worker builds this before
        the sheet's summary, which may name the sheet's project, is read)."""
        cells = self.cells(rows)
        values: dict[str, Any] = {
            "row_id": [row["id"] for row in rows],
            "sheet_id": pa.repeat(pa.scalar(self.sheet_id, pa.int64()), len(rows)),
            "parent_row_id": [row.get("parentId") for row in rows],
            "row_number": [row.get("rowNumber") for row in rows],
            "created_at": timestamps([row.get("createdAt") for row in rows]),
            "modified_at": timestamps([row.get("modifiedAt") for row in rows]),
            "is_deleted": pa.repeat(pa.scalar(False), len(rows)),
        }
        for column_id, role in self.roles.items():
            if role == "status":  # as shown, and its RAG colour
                values["status"] = shown(cells[column_id])
                values["rag"] = self.read(role, cells[column_id])
            else:
                values[ROW_COLUMNS.get(role, role)] = self.read(role, cells[column_id])
        values["is_milestone"] = milestones(len(rows), values)
        values["extra"] = self.extra(len(rows), cells)
        arrays = [column(values.get(field.name), field.type, len(rows)) for field in SCHEMA]
        return pa.Table.from_arrays(arrays, schema=SCHEMA)

    def cells(self, rows: Sequence[JsonDict]) -> dict[int, list[JsonDict]]:
        """Each column's cells in row order (`EMPTY` where a row lacks it), the sheet's columns
        first, then columns only cells name. Smartsheet sends every row's cells in column
        order: then the cells are transposed at once, else gathered one by one."""
        lists = [row.get("cells") or () for row in rows]
        if rows and all(len(cells) == len(self.order) for cells in lists):
            by_position = list(zip(*lists, strict=True))
            if in_column_order(self.order, by_position):
                return {c: list(cells) for c, cells in zip(self.order, by_position, strict=True)}
        gathered = {column_id: [EMPTY] * len(rows) for column_id in self.order}
        for position, cells in enumerate(lists):
            for cell in cells:
                if len(cell) == 1:  # an empty cell is its column id alone
                    continue
                column_id = cell.get("columnId")
                gathered.setdefault(column_id, [EMPTY] * len(rows))[position] = cell
        return gathered

    def read(self, role: str, cells: list[JsonDict]) -> Any:
        """A mapped column's values: a list, or an Arrow array when Arrow parsed them."""
        kind = ROLE_KINDS[role]
        if kind == "text":
            return [t if t is None or "@" not in t else mask_emails(t) for t in shown(cells)]
        values = list(map(VALUE, cells))
        if kind == "date":
            parsed = dates(values)
        elif kind in ("number", "percent"):
            parsed = numbers(values, percent=kind == "percent")
        elif kind == "rag" and set(map(type, values)) <= TEXTS:
            colours = {value: READERS["rag"]({"value": value}, self.key) for value in set(values)}
            parsed = [colours[value] for value in values]
        else:
            parsed = None
        if parsed is not None:
            return parsed
        reader = READERS[kind]
        return [reader(cell, self.key) for cell in cells]

    def extra(self, count: int, cells: dict[int, list[JsonDict]]) -> list[str]:
        """Per row, the JSON object of the unmapped columns' values by title (a contact: its
        pseudonym, an e-mail address in a text masked), `{}` when there are none."""
        kept = [column_id for column_id in cells if column_id not in self.roles]
        if not kept:
            return ["{}"] * count
        titles = [self.titles.get(column_id, str(column_id)) for column_id in kept]
        entries = [self.kept_values(column_id, cells[column_id]) for column_id in kept]
        documents = []
        for row in zip(*entries, strict=True):
            extra = {t: v for t, v in zip(titles, row, strict=True) if v is not MISSING}
            documents.append(json.dumps(extra, sort_keys=True) if extra else "{}")
        return documents

    def kept_values(self, column_id: int, cells: list[JsonDict]) -> list[Any]:
        if column_id in self.contacts:
            read = READERS["contact"]
            return [read(cell, self.key) if len(cell) > 1 else MISSING for cell in cells]
        return [
            MISSING if value is None else mask_emails(value) if isinstance(value, str) else value
            for value in map(VALUE, cells)
        ]


def in_column_order(order: list[int], by_position: list[tuple[JsonDict, ...]]) -> bool:
    """Whether the cells at each position all belong to that position's column."""
    try:
        return all(
            set(map(COLUMN_ID, cells)) == {column_id}
            for column_id, cells in zip(order, by_position, strict=True)
        )
    except KeyError:  # a cell without its column id
        return False


def with_project(table: pa.Table, project: str | None) -> pa.Table:
    """The rows, those without their own project id (none, or empty) given the sheet's
    `project`."""
    own = table["project_id"]
    lacking = pc.or_kleene(pc.is_null(own), pc.equal(own, ""))
    given = pc.if_else(lacking, pa.scalar(project, pa.string()), own)
    index = table.schema.get_field_index("project_id")
    return table.set_column(index, table.schema.field(index), given)


def shown(cells: list[JsonDict]) -> list[str | None]:
    """`cell_text` of every cell: its display value, else its value as text."""
    values = list(map(VALUE, cells))
    if not set(map(type, values)) <= TEXTS:
        return [cell_text(cell) for cell in cells]
    displays = list(map(DISPLAY, cells))
    return [v if d is None else d for d, v in zip(displays, values, strict=True)]


def milestones(count: int, values: dict[str, Any]) -> list[bool | None]:
    """The mapped milestone flag, else whether the duration is 0 (None without either)."""
    flags = values.get("is_milestone") or [None] * count
    durations = values.get("duration_days") or [None] * count
    return [
        flag if flag is not None or days is None else days == 0
        for flag, days in zip(flags, durations, strict=True)
    ]


def dates(values: list[Any]) -> pa.Array | None:
    """ISO dates (a timestamp's date part) parsed by Arrow; None when some value is not one."""
    if not set(map(type, values)) <= TEXTS:
        return None
    texts = pa.array(values, pa.string())
    if pc.all(pc.match_substring_regex(texts, DATE_TEXT)).as_py() is False:
        return None
    try:
        return pc.utf8_slice_codeunits(texts, 0, 10).cast(pa.date32())
    except pa.ArrowInvalid:  # e.g. 2026-02-30: read one by one (None)
        return None


def numbers(values: list[Any], percent: bool) -> pa.Array | None:
    """JSON numbers as doubles (a percent above 1 read as per cent); None when some value is a
    text or a boolean."""
    if not set(map(type, values)) <= NUMBERS:
        return None
    try:
        array = pa.array(values, pa.float64())
    except pa.ArrowInvalid:  # an integer beyond a double's exact range
        return None
    return pc.if_else(pc.greater(array, 1), pc.divide(array, 100.0), array) if percent else array


def timestamps(values: list[Any]) -> pa.Array:
    """Smartsheet's timestamps (ISO texts with a zone) parsed by Arrow, others by
    `parse_timestamp`."""
    if set(map(type, values)) <= TEXTS:
        texts = pa.array(values, pa.string())
        if pc.all(pc.match_substring_regex(texts, TIMESTAMP_TEXT)).as_py() is not False:
            try:
                return texts.cast(TIMESTAMP)
            except pa.ArrowInvalid:
                pass
    return pa.array([parse_timestamp(value) for value in values], TIMESTAMP)


def column(values: Any, data_type: pa.DataType, count: int) -> pa.Array:
    if values is None:
        return pa.nulls(count, data_type)
    return values if isinstance(values, pa.Array) else pa.array(values, data_type)
