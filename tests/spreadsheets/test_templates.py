"""The shipped templates are current, documented, validated, and load what they hold."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from connectors.spreadsheets.layouts import LAYOUTS, Layout
from connectors.spreadsheets.template_writer import (
    README_SHEET,
    TEMPLATES_DIR,
    layout_columns,
    write_templates,
)


def headers(path: Path, sheet: str) -> list[str]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(next(workbook[sheet].iter_rows(values_only=True)))
    finally:
        workbook.close()


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.workbook)
def test_shipped_template_matches_the_layout(layout: Layout):
    shipped = TEMPLATES_DIR / f"{layout.workbook}.xlsx"
    assert headers(shipped, layout.sheet) == [column.header for column in layout_columns(layout)]


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.workbook)
def test_template_has_a_readme_describing_every_column(layout: Layout):
    workbook = openpyxl.load_workbook(TEMPLATES_DIR / f"{layout.workbook}.xlsx")
    documented = {row[0] for row in workbook[README_SHEET].iter_rows(values_only=True)}
    assert {column.header for column in layout_columns(layout)} <= documented
    assert workbook.sheetnames[0] == README_SHEET


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.workbook)
def test_template_validates_its_constrained_columns(layout: Layout):
    workbook = openpyxl.load_workbook(TEMPLATES_DIR / f"{layout.workbook}.xlsx")
    validated = {
        str(cell_range).split(":")[0].rstrip("0123456789")
        for validation in workbook[layout.sheet].data_validations.dataValidation
        for cell_range in validation.sqref.ranges
    }
    constrained = [
        column
        for column in layout_columns(layout)
        if column.choices or column.low is not None or column.kind.value in ("date", "datetime")
    ]
    assert constrained and len(validated) == len(constrained)


def test_regenerating_the_templates_writes_every_layout(tmp_path: Path):
    written = write_templates(tmp_path)
    assert sorted(path.name for path in written) == sorted(
        f"{layout.workbook}.xlsx" for layout in LAYOUTS
    )
