"""Every `raw_jira` table keeps the columns `docs/raw-tables.md` promises, whatever Jira sends."""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from connectors.jira import tables as columns
from sandbox.jira.messy import SPARSE_QUIRKS
from sandbox.jira.site import JiraSite

DOCS = Path(__file__).resolve().parents[2] / "docs" / "raw-tables.md"
DECLARED = {name: table.hints for name, table in columns.RAW_TABLES.items()}


def documented_columns() -> dict[str, set[str]]:
    """Table -> the columns the `raw_jira` section of the docs lists (the leading snake_case
    name of each comma-separated entry of the third cell)."""
    section = DOCS.read_text().split("## `raw_jira`")[1].split("\n## ")[0]
    tables = {}
    for table, cell in re.findall(r"^\| `(\w+)` \|[^|]*\|([^|]*)\|", section, re.MULTILINE):
        entries = (re.match(r"\s*([a-z_][a-z0-9_]*)\b", e) for e in cell.split(","))
        tables[table] = {m.group(1) for m in entries if m}
    return tables


def loaded_columns(query: Callable[[str], list[tuple[Any, ...]]]) -> dict[str, set[str]]:
    rows = query(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'raw_jira'"
    )
    tables: dict[str, set[str]] = {}
    for table, column in rows:
        tables.setdefault(table, set()).add(column)
    return tables


def test_the_docs_list_every_declared_column_of_every_table() -> None:
    declared = {table: set(hints) - {"is_deleted"} for table, hints in DECLARED.items()}
    assert documented_columns() == declared


def test_every_table_keeps_its_columns_when_every_optional_key_is_absent(
    messy_site: JiraSite, messy_load: Callable, query: Callable
) -> None:
    messy_site.quirks = SPARSE_QUIRKS
    messy_load()
    loaded = loaded_columns(query)
    missing = {t: c - loaded.get(t, set()) for t, c in documented_columns().items()}
    assert {t: c for t, c in missing.items() if c} == {}


def test_projects_are_asked_for_their_lead(
    messy_load: Callable, query: Callable, messy_site: JiraSite
) -> None:
    messy_load(["projects"])
    leads = dict(query("select key, lead_account_id from raw_jira.projects"))
    assert leads == {p.key: p.lead_account_id for p in messy_site.projects}
