"""The `raw_smartsheet` tables are declared once (`connectors/smartsheet/tables.py`): the dlt
hints the pipeline declares, the tables a load lands, `transforms/scripts/raw_contract.sql` and
`docs/raw-tables.md` all agree with it."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import duckdb
import pytest

from connectors.smartsheet.tables import RAW_TABLES
from pipelines.defs.ingestion import DLT_OWN_COLUMNS, SMARTSHEET_DECLARED
from tests.raw_contract_generator import load_generator
from tests.smartsheet.conftest import Query

REPO_ROOT = Path(__file__).resolve().parents[2]
DECLARED = {table.name: [column.name for column in table.columns] for table in RAW_TABLES}


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    """transforms/scripts/raw_contract.py, which writes the generated files."""
    return load_generator()


def columns_of(query: Query) -> dict[str, list[str]]:
    """Table -> columns in order, of the `raw_smartsheet` schema `query` reads."""
    found: dict[str, list[str]] = {}
    for table, column in query(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'raw_smartsheet' and not starts_with(table_name, '_dlt') "
        "order by table_name, ordinal_position"
    ):
        found.setdefault(table, []).append(column)
    return found


def test_the_pipeline_declares_the_columns_and_keys_of_the_declaration() -> None:
    hints = {}
    for resource in SMARTSHEET_DECLARED.resources.values():
        schema = resource.compute_table_schema()
        if schema["columns"]:
            hints[schema["name"]] = schema["columns"]
    assert {table: list(columns) for table, columns in hints.items()} == DECLARED
    for table in RAW_TABLES:
        declared = {name: hint["data_type"] for name, hint in table.hints.items()}
        assert {n: h.get("data_type") for n, h in hints[table.name].items()} == declared


def test_a_load_lands_exactly_the_declared_columns(load, query: Query) -> None:
    load(cell_history="all")
    landed = columns_of(query)
    assert {t: [c for c in cs if c not in DLT_OWN_COLUMNS] for t, cs in landed.items()} == {
        t: DECLARED[t] for t in landed
    }
    assert set(landed) == set(DECLARED)


def test_raw_contract_sql_creates_every_declared_table_and_column(generator) -> None:
    with duckdb.connect() as con:
        con.execute(generator.RAW_CONTRACT.read_text())
        contract = columns_of(lambda sql: con.execute(sql).fetchall())
    assert contract == {t: [*columns, *DLT_OWN_COLUMNS] for t, columns in DECLARED.items()}


def test_the_docs_list_every_declared_column(generator) -> None:
    text = generator.RAW_TABLES_DOC.read_text()
    (section,) = [
        m.group(0) for m in generator.GENERATED.finditer(text) if "raw_smartsheet" in m.group(1)
    ]
    for table in RAW_TABLES:
        (row,) = [line for line in section.splitlines() if line.startswith(f"| `{table.name}` |")]
        listed = re.split(
            r",\s*", re.sub(r"\([^()]*(\([^()]*\)[^()]*)*\)", "", row.split(" | ")[2])
        )
        expected = [c.name for c in table.columns if not c.hard_delete]
        assert [name.strip(" |") for name in listed] == expected, table.name


def test_the_docs_section_is_generated_from_the_declaration(generator) -> None:
    text = generator.RAW_TABLES_DOC.read_text()
    assert text == generator.raw_tables_doc(text), (
        "run `uv run python transforms/scripts/raw_contract.py`"
    )
