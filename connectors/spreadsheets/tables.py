"""The raw tables of docs/raw-tables.md as dlt hints: keys, disposition and typed columns.

Columns are declared up front so that a column that happens to be empty in every file (no
comments yet, no quarantined rows) still exists with its contracted type.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
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
    """One raw table; ``replaced_per_file`` tables are cleared per file before its rows land.

    ``unique_per_load``: the connector never yields one key twice in a load (replace markers,
    never stored, aside), so dlt skips deduplicating the staged rows, a window over a million
    survey answers.
    ``replace_key``: a row another file sends with the same values replaces the stored one
    (default: the primary key).
    ``grain`` and ``notes`` (column -> meaning) are what docs/raw-tables.md says of it.
    """

    name: str
    primary_key: tuple[str, ...]
    columns: dict[str, str]  # name -> dlt data type
    replaced_per_file: bool = True
    unique_per_load: bool = False
    replace_key: tuple[str, ...] = ()
    grain: str = ""
    notes: Mapping[str, str] = field(default_factory=dict)

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
        # not a merge key: the destination scope replaces it (False clears it in warehouses
        # loaded before, where dlt would warn on every load that it ignores it)
        columns["source_file"] = {**columns["source_file"], "nullable": False, "merge_key": False}
        return {
            "primary_key": list(self.primary_key),
            "write_disposition": {
                "disposition": "merge",
                "strategy": "delete-insert",
                "destination_scope": self.replaced_rows(),
                "deduplicated": self.unique_per_load,
            },
            "columns": columns,
        }

    def replaced_rows(self) -> str:
        """Stored rows a load replaces: all rows of each file it sends (markers included), and
        another file's rows with a ``replace_key`` it sends (the file loaded last wins).

        Two semi-joins: dlt's own ``merge_key OR primary_key`` delete puts the ``OR`` in one
        join condition, which DuckDB runs as a nested loop; re-loading a corrected
        100,000-response survey that way ran out of temporary disk space.
        """
        keys = self.replace_key or self.primary_key
        same_key = " and ".join(f"s.{name} = {{table}}.{name}" for name in keys)
        return (
            "source_file in (select source_file from {staging_table}) "
            f"or exists (select 1 from {{staging_table}} as s where {same_key})"
        )

    def required_columns(self) -> set[str]:
        """Columns the destination creates ``NOT NULL``: keys, ``source_file`` and dlt's own."""
        source_file = ["source_file"] if self.replaced_per_file else []
        return {*self.primary_key, *source_file, *DLT_COLUMNS}

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


def _layout_table(layout: Layout, grain: str, **notes: str) -> RawTable:
    columns = {**_layout_columns(layout), **LINEAGE}
    return RawTable(layout.table, layout.key, columns, grain=grain, notes=notes)


SURVEY_RESPONSES = RawTable(
    SURVEY.table,
    SURVEY.key,
    {**_layout_columns(SURVEY), "respondent_token": "text", **LINEAGE},
    unique_per_load=True,
    grain="one respondent's answers in one wave",
    notes={
        "response_id": "`<wave>-<keyed HMAC>`, never the id as typed",
        "wave": "e.g. `2025-Q3`",
        "respondent_token": "HMAC, never the raw name/email",
        "overall_value": "1-5",
        "likelihood_to_recommend": "0-10",
        "comment": "e-mails masked as `[email]`",
    },
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
    unique_per_load=True,  # unique responses, one answer per service and dimension each
    replace_key=("response_id",),  # a replaced response takes all its answers with it
    grain="one rating of one PMO service in one response",
    notes={"dimension": "`satisfaction` or `value`", "score": "1-5"},
)
QUARANTINE = RawTable(
    "quarantine",
    ("file_hash", "source_sheet", "source_row", "source_column"),
    {
        **LINEAGE,
        "source_column": "text",
        "value": "text",
        "reason": "text",
        "field": "text",
        "scope": "text",
        "response_id": "text",
        "quarantined_at": "timestamp",
    },
    grain="one rejected cell",
    notes={
        "source_column": "header as written",
        "value": "e-mails masked",
        "field": "contracted column: `likelihood_to_recommend`, `SVC-GOV\\|value`",
        "scope": "`row`: the row was not loaded; `answer`: only this survey answer, "
        "its response loaded",
        "response_id": "of that response, for `answer`",
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
        "answers_quarantined": "bigint",
        "size_bytes": "bigint",
        "seen_at": "timestamp",
        "deleted_at": "timestamp",
    },
    replaced_per_file=False,
    grain="one version of a file seen",
    notes={
        "status": "`loaded`, `rejected`, `deleted`: gone from the landing location, rows kept; "
        "`removed`: gone, rows deleted, per `SOURCES__SPREADSHEETS__DELETED_FILES`",
        "rows_quarantined": "whole rows",
        "answers_quarantined": "survey answers quarantined alone",
    },
)

RAW_TABLES: dict[str, RawTable] = {
    table.name: table
    for table in (
        SURVEY_RESPONSES,
        SURVEY_ANSWERS,
        _layout_table(
            SERVICE_CATALOGUE,
            "one PMO service",
            customer_groups="text, `;`-separated",
        ),
        _layout_table(NEEDS_REGISTER, "one stakeholder need", service_ids="text, `;`-separated"),
        _layout_table(
            MATURITY_ASSESSMENT,
            "one domain rating in one assessment",
            level="1-5",
        ),
        _layout_table(PROJECT_REGISTER, "one project"),
        _layout_table(STRATEGIC_OBJECTIVES, "one objective"),
        _layout_table(
            QUESTION_MAP,
            "one rule mapping an export's question header to a service and dimension",
            question="exact text, `*` wildcard or `re:` regex",
        ),
        QUARANTINE,
        SOURCE_FILES,
    )
}
