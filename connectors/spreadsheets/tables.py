"""The raw tables of docs/raw-tables.md as dlt hints: keys, disposition and typed columns.

Columns are declared up front so that a column that happens to be empty in every file (no
comments yet, no quarantined rows) still exists with its contracted type.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from dlt.common.schema.typing import TColumnSchema
from dlt.common.schema.utils import dlt_id_column, dlt_load_id_column

from connectors.spreadsheets.layouts import (
    MATURITY_ASSESSMENT,
    NEEDS_REGISTER,
    PROJECT_REGISTER,
    QUESTION_MAP,
    SERVICE_CATALOGUE,
    STRATEGIC_OBJECTIVES,
    SURVEY,
    Kind,
    Layout,
)
from connectors.spreadsheets.settings import REPLACE_MARKER_COLUMN

DATA_TYPES = {
    Kind.TEXT: "text",
    Kind.INTEGER: "bigint",
    Kind.NUMBER: "double",
    Kind.DATE: "date",
    Kind.DATETIME: "timestamp",
}
MARKER_KEY_VALUES: dict[str, Any] = {"text": "", "bigint": 0, "date": date(1900, 1, 1)}
LINEAGE = {
    "source_file": "text",
    "source_sheet": "text",
    "source_row": "bigint",
    "file_hash": "text",
}
DLT_COLUMNS: dict[str, TColumnSchema] = {
    "_dlt_load_id": dlt_load_id_column(),
    "_dlt_id": dlt_id_column(),
}
"""dlt adds these to JSON items but not to arrow items: the resources write them."""


@dataclass(frozen=True)
class RawTable:
    """One raw table; ``replaced_per_file`` tables are cleared per file before its rows land."""

    name: str
    primary_key: tuple[str, ...]
    columns: dict[str, str]  # name -> dlt data type
    replaced_per_file: bool = True

    def hints(self) -> dict[str, Any]:
        """Keyword arguments for ``dlt.resource``."""
        columns: dict[str, TColumnSchema] = {
            name: {"data_type": data_type} for name, data_type in self.columns.items()
        }
        if self.replaced_per_file:
            columns[REPLACE_MARKER_COLUMN] = {"data_type": "bool", "hard_delete": True}
        columns.update(DLT_COLUMNS)
        if not self.replaced_per_file:
            return {
                "primary_key": list(self.primary_key),
                "write_disposition": {"disposition": "merge", "strategy": "upsert"},
                "columns": columns,
            }
        return {
            "primary_key": list(self.primary_key),
            "merge_key": "source_file",
            "write_disposition": {"disposition": "merge", "strategy": "delete-insert"},
            "columns": columns,
        }

    def required_columns(self) -> set[str]:
        """Columns the destination creates ``NOT NULL``: keys and dlt's own."""
        merge_key = ["source_file"] if self.replaced_per_file else []
        return {*self.primary_key, *merge_key, *DLT_COLUMNS}

    def replace_marker(self, source_file: str) -> dict[str, Any]:
        """A row that deletes every stored row of ``source_file`` and is itself never stored."""
        keys = {name: MARKER_KEY_VALUES[self.columns[name]] for name in self.primary_key}
        return {**keys, "source_file": source_file, REPLACE_MARKER_COLUMN: True}


def _layout_columns(layout: Layout) -> dict[str, str]:
    return {
        column.name: DATA_TYPES[column.kind]
        for column in layout.columns
        if column.kind is not Kind.PERSONAL
    }


def _layout_table(layout: Layout) -> RawTable:
    return RawTable(layout.table, layout.key, {**_layout_columns(layout), **LINEAGE})


SURVEY_RESPONSES = RawTable(
    SURVEY.table, SURVEY.key, {**_layout_columns(SURVEY), "respondent_token": "text", **LINEAGE}
)
SURVEY_ANSWERS = RawTable(
    "survey_answers",
    ("response_id", "service_id", "dimension"),
    {
        "response_id": "text",
        "service_id": "text",
        "dimension": "text",
        "score": "bigint",
        **LINEAGE,
    },
)
QUARANTINE = RawTable(
    "quarantine",
    ("file_hash", "source_sheet", "source_row", "source_column"),
    {
        **LINEAGE,
        "source_column": "text",
        "value": "text",
        "reason": "text",
        "quarantined_at": "timestamp",
    },
)
SOURCE_FILES = RawTable(
    "source_files",
    ("file_hash",),
    {
        "file_hash": "text",
        "source_file": "text",
        "workbook": "text",
        "status": "text",
        "error": "text",
        "rows_loaded": "bigint",
        "rows_quarantined": "bigint",
        "rows_skipped": "bigint",
        "size_bytes": "bigint",
        "seen_at": "timestamp",
    },
    replaced_per_file=False,
)

RAW_TABLES: dict[str, RawTable] = {
    table.name: table
    for table in (
        SURVEY_RESPONSES,
        SURVEY_ANSWERS,
        *(
            _layout_table(layout)
            for layout in (
                SERVICE_CATALOGUE,
                NEEDS_REGISTER,
                MATURITY_ASSESSMENT,
                PROJECT_REGISTER,
                STRATEGIC_OBJECTIVES,
                QUESTION_MAP,
            )
        ),
        QUARANTINE,
        SOURCE_FILES,
    )
}
