"""The `raw_smartsheet` tables, declared once: each column's name, dlt type and meaning.

Declared with the Jira tables' `Column` / `RawTable`, so every column lands with its
contracted type even when null in every row. `is_deleted` is dlt's hard-delete marker: a
tombstone removes the rows it matches (by primary key, or by `sheet_id` / `row_id` where that
is the table's merge key).
"""

from __future__ import annotations

from connectors.jira.tables import IS_DELETED, Column, RawTable, key, stamp, text

SHEETS = RawTable(
    "sheets",
    "one sheet in scope",
    ("sheet_id",),
    (
        key("sheet_id", "bigint"),
        text("name"),
        Column("version", "bigint", "Smartsheet's version, bumped by every change"),
        text("column_map", "the column map that read its rows (`gantt`, `project_online`, ...)"),
        text("project_id", "the mapped project id column's first value, else summary field"),
        text("workspace_name"),
        Column("total_row_count", "bigint"),
        stamp("created_at"),
        stamp("modified_at"),
        text("permalink"),
        IS_DELETED,
    ),
)
COLUMNS = RawTable(
    "columns",
    "one column of a sheet (all of a sheet's columns replaced together: merge key `sheet_id`)",
    ("sheet_id", "column_id"),
    (
        key("sheet_id", "bigint"),
        Column("column_id", "bigint"),
        text("title"),
        text("type", "Smartsheet column type: TEXT_NUMBER, DATE, PICKLIST, CONTACT_LIST, ..."),
        text("symbol", "e.g. `RYG` for a status column"),
        Column("column_index", "bigint"),
        Column("is_primary", "bool"),
        text("role", "the column map role it fills (`finish`, `status`, ...) or null"),
        IS_DELETED,
    ),
)
ROWS = RawTable(
    "rows",
    "one row (task, phase or milestone) of a sheet, its cells flattened by the column map",
    ("row_id",),
    (
        key("row_id", "bigint"),
        Column("sheet_id", "bigint"),
        Column("parent_row_id", "bigint"),
        Column("row_number", "bigint"),
        text("project_id"),
        text("task_name"),
        Column("start_date", "date"),
        Column("finish_date", "date"),
        Column("baseline_start", "date"),
        Column("baseline_finish", "date"),
        Column("duration_days", "double"),
        Column("percent_complete", "double", "0 to 1"),
        text("status", "the status cell as shown (e.g. `Red`)"),
        text("rag", "`red`, `amber`, `green`, `grey` or null"),
        Column("is_milestone", "bool", "the mapped milestone flag, else duration 0"),
        text("predecessors", "as shown, e.g. `3FS +2d, 5`"),
        Column("budget", "double"),
        Column("actual_cost", "double"),
        text("owner_token", "keyed pseudonym of the assigned contact"),
        text("extra", "unmapped columns by title, a JSON object (contacts pseudonymised)"),
        stamp("created_at"),
        stamp("modified_at"),
        IS_DELETED,
    ),
)
SUMMARY_FIELDS = RawTable(
    "summary_fields",
    "one sheet summary field (a sheet's fields replaced together: merge key `sheet_id`)",
    ("sheet_id", "field_id"),
    (
        key("sheet_id", "bigint"),
        Column("field_id", "bigint"),
        text("title"),
        text("type"),
        text("role", "the column map role of the field, or null"),
        text("value", "the value as text (a contact: its pseudonym)"),
        Column("number_value", "double"),
        stamp("modified_at"),
        IS_DELETED,
    ),
)
CELL_HISTORY = RawTable(
    "cell_history",
    "one past or current value of a mapped date or status cell (a row's history replaced "
    "together: merge key `row_id`)",
    ("row_id", "column_id", "modified_at"),
    (
        key("row_id", "bigint"),
        Column("sheet_id", "bigint"),
        Column("column_id", "bigint"),
        text("role", "`start`, `finish`, `baseline_finish`, `status`, ..."),
        text("value", "the value then, as text (a date as YYYY-MM-DD)"),
        stamp("modified_at"),
        text("modified_by_token", "keyed pseudonym of the editor"),
        IS_DELETED,
    ),
)
RAW_TABLES = (SHEETS, COLUMNS, ROWS, SUMMARY_FIELDS, CELL_HISTORY)
