"""Each raw table is declared once (`connectors/jira/tables.py`,
`connectors/spreadsheets/tables.py`): the dlt hints the pipeline declares,
`transforms/scripts/raw_contract.sql` and `docs/raw-tables.md` all agree with it."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from dlt.extract import DltSource

from connectors.jira import tables as jira
from connectors.spreadsheets import tables as spreadsheets
from pipelines.defs.ingestion import JIRA_DECLARED, SPREADSHEETS_DECLARED, raw_contract_sql
from tests.raw_contract_generator import load_generator


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    """transforms/scripts/raw_contract.py, which writes the generated files."""
    return load_generator()


def pipeline_hints(source: DltSource) -> dict[str, dict[str, dict[str, Any]]]:
    """Table -> column -> hints, as the resources the pipeline runs declare them."""
    tables = {}
    for resource in source.resources.values():
        schema = resource.compute_table_schema()
        if schema["columns"]:
            tables[schema["name"]] = schema["columns"]
    return tables


def carried(hints: dict[str, dict[str, Any]], wanted: dict[str, dict[str, Any]]) -> dict:
    """Of each column's hints, those `wanted` names (dlt adds keys, merge keys and names)."""
    return {name: {k: hints[name].get(k) for k in wanted[name]} for name in hints}


def test_the_pipeline_declares_the_jira_columns_of_the_declaration() -> None:
    declared = {name: table.hints for name, table in jira.RAW_TABLES.items()}
    hints = pipeline_hints(JIRA_DECLARED)
    assert {table: list(columns) for table, columns in hints.items()} == {
        table: list(columns) for table, columns in declared.items()
    }
    assert {t: carried(hints[t], declared[t]) for t in hints} == declared


def test_each_jira_table_merges_on_its_declared_key_or_by_issue() -> None:
    hints = pipeline_hints(JIRA_DECLARED)
    merged_on = {
        table: (
            tuple(name for name, hint in columns.items() if hint.get("primary_key"))
            or tuple(name for name, hint in columns.items() if hint.get("merge_key"))
        )
        for table, columns in hints.items()
    }
    by_issue = {"changelog_items", "issue_sprints"}
    assert merged_on == {
        name: ("issue_id",) if name in by_issue else table.key
        for name, table in jira.RAW_TABLES.items()
    }


def test_the_pipeline_declares_the_spreadsheet_columns_of_the_declaration() -> None:
    declared = {name: table.hints()["columns"] for name, table in spreadsheets.RAW_TABLES.items()}
    hints = pipeline_hints(SPREADSHEETS_DECLARED)
    assert {t: carried(hints[t], declared[t]) for t in hints} == declared


def test_raw_contract_sql_is_generated_from_the_declarations(generator: ModuleType) -> None:
    assert generator.RAW_CONTRACT.read_text() == raw_contract_sql(), (
        "run `uv run python transforms/scripts/raw_contract.py`"
    )


def test_the_docs_tables_are_generated_from_the_declarations(generator: ModuleType) -> None:
    text = generator.RAW_TABLES_DOC.read_text()
    assert text == generator.raw_tables_doc(text), (
        "run `uv run python transforms/scripts/raw_contract.py`"
    )


def test_the_docs_keep_a_generated_section_per_dataset(generator: ModuleType) -> None:
    text = generator.RAW_TABLES_DOC.read_text()
    found = [match.group("dataset") for match in generator.GENERATED.finditer(text)]
    assert found == ["raw_jira", "raw_spreadsheets", "raw_smartsheet"]


def test_the_docs_list_every_column_a_resource_declares(generator: ModuleType) -> None:
    """Apart from the hidden ones: dlt's own, hard-delete markers and per-file lineage."""
    documented = {
        name: {column for column, _ in columns}
        for name, _, columns, _ in [*generator.jira_tables(), *generator.spreadsheet_tables()]
    }
    hidden = {"_dlt_load_id", "_dlt_id", "is_deleted", "is_replace_marker"}
    lineage = set(spreadsheets.LINEAGE)
    for source in (JIRA_DECLARED, SPREADSHEETS_DECLARED):
        for table, columns in pipeline_hints(source).items():
            replaced = table in spreadsheets.RAW_TABLES and (
                spreadsheets.RAW_TABLES[table].replaced_per_file
            )
            expected = set(columns) - hidden - (lineage if replaced else set())
            assert documented[table] == expected, table
