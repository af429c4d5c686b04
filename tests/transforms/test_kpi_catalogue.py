"""docs/kpis.md is generated from the marts' yml and lists exactly the built marts' columns."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .conftest import TRANSFORMS_DIR

CATALOGUE = TRANSFORMS_DIR.parent / "docs" / "kpis.md"
GENERATOR = TRANSFORMS_DIR / "scripts" / "kpi_catalogue.py"
META_FIELDS = ("kpi", "grain", "formula", "source", "caveats")


def catalogue_columns(text: str) -> dict[str, set[str]]:
    """Mart name -> the columns its catalogue section lists."""
    sections = {}
    for section in text.split("\n## ")[1:]:
        mart = re.search(r"`marts\.(\w+)`", section).group(1)
        sections[mart] = set(re.findall(r"^\| `(\w+)` \|", section, flags=re.MULTILINE))
    return sections


def test_catalogue_is_up_to_date_with_the_yml():
    check = subprocess.run(
        [sys.executable, str(GENERATOR), "--check"], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stderr


def test_catalogue_lists_exactly_the_columns_of_every_built_mart(sandbox_warehouse):
    built = sandbox_warehouse.query(
        "select table_name, column_name from duckdb_columns() where schema_name = 'marts'"
    )
    built_columns = built.groupby("table_name")["column_name"].agg(set).to_dict()
    assert catalogue_columns(Path(CATALOGUE).read_text()) == built_columns


def test_every_mart_states_kpi_grain_formula_source_and_caveats(sandbox_warehouse):
    for node in sandbox_warehouse.manifest["nodes"].values():
        if node["resource_type"] == "model" and node["schema"] == "marts":
            missing = [field for field in META_FIELDS if not node["meta"].get(field)]
            assert missing == [], node["name"]
