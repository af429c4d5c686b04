"""Formula injection: cells starting with = + - @ are text, and formulas are never evaluated."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from .builders import write_csv
from .conftest import Warehouse

HEADER = ["Objective ID", "Objective name", "Weight"]
PAYLOADS = ['=HYPERLINK("http://evil.example","click")', "+1+2", "-2+3", "@SUM(A1:A9)"]


@pytest.fixture(scope="module")
def payloads(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    landing = tmp_path_factory.mktemp("payloads")
    rows = [[f"OBJ-{index}", payload, 1] for index, payload in enumerate(PAYLOADS)]
    write_csv(landing / "objectives.csv", [HEADER, *rows])
    warehouse = Warehouse(tmp_path_factory.mktemp("warehouse"), landing)
    warehouse.load()
    return warehouse


@pytest.mark.parametrize("index", range(len(PAYLOADS)), ids=PAYLOADS)
def test_formula_like_csv_text_is_stored_verbatim(payloads: Warehouse, index: int):
    assert payloads.rows(
        f"select objective_name from strategic_objectives where objective_id = 'OBJ-{index}'"
    ) == [(PAYLOADS[index],)]


def test_formula_like_text_in_a_number_column_is_quarantined_not_computed(
    landing: Path, warehouse: Warehouse
):
    write_csv(landing / "objectives.csv", [HEADER, ["OBJ-1", "Grow", "=1+1"]])
    warehouse.load()
    assert warehouse.count("strategic_objectives") == 0
    assert warehouse.rows("select source_column, value from quarantine") == [("Weight", "=1+1")]


def test_a_real_formula_cell_is_not_evaluated(landing: Path, warehouse: Warehouse):
    """openpyxl writes formulas without a cached result; nothing may compute one."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Objectives"
    sheet.append(HEADER)
    sheet.append(["OBJ-1", "Grow", "=0.2+0.3"])
    workbook.save(landing / "objectives.xlsx")
    warehouse.load()
    assert warehouse.rows("select weight from strategic_objectives") == [(None,)]
