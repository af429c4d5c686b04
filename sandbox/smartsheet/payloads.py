"""Smartsheet API 2.0 JSON for the portfolio's objects, shaped as the OpenAPI description says
(cells with value / displayValue / objectValue, timestamps to the second in UTC)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sandbox.smartsheet.portfolio import (
    Column,
    Folder,
    HistoryEntry,
    Person,
    Row,
    Sheet,
    SummaryField,
    Workspace,
    stamp,
)

JsonDict = dict[str, Any]
PERMALINK = "https://app.smartsheet.com/b/home?lx={id}"


def column(col: Column) -> JsonDict:
    body: JsonDict = {
        "id": col.id,
        "index": col.index,
        "title": col.title,
        "type": col.type,
        "validation": False,
        "width": 150,
        "version": 0,
    }
    if col.primary:
        body["primary"] = True
    if col.symbol:
        body["symbol"] = col.symbol
    if col.options:
        body["options"] = list(col.options)
    return body


def cell(col: Column, value: Any, sheet: Sheet, object_values: bool) -> JsonDict:
    """One cell; an empty cell is just its column id, as Smartsheet sends it."""
    body: JsonDict = {"columnId": col.id}
    if value is None:
        return body
    if isinstance(value, Person):
        body |= {"value": value.email, "displayValue": value.name}
        if object_values:
            body["objectValue"] = contact(value)
    elif isinstance(value, date):
        body["value"] = value.isoformat()
    elif col.type == "DURATION":
        body |= {"value": f"{value}d", "displayValue": f"{value}d"}
        if object_values:
            body["objectValue"] = {"objectType": "DURATION", "days": value}
    elif col.type == "PREDECESSOR":
        number = int(value)
        body |= {"value": f"{number}FS", "displayValue": f"{number}FS"}
        if object_values and 0 < number <= len(sheet.rows):
            predecessor = {"rowId": sheet.rows[number - 1].id, "rowNumber": number, "type": "FS"}
            body["objectValue"] = {"objectType": "PREDECESSOR_LIST", "predecessors": [predecessor]}
    elif isinstance(value, bool):
        body["value"] = value
    elif isinstance(value, float) and col.title == "% Complete":
        body |= {"value": value, "displayValue": f"{value:.0%}"}
    elif isinstance(value, float):
        body |= {"value": value, "displayValue": f"${value:,.2f}"}
    else:
        body |= {"value": value, "displayValue": str(value)}
    return body


def contact(person: Person) -> JsonDict:
    return {"objectType": "CONTACT", "email": person.email, "name": person.name}


def row(sheet: Sheet, item: Row, number: int, object_values: bool) -> JsonDict:
    body: JsonDict = {
        "id": item.id,
        "sheetId": sheet.id,
        "rowNumber": number,
        "version": sheet.version,
        "expanded": True,
        "createdAt": stamp(item.created_at),
        "modifiedAt": stamp(item.modified_at),
        "cells": [cell(c, item.values.get(c.id), sheet, object_values) for c in sheet.columns],
    }
    if item.parent_id is not None:
        body["parentId"] = item.parent_id
    return body


def sheet(
    item: Sheet,
    rows: list[tuple[int, Row]],
    workspace: Workspace | None,
    columns: list[Column],
    object_values: bool,
) -> JsonDict:
    body: JsonDict = {
        "id": item.id,
        "name": item.name,
        "version": item.version,
        "totalRowCount": len(item.rows),
        "accessLevel": "OWNER",
        "effectiveAttachmentOptions": ["FILE", "LINK"],
        "ganttEnabled": item.kind == "plan",
        "dependenciesEnabled": item.kind == "plan",
        "resourceManagementEnabled": False,
        "cellImageUploadEnabled": True,
        "hasSummaryFields": bool(item.summary),
        "permalink": PERMALINK.format(id=item.id),
        "createdAt": stamp(item.created_at),
        "modifiedAt": stamp(item.modified_at),
        "columns": [column(c) for c in columns],
        "rows": [row(item, r, n, object_values) for n, r in rows],
    }
    if workspace is not None:
        body["workspace"] = {"id": workspace.id, "name": workspace.name}
    return body


def summary_field(item: SummaryField) -> JsonDict:
    body: JsonDict = {
        "id": item.id,
        "index": item.index,
        "title": item.title,
        "type": item.type,
        "locked": False,
        "lockedForUser": False,
        "createdAt": stamp(item.modified_at),
        "modifiedAt": stamp(item.modified_at),
    }
    if item.symbol:
        body["symbol"] = item.symbol
    if isinstance(item.value, Person):
        body |= {"objectValue": contact(item.value), "displayValue": item.value.name}
    elif isinstance(item.value, float):
        # The description's object values have no text or number kind: these fields carry
        # their value as shown only.
        body["displayValue"] = f"${item.value:,.2f}"
    else:
        body["displayValue"] = str(item.value)
    return body


def history_entry(col: Column, entry: HistoryEntry, sheet: Sheet) -> JsonDict:
    body = cell(col, entry.value, sheet, object_values=False)
    body["modifiedAt"] = stamp(entry.modified_at)
    body["modifiedBy"] = {"name": entry.modified_by.name, "email": entry.modified_by.email}
    return body


def folder(item: Folder, sheets: dict[int, Sheet]) -> JsonDict:
    return {
        "id": item.id,
        "name": item.name,
        "permalink": PERMALINK.format(id=item.id),
        "sheets": [sheet_listing(sheets[i]) for i in item.sheet_ids if i in sheets],
        "folders": [folder(f, sheets) for f in item.folders],
    }


def workspace(item: Workspace, sheets: dict[int, Sheet], load_all: bool) -> JsonDict:
    body: JsonDict = {
        "id": item.id,
        "name": item.name,
        "accessLevel": "OWNER",
        "permalink": PERMALINK.format(id=item.id),
        "sheets": [sheet_listing(sheets[i]) for i in item.sheet_ids if i in sheets],
        "folders": [
            folder(f, sheets) if load_all else {"id": f.id, "name": f.name} for f in item.folders
        ],
    }
    return body


def workspace_listing(item: Workspace) -> JsonDict:
    return {
        "id": item.id,
        "name": item.name,
        "accessLevel": "OWNER",
        "permalink": PERMALINK.format(id=item.id),
    }


def sheet_listing(item: Sheet) -> JsonDict:
    """A sheet as listings show it (`/sheets`, a workspace's or folder's `sheets`)."""
    return {
        "id": item.id,
        "name": item.name,
        "accessLevel": "OWNER",
        "permalink": PERMALINK.format(id=item.id),
        "createdAt": stamp(item.created_at),
        "modifiedAt": stamp(item.modified_at),
    }


class ApiError(Exception):
    """An error answered with Smartsheet's `{"errorCode", "message", "refId"}` body."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


def error(code: int, message: str, ref_id: str) -> JsonDict:
    return {"errorCode": code, "message": message, "refId": ref_id}


def parse_time(text: str) -> datetime:
    """An ISO-8601 time as Smartsheet accepts it (`Z` or an offset), or epoch milliseconds."""
    if text.isdigit():
        return datetime.fromtimestamp(int(text) / 1000).astimezone()
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
