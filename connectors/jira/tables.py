"""The `raw_jira` tables, declared once: each column's name, dlt type and meaning.

The resources' column hints and the Arrow schemas of the tables built column-wise come from
here; `transforms/scripts/raw_contract.py` generates `raw_contract.sql` and the `raw_jira`
section of `docs/raw-tables.md` from the same declaration (a test keeps them in step). Every
column is declared, even one that is null in every row, so it lands with its contracted type:
dlt drops columns that are null in every row otherwise (a project's `lead` without
`expand=lead`, boards without `location.projectId`, users without details).

`is_deleted` is dlt's hard-delete marker: a tombstone row with it set removes the destination
rows it matches (by primary key, or by `issue_id` where that is the merge key).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from dlt.common.data_types import TDataType

TIMESTAMP = pa.timestamp("us", tz="UTC")
# JSON documents travel as Arrow strings; the `json` hint types the column.
ARROW_TYPES: dict[str, pa.DataType] = {
    "text": pa.string(),
    "json": pa.string(),
    "bool": pa.bool_(),
    "bigint": pa.int64(),
    "double": pa.float64(),
    "date": pa.date32(),
    "timestamp": TIMESTAMP,
}


@dataclass(frozen=True)
class Column:
    """One column: `doc` is shown next to its name in `docs/raw-tables.md`."""

    name: str
    data_type: TDataType
    doc: str = ""
    nullable: bool = True
    hard_delete: bool = False

    @property
    def hint(self) -> dict[str, Any]:
        hint: dict[str, Any] = {"data_type": self.data_type}
        if self.data_type == "timestamp":
            hint["timezone"] = True
        if not self.nullable:
            hint["nullable"] = False
        if self.hard_delete:
            hint["hard_delete"] = True
        return hint


@dataclass(frozen=True)
class RawTable:
    """One `raw_jira` table: what one row is (`grain`, identified by the `key` columns), its
    columns in load order, and a note for the docs. Tables merged by issue (`merge_key`
    `issue_id`) keep their `key` as the grain but not as dlt's primary key (see the source)."""

    name: str
    grain: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    note: str = ""

    @property
    def hints(self) -> dict[str, Any]:
        """The `columns` argument of the table's dlt resource."""
        return {column.name: column.hint for column in self.columns}

    @property
    def arrow_schema(self) -> pa.Schema:
        """The schema of the Arrow tables built for it, columns in declaration order."""
        return pa.schema(
            pa.field(column.name, ARROW_TYPES[column.data_type], nullable=column.nullable)
            for column in self.columns
        )


def key(name: str, data_type: TDataType = "text") -> Column:
    return Column(name, data_type, nullable=False)


def text(name: str, doc: str = "") -> Column:
    return Column(name, "text", doc)


def stamp(name: str) -> Column:
    return Column(name, "timestamp")


IS_DELETED = Column("is_deleted", "bool", hard_delete=True)

PROJECTS = RawTable(
    "projects",
    "one Jira project",
    ("id",),
    (
        key("id"),
        text("key"),
        text("name"),
        text("project_type_key"),
        text("lead_account_id"),
        Column("is_private", "bool"),
    ),
)
STATUSES = RawTable(
    "statuses",
    "one status `/status` lists",
    ("id",),
    (
        key("id"),
        text("name"),
        text("untranslated_name"),
        Column("status_category_id", "bigint"),
        text("status_category_key", "`new`, `indeterminate`, `done`"),
        text("status_category_name"),
    ),
)
FIELDS = RawTable(
    "fields",
    "one field",
    ("id",),
    (
        key("id"),
        text("name"),
        Column("custom", "bool", "bool"),
        text("schema_type"),
        text("schema_custom"),
        text("schema_items"),
        text("role", "`story_points`, `sprint`, `start_date` or null"),
    ),
)
ISSUES = RawTable(
    "issues",
    "one issue",
    ("id",),
    (
        key("id"),
        text("key"),
        text("project_id"),
        text("project_key"),
        text("summary"),
        text("issue_type"),
        Column("is_subtask", "bool"),
        text("status_id"),
        text("status_name"),
        text("status_category_key", "as embedded in the issue: may disagree with `statuses`"),
        text("priority"),
        text("resolution"),
        stamp("created"),
        stamp("updated"),
        stamp("resolution_date"),
        Column("due_date", "date"),
        Column("start_date", "date"),
        Column("story_points", "double", "double"),
        text("parent_key"),
        Column("labels", "json", "json"),
        Column("components", "json", "json"),
        Column("fix_versions", "json", "json"),
        Column("sprint_ids", "json", "json"),
        text("assignee_account_id"),
        text("reporter_account_id"),
        Column(
            "raw",
            "json",
            "json: the whole issue as Jira sent it without changelog or e-mail addresses",
        ),
        IS_DELETED,
    ),
    "scalar custom fields also land as `customfield_nnnnn` columns",
)
CHANGELOG_ITEMS = RawTable(
    "changelog_items",
    "one changed field in one changelog history",
    ("history_id", "item_index"),
    (
        key("history_id"),
        key("item_index", "bigint"),
        key("issue_id"),
        text("issue_key"),
        stamp("changed_at"),
        text("author_account_id"),
        text("field"),
        text("field_id"),
        text("field_type"),
        text("from_value"),
        text("from_string"),
        text("to_value"),
        text("to_string"),
        IS_DELETED,
    ),
    "complete (not truncated to the embedded page); status moves are `field_id = 'status'`, "
    "`from_value`/`to_value` are status ids",
)
BOARDS = RawTable(
    "boards",
    "one agile board",
    ("id",),
    (key("id", "bigint"), text("name"), text("type"), text("project_id"), text("project_key")),
)
SPRINTS = RawTable(
    "sprints",
    "one sprint",
    ("id",),
    (
        key("id", "bigint"),
        Column("board_id", "bigint"),
        text("name"),
        text("state"),
        stamp("start_date"),
        stamp("end_date"),
        stamp("complete_date"),
        text("goal"),
    ),
)
ISSUE_SPRINTS = RawTable(
    "issue_sprints",
    "one issue in one sprint (the issue's sprint field)",
    ("issue_id", "sprint_id"),
    (key("issue_id"), key("sprint_id", "bigint"), text("issue_key"), IS_DELETED),
)
WORKLOGS = RawTable(
    "worklogs",
    "one worklog",
    ("id",),
    (
        key("id"),
        text("issue_id"),
        text("author_account_id"),
        stamp("started"),
        Column("time_spent_seconds", "bigint"),
        stamp("created"),
        stamp("updated"),
        IS_DELETED,
    ),
    "worklogs deleted in Jira (`/worklog/deleted`) are removed; no comment text",
)
USERS = RawTable(
    "users",
    "one user",
    ("account_id",),
    (
        key("account_id"),
        text("account_type"),
        text("display_name"),
        Column("active", "bool"),
        text("time_zone"),
    ),
    "e-mail addresses are never stored",
)

RAW_TABLES: dict[str, RawTable] = {
    table.name: table
    for table in (
        PROJECTS,
        STATUSES,
        FIELDS,
        ISSUES,
        CHANGELOG_ITEMS,
        BOARDS,
        SPRINTS,
        ISSUE_SPRINTS,
        WORKLOGS,
        USERS,
    )
}
