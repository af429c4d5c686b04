"""Write transforms/scripts/raw_contract.sql and the tables of docs/raw-tables.md from the
connectors' declarations of their raw tables.

The declarations (``connectors/jira/tables.py``, ``connectors/spreadsheets/tables.py``,
``connectors/smartsheet/tables.py``) also give the dlt resources their column hints, so the
loaded tables, the empty contract tables and the docs cannot drift. Run after changing a
declaration::

    uv run python transforms/scripts/raw_contract.py

``tests/jira/test_raw_tables_agree.py`` (and ``tests/smartsheet/test_smartsheet_raw_tables.py``)
fail while a generated file differs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from connectors.jira import tables as jira
from connectors.jira.tables import RawTable
from connectors.smartsheet import tables as smartsheet
from connectors.spreadsheets import tables as spreadsheets
from pipelines.defs.ingestion import raw_contract_sql

REPO_ROOT = Path(__file__).resolve().parents[2]
RAW_CONTRACT = Path(__file__).with_name("raw_contract.sql")
RAW_TABLES_DOC = REPO_ROOT / "docs" / "raw-tables.md"
GENERATED = re.compile(
    r"(<!-- generated: (?P<dataset>\w+) .*?-->\n).*?(<!-- end generated -->)", re.DOTALL
)
TABLE_HEADER = "| table | grain / primary key | columns (at least) |\n| --- | --- | --- |\n"

Documented = tuple[str, str, list[tuple[str, str]], str]
"""A table as the docs list it: name, grain, (column, note) pairs, note."""


def declared_tables(tables: Iterable[RawTable]) -> Iterator[Documented]:
    """Tables declared with `RawTable`; hard-delete markers are described below the table."""
    for table in tables:
        columns = [(c.name, c.doc) for c in table.columns if not c.hard_delete]
        yield table.name, grain(table.grain, table.key), columns, table.note


def jira_tables() -> Iterator[Documented]:
    """The `raw_jira` tables."""
    return declared_tables(jira.RAW_TABLES.values())


def smartsheet_tables() -> Iterator[Documented]:
    """The `raw_smartsheet` tables."""
    return declared_tables(smartsheet.RAW_TABLES)


def spreadsheet_tables() -> Iterator[Documented]:
    """The `raw_spreadsheets` tables; the lineage every row carries is described above."""
    for table in spreadsheets.RAW_TABLES.values():
        lineage = spreadsheets.LINEAGE if table.replaced_per_file else {}
        columns = [(name, table.notes.get(name, "")) for name in table.columns]
        listed = [c for c in columns if c[0] not in lineage]
        yield table.name, grain(table.grain, table.primary_key), listed, ""


def grain(row: str, key: tuple[str, ...]) -> str:
    """What one row is, then the columns that identify it."""
    names = ", ".join(f"`{name}`" for name in key)
    return f"{row} / {names if len(key) == 1 else f'({names})'}"


def hard_deletes(declared: Iterable[RawTable]) -> str:
    tables = [t.name for t in declared if any(c.hard_delete for c in t.columns)]
    return (
        f"\n`is_deleted` ({', '.join(tables)}) is dlt's hard-delete marker: a row sent with it "
        "set removes the stored row, so it is always null or false in stored rows.\n"
    )


def markdown_table(tables: Iterable[Documented]) -> str:
    rows = []
    for name, grain, columns, note in tables:
        listed = ", ".join(f"{column} ({doc})" if doc else column for column, doc in columns)
        rows.append(f"| `{name}` | {grain} | {listed}{f'; {note}' if note else ''} |\n")
    return TABLE_HEADER + "".join(rows)


def generated_sections() -> dict[str, str]:
    return {
        "raw_jira": markdown_table(jira_tables()) + hard_deletes(jira.RAW_TABLES.values()),
        "raw_spreadsheets": markdown_table(spreadsheet_tables()),
        "raw_smartsheet": markdown_table(smartsheet_tables()) + hard_deletes(smartsheet.RAW_TABLES),
    }


def raw_tables_doc(text: str) -> str:
    """``text`` (docs/raw-tables.md) with each generated section written anew."""
    sections = generated_sections()

    def section(match: re.Match[str]) -> str:
        return match.group(1) + sections[match.group("dataset")] + match.group(3)

    return GENERATED.sub(section, text)


def main() -> None:
    RAW_CONTRACT.write_text(raw_contract_sql())
    RAW_TABLES_DOC.write_text(raw_tables_doc(RAW_TABLES_DOC.read_text()))


if __name__ == "__main__":
    main()
