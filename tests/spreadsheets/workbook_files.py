"""Independent reading of the generated workbooks (openpyxl, not the connector's calamine path)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

from connectors.spreadsheets.layouts import SERVICE_COLUMN


def sheet_records(path: Path, sheet: str) -> list[dict[str, Any]]:
    """Data rows of one sheet as dicts keyed by header text; blank rows dropped."""
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        rows = list(workbook[sheet].iter_rows(values_only=True))
    finally:
        workbook.close()
    header, data = rows[0], rows[1:]
    return [
        dict(zip(header, row, strict=False))
        for row in data
        if any(cell not in (None, "") for cell in row)
    ]


def rating_cells(record: dict[str, Any]) -> int:
    """How many per-service ratings a survey row holds."""
    return sum(
        1
        for header, value in record.items()
        if header and SERVICE_COLUMN.match(header) and value not in (None, "")
    )
