"""Small, explicit workbook builders for the bad-file corpus and format tests."""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import openpyxl

from connectors.spreadsheets.layouts import SERVICE_CATALOGUE, SURVEY
from connectors.spreadsheets.template_writer import write_workbook
from sandbox.workbooks import build_portfolio

SERVICES = ("SVC-GOV", "SVC-REP")


def survey_row(number: int, **overrides: Any) -> dict[str, Any]:
    """A valid template survey row; ``overrides`` use column names (``SVC-GOV|value``)."""
    row = {
        "response_id": f"2026-Q1-{number:04d}",
        "wave": "2026-Q1",
        "submitted_at": datetime(2026, 2, number % 28 + 1, 9, 30),
        "respondent_email": f"person{number}@example.com",
        "respondent_name": f"Person {number}",
        "stakeholder_group": "Project managers",
        "business_unit": "Retail",
        "SVC-GOV|satisfaction": 4,
        "SVC-GOV|value": 3,
        "SVC-REP|satisfaction": 5,
        "SVC-REP|value": 4,
        "overall_value": 4,
        "likelihood_to_recommend": 8,
        "comment": "fine",
    }
    return {**row, **overrides}


A_ROWS = [survey_row(1), survey_row(2), survey_row(3, wave="2026-Q5")]
"""Two good survey rows and one to quarantine."""


def write_survey(path: Path, rows: Sequence[dict[str, Any]], services=SERVICES) -> Path:
    return write_workbook(path, SURVEY, rows, services)


def write_catalogue(path: Path) -> Path:
    return write_workbook(path, SERVICE_CATALOGUE, build_portfolio(["APOLLO"]).services)


def write_sheet(path: Path, sheet: str, rows: Sequence[Sequence[Any]]) -> Path:
    """A plain workbook with one sheet of literal cells (strings stay strings)."""
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(list(row))
    for cells in worksheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a literal '=...' string, not a formula
    workbook.save(path)
    return path


def write_csv(path: Path, rows: Sequence[Sequence[Any]], delimiter: str = ",") -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def write_ods(path: Path, sheet: str, rows: Sequence[Sequence[Any]]) -> Path:
    """A minimal OpenDocument spreadsheet (what LibreOffice writes, without styles)."""
    cells = "".join(
        "<table:table-row>" + "".join(_ods_cell(value) for value in row) + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{escape(sheet)}">'
        f"{cells}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return path


def _ods_cell(value: Any) -> str:
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        '<table:table-cell office:value-type="string">'
        f"<text:p>{escape(str(value))}</text:p></table:table-cell>"
    )
