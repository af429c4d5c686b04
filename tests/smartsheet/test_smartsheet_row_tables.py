"""The `rows` table built column by column holds exactly what reading each row's cells one by
one gives: the oracle below reads every cell with its role's reader, as the connector once did
row by row, for the emulator's sheets and for a sheet with every irregular shape of cell."""

from __future__ import annotations

from datetime import date
from typing import Any

import pyarrow as pa
import pytest
from dlt.common import json

from connectors.smartsheet.column_map import (
    GANTT_MAP,
    READERS,
    ROLE_KINDS,
    ROW_COLUMNS,
    cell_text,
    parse_timestamp,
)
from connectors.smartsheet.row_tables import RowsTable
from connectors.smartsheet.tables import ROWS
from connectors.spreadsheets.pseudonymise import mask_emails
from sandbox.smartsheet import payloads
from tests.smartsheet.conftest import KEY, small_portfolio

PROJECT = "APOLLO"
TITLES = ("Task Name", "Start", "Finish", "Duration", "% Complete", "Status", "Budget")
TITLES += ("Milestone", "Project ID", "Assigned To", "Reviewer", "Comments", "Risk")


def oracle(sheet: dict[str, Any], roles: dict[int, str]) -> list[dict[str, Any]]:
    """Each row read cell by cell: mapped cells by their role's reader, the others by title in
    `extra` (a contact column's pseudonym, a text's e-mail addresses masked)."""
    titles = {c["id"]: c.get("title") or str(c["id"]) for c in sheet["columns"]}
    contacts = {c["id"] for c in sheet["columns"] if c.get("type") == "CONTACT_LIST"}
    records = []
    for row in sheet["rows"]:
        record: dict[str, Any] = {
            "row_id": row["id"],
            "sheet_id": sheet["id"],
            "parent_row_id": row.get("parentId"),
            "row_number": row.get("rowNumber"),
            "created_at": parse_timestamp(row.get("createdAt")),
            "modified_at": parse_timestamp(row.get("modifiedAt")),
            "is_deleted": False,
        }
        extra: dict[str, Any] = {}
        for cell in row.get("cells") or ():
            if len(cell) == 1:
                continue
            column_id = cell.get("columnId")
            role = roles.get(column_id)
            if role == "status":
                record["status"], record["rag"] = cell_text(cell), READERS["rag"](cell, KEY)
            elif role is not None:
                record[ROW_COLUMNS.get(role, role)] = READERS[ROLE_KINDS[role]](cell, KEY)
            elif column_id in contacts:
                extra[titles[column_id]] = READERS["contact"](cell, KEY)
            elif (value := cell.get("value")) is not None:
                masked = mask_emails(value) if isinstance(value, str) else value
                extra[titles.get(column_id, str(column_id))] = masked
        if record.get("is_milestone") is None and record.get("duration_days") is not None:
            record["is_milestone"] = record["duration_days"] == 0
        record["project_id"] = record.get("project_id") or PROJECT
        record["extra"] = json.dumps(extra, sort_keys=True) if extra else "{}"
        records.append(record)
    return pa.Table.from_pylist(records, schema=ROWS.arrow_schema).to_pylist()


def built(sheet: dict[str, Any], roles: dict[int, str]) -> list[dict[str, Any]]:
    return RowsTable(sheet, roles, KEY).table(sheet["rows"], PROJECT).to_pylist()


def emulator_sheets() -> list[dict[str, Any]]:
    portfolio = small_portfolio()
    workspace = portfolio.workspaces[0]
    return [
        payloads.sheet(plan, list(enumerate(plan.rows, 1)), workspace, plan.columns, True)
        for plan in portfolio.plans()
    ]


def irregular_sheet() -> dict[str, Any]:
    """Cells out of column order, missing, empty or naming a column the sheet does not list;
    numbers and percents typed as text, a boolean budget, dates that are not dates,
    timestamps in epoch milliseconds or without a zone."""
    types = {"Assigned To": "CONTACT_LIST", "Reviewer": "CONTACT_LIST", "Milestone": "CHECKBOX"}
    columns = [
        {"id": 100 + i, "index": i, "title": t, "type": types.get(t, "TEXT_NUMBER")}
        for i, t in enumerate(TITLES)
    ]
    reviewer = {"objectType": "CONTACT", "email": "ana@example.com", "name": "Ana"}
    rows: list[list[dict[str, Any]]] = [
        [
            {"columnId": 101, "value": "2026-02-30"},  # out of order, not a date
            {"columnId": 100, "value": "Kick-off", "displayValue": "Kick-off"},
            {"columnId": 102, "value": "20260102"},
            {"columnId": 103, "value": "~3d"},
            {"columnId": 104, "value": "45%"},
            {"columnId": 106, "value": "$1,200.50", "displayValue": "$1,200.50"},
            {"columnId": 108, "value": ""},
            {"columnId": 110, "value": "x", "displayValue": "Ana", "objectValue": reviewer},
            {"columnId": 111, "value": "ask bo@example.com"},
            {"columnId": 999, "value": 7},  # a column the sheet does not list
        ],
        [
            {"columnId": 100, "value": "Gate", "displayValue": "Gate"},
            {"columnId": 101, "value": "2026-03-01T10:00:00Z"},
            {"columnId": 102},
            {"columnId": 103, "value": "0", "objectValue": {"days": 0}},
            {"columnId": 104, "value": 0.5},
            {"columnId": 105, "value": "Yellow", "displayValue": "At risk"},
            {"columnId": 106, "value": True},
            {"columnId": 107, "value": False},
            {"columnId": 108, "value": "P-7"},
            {"columnId": 109, "value": "cy@example.com", "displayValue": "Cy"},
            {"columnId": 110, "displayValue": "Dee"},
            {"columnId": 112, "value": 2.5},
        ],
        [],
    ]
    stamps = [("2026-01-05T08:00:00Z", 1767600000000), (1767600000000, "2026-01-05T08:00:00")]
    stamps.append((None, "2026-01-06T08:00:00+02:00"))
    return {
        "id": 42,
        "name": "Irregular plan",
        "columns": columns,
        "rows": [
            {"id": 1000 + n, "rowNumber": n + 1, "createdAt": created, "modifiedAt": modified}
            | ({"cells": cells} if cells else {})
            for n, (cells, (created, modified)) in enumerate(zip(rows, stamps, strict=True))
        ],
    }


@pytest.mark.parametrize("index", range(4))
def test_emulator_sheets_are_read_as_cell_by_cell(index: int) -> None:
    sheet = emulator_sheets()[index]
    roles = GANTT_MAP.resolve(sheet)
    assert built(sheet, roles) == oracle(sheet, roles)


def test_irregular_cells_are_read_as_cell_by_cell() -> None:
    sheet = irregular_sheet()
    roles = GANTT_MAP.resolve(sheet)
    rows = built(sheet, roles)
    assert rows == oracle(sheet, roles)
    first, second, empty = rows
    assert (first["start_date"], first["finish_date"]) == (None, date(2026, 1, 2))
    assert (first["percent_complete"], first["budget"], second["budget"]) == (0.45, 1200.5, None)
    assert (first["project_id"], second["project_id"]) == (PROJECT, "P-7")
    assert (second["is_milestone"], empty["extra"]) == (False, "{}")
    assert set(json.loads(first["extra"])) == {"999", "Comments", "Reviewer"}
