"""Writes the PMO workbooks from their layouts: empty templates, or filled with rows.

Run ``uv run python -m connectors.spreadsheets.template_writer`` to regenerate the shipped
templates in ``connectors/spreadsheets/templates/``. The sandbox uses the same writer to fill
them, so a template and a filled workbook always share one layout.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from connectors.spreadsheets.layouts import (
    LAYOUTS,
    SURVEY,
    VALIDATION_LISTS,
    Column,
    Kind,
    Layout,
    survey_columns,
)

TEMPLATES_DIR = Path(__file__).parent / "templates"
README_SHEET = "README"
LISTS_SHEET = "Lists"
LAST_VALIDATED_ROW = 100_000
REPRODUCIBLE_TIMESTAMP = datetime(2026, 1, 1)
CORE_PROPERTIES = "docProps/core.xml"
_MODIFIED = re.compile(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def layout_columns(layout: Layout, service_ids: Sequence[str] | None = None) -> tuple[Column, ...]:
    """The columns a workbook is written with (the survey adds two per PMO service)."""
    if layout is SURVEY:
        return survey_columns(tuple(service_ids)) if service_ids else survey_columns()
    return layout.columns


def write_workbook(
    path: Path,
    layout: Layout,
    rows: Iterable[Mapping[str, Any]] = (),
    service_ids: Sequence[str] | None = None,
) -> Path:
    """Write one workbook: README sheet, data sheet (header + rows) and validation lists.

    ``rows`` are dicts keyed by column ``name``; missing keys are left blank.
    """
    columns = layout_columns(layout, service_ids)
    workbook = Workbook(write_only=True)
    _write_readme(workbook, layout, columns)
    sheet = workbook.create_sheet(layout.sheet)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(column.header) + 2)
        validation = _validation_for(column)
        if validation is not None:
            validation.sqref = (
                f"{get_column_letter(index)}2:{get_column_letter(index)}{LAST_VALIDATED_ROW}"
            )
            sheet.data_validations.append(validation)
    sheet.append([column.header for column in columns])
    for row in rows:
        sheet.append([row.get(column.name) for column in columns])
    _write_lists(workbook)
    path.parent.mkdir(parents=True, exist_ok=True)
    _save_reproducibly(workbook, path)
    return path


def _save_reproducibly(workbook: Workbook, path: Path) -> None:
    """Save so that the same rows give the same bytes: fixed document and zip timestamps.

    Content fingerprints then stay stable when the sandbox is regenerated, so a re-run of the
    demo loads nothing new, and regenerated templates do not show up as changes.
    """
    workbook.properties.created = REPRODUCIBLE_TIMESTAMP
    buffer = io.BytesIO()
    workbook.save(buffer)
    with (
        zipfile.ZipFile(buffer) as written,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as reproducible,
    ):
        for member in written.infolist():
            data = written.read(member)
            if member.filename == CORE_PROPERTIES:
                data = _MODIFIED.sub(
                    rf"\g<1>{REPRODUCIBLE_TIMESTAMP:%Y-%m-%dT%H:%M:%SZ}\g<2>", data.decode()
                ).encode()
            fixed = zipfile.ZipInfo(
                member.filename, date_time=REPRODUCIBLE_TIMESTAMP.timetuple()[:6]
            )
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = member.external_attr
            reproducible.writestr(fixed, data)


def write_templates(directory: Path = TEMPLATES_DIR) -> list[Path]:
    """Write one empty template per workbook layout."""
    return [write_workbook(directory / f"{layout.workbook}.xlsx", layout) for layout in LAYOUTS]


def _write_readme(workbook: Workbook, layout: Layout, columns: Sequence[Column]) -> None:
    sheet = workbook.create_sheet(README_SHEET)
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 16
    sheet.column_dimensions["C"].width = 90
    sheet.append([layout.title])
    sheet.append([f"Fill the '{layout.sheet}' sheet, one row per record. Keep the header row."])
    sheet.append(["Personal data (names, emails) is pseudonymised on load and never stored."])
    if layout is SURVEY:
        sheet.append(
            ["One service per column pair: add '<service id> satisfaction' and "
             "'<service id> value' for services of your catalogue not listed here."]
        )  # fmt: skip
    sheet.append([])
    sheet.append(["Column", "Type", "Rule"])
    for column in columns:
        sheet.append([column.header, column.kind.value, _rule_text(column)])


def _rule_text(column: Column) -> str:
    rules = ["required" if column.required else "optional"]
    if column.low is not None or column.high is not None:
        rules.append(f"range {_fmt(column.low)} to {_fmt(column.high)}")
    if column.choices:
        rules.append(f"one of: {', '.join(VALIDATION_LISTS[column.choices])}")
    if column.help:
        rules.append(column.help)
    return "; ".join(rules)


def _fmt(bound: float | None) -> str:
    return "any" if bound is None else f"{bound:g}"


def _validation_for(column: Column) -> DataValidation | None:
    """Excel data validation mirroring the connector's own checks (the connector still checks)."""
    common: dict[str, Any] = {"allow_blank": not column.required, "showErrorMessage": True}
    if column.choices:
        values = VALIDATION_LISTS[column.choices]
        letter = get_column_letter(list(VALIDATION_LISTS).index(column.choices) + 1)
        formula = f"{LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"
        return DataValidation(type="list", formula1=formula, **common)
    if column.kind in (Kind.INTEGER, Kind.NUMBER) and column.low is not None:
        kind = "whole" if column.kind is Kind.INTEGER else "decimal"
        if column.high is None:
            return DataValidation(
                type=kind, operator="greaterThanOrEqual", formula1=f"{column.low:g}", **common
            )
        return DataValidation(
            type=kind,
            operator="between",
            formula1=f"{column.low:g}",
            formula2=f"{column.high:g}",
            **common,
        )
    if column.kind in (Kind.DATE, Kind.DATETIME):
        return DataValidation(
            type="date", operator="greaterThan", formula1="36526", **common
        )  # after 2000-01-01
    return None


def _write_lists(workbook: Workbook) -> None:
    sheet = workbook.create_sheet(LISTS_SHEET)
    sheet.sheet_state = "hidden"
    names = list(VALIDATION_LISTS)
    sheet.append(names)
    depth = max(len(values) for values in VALIDATION_LISTS.values())
    for index in range(depth):
        values = [VALIDATION_LISTS[name] for name in names]
        sheet.append([entries[index] if index < len(entries) else None for entries in values])


if __name__ == "__main__":
    for written in write_templates():
        print(written)
