"""Arrow tables for the per-issue resources (issues, changelog items, issue sprints).

Each page becomes one Arrow table built column-wise, so dlt writes it straight to parquet and
skips its row normaliser, which dominated the load time with dict items (see the README).
Timestamps are cast from Jira's strings by Arrow, in C. Rows carry
`_dlt_load_id` (the dbt incremental models select on it) and, where the dict path had one,
`_dlt_id`, so warehouses loaded before keep their columns.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

import dlt

# pyarrow's `pa.array` asks its pandas shim whether values are pandas objects, and the shim
# imports pandas on its first use, in whatever thread builds the first array: a parallelized
# resource's (worklogs). Meanwhile dlt's main thread tests each item with
# `sys.modules.get("pandas").DataFrame`, finds the module half-imported and fails the run
# ("partially initialized module 'pandas'"). Imported here, pandas is whole before any thread.
import pandas  # noqa: F401
import pyarrow as pa
import pyarrow.compute as pc
from dlt.common import json, logger
from dlt.common.utils import many_uniq_ids_base64
from dlt.extract.items import DataItemWithMeta

from connectors.jira.rows import FieldRoles, JsonDict, account_id, sprint_ids, without_emails
from connectors.jira.tables import CHANGELOG_ITEMS, ISSUE_SPRINTS, ISSUES, TIMESTAMP, WORKLOGS

LOAD_ID = pa.field("_dlt_load_id", pa.string(), nullable=False)
ROW_ID = pa.field("_dlt_id", pa.string(), nullable=False)
ROW_ID_LENGTH = 10  # as dlt's json normaliser
# dlt computes and validates the table schema of every item it receives: pages are
# handed over in batches of about this many bytes.
BATCH_BYTES = 32 * 2**20

ISSUE_SCHEMA = ISSUES.arrow_schema
CHANGELOG_SCHEMA = CHANGELOG_ITEMS.arrow_schema
# A changelog history as Jira sends it, for Arrow's own conversion of the nested JSON.
HISTORY_ITEM_KEYS = ("field", "fieldId", "fieldtype", "from", "fromString", "to", "toString")
HISTORY_TYPE = pa.struct(
    [
        ("id", pa.string()),
        ("created", pa.string()),
        ("author", pa.struct([("accountId", pa.string()), ("key", pa.string())])),
        ("items", pa.list_(pa.struct([(key, pa.string()) for key in HISTORY_ITEM_KEYS]))),
    ]
)
ISSUE_SPRINT_SCHEMA = ISSUE_SPRINTS.arrow_schema
WORKLOG_SCHEMA = WORKLOGS.arrow_schema

# Scalar custom field values by JSON type: the kind names are those kept in dlt state by
# earlier versions, the suffixes are dlt's variant column names.
CUSTOM_KINDS: dict[type, str] = {str: "str", int: "int", float: "float", bool: "bool"}
KIND_TYPES = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
TYPE_KINDS = {arrow_type: kind for kind, arrow_type in KIND_TYPES.items()}
VARIANT_SUFFIXES = {"str": "text", "int": "bigint", "float": "double", "bool": "bool"}


class ExpectedNotices(logging.Filter):
    """Drops two dlt warnings about what this connector does on purpose; every other record
    passes. For every Arrow item of `issues`, dlt warns that the resource's hints differ from
    the Arrow types: they do (JSON documents travel as Arrow strings and the `json` hint types
    the columns). In a full load it warns that `is_deleted`'s hard-delete hint is ignored by
    `replace`: a full load sends no tombstones (see `TableBatch`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (
            message.startswith("In resource: issues, when merging arrow schema")
            or message.startswith('The "hard_delete" column hint for column "is_deleted"')
        )


logging.getLogger("dlt").addFilter(ExpectedNotices())


class TableBatch:
    """Per-page tables of one resource, released as one table once large enough or flushed.

    In a full load (`replace`) the released tables replace the stored table rather than merge
    into it: DuckDB then writes each row once, instead of into a staging table and again by the
    merge (see the README). There is nothing to delete, so tombstones are dropped. Every released
    table carries its run's write disposition: dlt keeps hints on the resource, so a source
    object run again must not inherit `replace`.
    """

    def __init__(self, max_bytes: int = BATCH_BYTES) -> None:
        self.max_bytes = max_bytes
        self.replace = False
        self.tables: list[pa.Table] = []
        self.size = 0
        self.tombstones = False

    def start(self, replace: bool) -> None:
        """Begin a run: a full load (`replace`) or an incremental one."""
        self.replace = replace
        self.clear()

    def clear(self) -> None:
        self.tables, self.size, self.tombstones = [], 0, False

    def add(self, table: pa.Table, flush: bool) -> Iterator[DataItemWithMeta]:
        """Pages may differ in custom field columns: missing ones are filled with nulls.
        The batch is taken before yielding: dlt may call `add` again before resuming."""
        self.tables.append(table)
        self.size += table.nbytes
        self.tombstones = self.tombstones or bool(pc.any(table["is_deleted"]).as_py())
        if flush or self.size >= self.max_bytes:
            ready, tombstones = self.tables, self.tombstones
            self.clear()
            yield self.marked(pa.concat_tables(ready, promote_options="default"), tombstones)

    def marked(self, table: pa.Table, tombstones: bool) -> DataItemWithMeta:
        """The table to merge, or its live rows to replace the stored table (filtered only
        when it holds tombstones: a filter copies every column, raw JSON included)."""
        if self.replace and tombstones:
            table = table.filter(pc.invert(table["is_deleted"]))
        disposition = "replace" if self.replace else "merge"
        return dlt.mark.with_hints(table, dlt.mark.make_hints(write_disposition=disposition))


def table_from_rows(rows: Sequence[tuple[Any, ...]], schema: pa.Schema) -> pa.Table:
    """Transpose tuples into columns once; strings sent to a timestamp or date column are
    Jira's ISO texts, cast by Arrow (offsets like `-0700` included)."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
    arrays = []
    for values, field in zip(columns, schema, strict=True):
        if pa.types.is_timestamp(field.type) or pa.types.is_date(field.type):
            arrays.append(pa.array(values, pa.string()).cast(field.type))
        else:
            arrays.append(pa.array(values, field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def with_dlt_columns(table: pa.Table, row_ids: bool = False) -> pa.Table:
    """Add dlt's `_dlt_load_id` (the current load package's) and optionally random `_dlt_id`s."""
    load_id = dlt.current.load_package_state()["load_id"]
    table = table.append_column(LOAD_ID, pa.repeat(load_id, table.num_rows))
    if row_ids:
        ids = many_uniq_ids_base64(table.num_rows, ROW_ID_LENGTH)
        table = table.append_column(ROW_ID, pa.array(ids, pa.string()))
    return table


def issue_values(issue: JsonDict, roles: FieldRoles) -> tuple[Any, ...]:
    """The fields analysts query, in ISSUE_SCHEMA order, plus the whole issue (minus its
    changelog, loaded separately, and email addresses) as `raw`."""
    fields = issue.get("fields") or {}
    status = fields.get("status") or {}
    issue_type = fields.get("issuetype") or {}
    project = fields.get("project") or {}
    points = fields.get(roles.story_points) if roles.story_points else None
    sprints = sprint_ids(fields.get(roles.sprint)) if roles.sprint else []
    return (
        issue["id"],
        issue["key"],
        project.get("id"),
        project.get("key"),
        fields.get("summary"),
        issue_type.get("name"),
        bool(issue_type.get("subtask")),
        status.get("id"),
        status.get("name"),
        (status.get("statusCategory") or {}).get("key"),
        (fields.get("priority") or {}).get("name"),
        (fields.get("resolution") or {}).get("name"),
        fields.get("created"),
        fields.get("updated"),
        fields.get("resolutiondate"),
        fields.get("duedate"),
        fields.get(roles.start_date) if roles.start_date else None,
        float(points) if isinstance(points, int | float) else None,
        (fields.get("parent") or {}).get("key"),
        json.dumpb(fields.get("labels") or []),
        json.dumpb([c.get("name") for c in fields.get("components") or []]),
        json.dumpb([v.get("name") for v in fields.get("fixVersions") or []]),
        json.dumpb(sprints),
        account_id(fields.get("assignee")),
        account_id(fields.get("reporter")),
        without_emails(json.dumpb({k: v for k, v in issue.items() if k != "changelog"})),
        False,
    )


class CustomFieldColumns:
    """Scalar custom fields (and single options) as `customfield_nnnnn` columns, so a field
    created in Jira appears as a new column; lists and objects stay in `raw`.

    Each column keeps the JSON type it first had (remembered in dlt state); values of another
    type go to a variant column `<column>__v_<type>`, as dlt names them, and the change is
    reported once: nothing is dropped and an Arrow column never mixes types.
    """

    def __init__(self, state: dict[str, Any]) -> None:
        self.kinds: dict[str, str] = state.setdefault("custom_field_types", {})
        self.reported: list[str] = state.setdefault("type_drift", [])

    def arrays(self, values: pa.Table, keys: Sequence[str]) -> dict[str, pa.Array]:
        """The columns of a page's `custom_values`; `keys` are its issues' keys (named in a
        type change's warning)."""
        arrays: dict[str, pa.Array] = {}
        for field_id, array in zip(values.column_names, values.columns, strict=True):
            first = pc.index(array.is_valid(), True).as_py()
            column = self.column_for(field_id, TYPE_KINDS[array.type], keys[first])
            arrays[column] = array.combine_chunks()
        return arrays

    def column_for(self, field_id: str, kind: str, issue_key: str) -> str:
        first = self.kinds.setdefault(field_id, kind)
        if kind == first:
            return field_id
        drift = f"{field_id}:{first}->{kind}"
        if drift not in self.reported:
            self.reported.append(drift)
            logger.warning(
                f"Jira field {field_id} changed type from {first} to {kind} (issue "
                f"{issue_key}): the new values land in a variant column, nothing is dropped"
            )
        return f"{field_id}__v_{VARIANT_SUFFIXES[kind]}"


def custom_values(issues: Sequence[JsonDict]) -> pa.Table:
    """The scalar custom field values of issues, one column per field and JSON type (named by
    the field, typed by the JSON type: a field may have two) in the order they first appear;
    needs no dlt state, so a worker process may build it (see `page_worker`)."""
    values: dict[tuple[str, str], list[Any]] = {}
    for row, issue in enumerate(issues):
        for field_id, value in (issue.get("fields") or {}).items():
            if not field_id.startswith("customfield_"):
                continue
            if isinstance(value, dict):
                value = value.get("value")
            kind = CUSTOM_KINDS.get(type(value))
            if kind is None:
                continue
            values.setdefault((field_id, kind), [None] * len(issues))[row] = value
    return pa.Table.from_arrays(
        [pa.array(v, KIND_TYPES[kind]) for (_, kind), v in values.items()],
        names=[field_id for field_id, _ in values],
    )


def issue_fields_table(issues: Sequence[JsonDict], roles: FieldRoles) -> pa.Table:
    """The ISSUE_SCHEMA columns of live issues: the costly part of `issues_table`, which needs
    no dlt state, so a worker process may build it (see `page_worker`)."""
    return table_from_rows([issue_values(issue, roles) for issue in issues], ISSUE_SCHEMA)


def issues_table(
    fields: pa.Table, custom: dict[str, pa.Array], deleted_ids: Sequence[str] = ()
) -> pa.Table:
    """Changed issues (their `issue_fields_table` and custom field columns), then
    `is_deleted` tombstones of issues deleted in Jira."""
    tombstone = (None,) * (len(ISSUE_SCHEMA) - 2) + (True,)
    tombstones = table_from_rows([(issue_id, *tombstone) for issue_id in deleted_ids], ISSUE_SCHEMA)
    table = pa.concat_tables([fields, tombstones])
    for column, array in custom.items():
        padding = pa.nulls(len(deleted_ids), array.type)
        table = table.append_column(column, pa.concat_arrays([array, padding]))
    return with_dlt_columns(table, row_ids=True)


def changelog_changes(issues: Sequence[JsonDict]) -> pa.Table:
    """One row per changed field per history of the issues' changelogs (CHANGELOG_SCHEMA).

    Arrow converts the histories as they came (nested dicts) in C, then flattens their items;
    Python only gathers the histories and their issues (millions of items per large load)."""
    histories: list[JsonDict] = []
    owners: list[int] = []
    for position, issue in enumerate(issues):
        embedded = (issue.get("changelog") or {}).get("histories") or []
        histories += embedded
        owners += [position] * len(embedded)
    history = pa.array(histories, HISTORY_TYPE)
    items = history.field("items")
    item = pc.list_flatten(items)
    parent = pc.list_parent_indices(items)
    owner = pc.take(pa.array(owners, pa.int32()), parent)
    author = history.field("author")
    columns = [
        pc.take(history.field("id"), parent),
        pc.subtract(pa.array(range(len(item)), pa.int64()), pc.take(items.offsets, parent)),
        pc.take(pa.array([i["id"] for i in issues], pa.string()), owner),
        pc.take(pa.array([i["key"] for i in issues], pa.string()), owner),
        pc.take(history.field("created").cast(TIMESTAMP), parent),
        pc.take(pc.coalesce(author.field("accountId"), author.field("key")), parent),
        item.field("field"),
        pc.coalesce(item.field("fieldId"), item.field("field")),
        item.field("fieldtype"),
        item.field("from"),
        item.field("fromString"),
        item.field("to"),
        item.field("toString"),
        pa.nulls(len(item), pa.bool_()).fill_null(False),
    ]
    return pa.Table.from_arrays(columns, schema=CHANGELOG_SCHEMA)


def changelog_table(changes: Sequence[pa.Table], deleted_ids: Sequence[str] = ()) -> pa.Table:
    """The `changelog_changes` of changed issues; deleted issues become `is_deleted`
    tombstones."""
    tombstones = [("", -1, issue_id, *([None] * 10), True) for issue_id in deleted_ids]
    table = pa.concat_tables([*changes, table_from_rows(tombstones, CHANGELOG_SCHEMA)])
    return with_dlt_columns(table)


def issue_sprint_rows(issues: Sequence[JsonDict], roles: FieldRoles) -> pa.Table:
    """Current sprint membership; an issue in no sprint gets a tombstone that clears its
    previous rows (merge key `issue_id`). Needs no dlt state (see `page_worker`)."""
    rows: list[tuple[Any, ...]] = []
    for issue in issues:
        fields = issue.get("fields") or {}
        ids = sprint_ids(fields.get(roles.sprint)) if roles.sprint else []
        rows += [(issue["id"], sprint, issue["key"], False) for sprint in ids]
        if not ids:
            rows.append((issue["id"], -1, None, True))
    return table_from_rows(rows, ISSUE_SPRINT_SCHEMA)


def issue_sprints_table(rows: pa.Table, deleted_ids: Sequence[str] = ()) -> pa.Table:
    """`issue_sprint_rows` of changed issues, then tombstones of deleted ones."""
    tombstones = [(issue_id, -1, None, True) for issue_id in deleted_ids]
    table = pa.concat_tables([rows, table_from_rows(tombstones, ISSUE_SPRINT_SCHEMA)])
    return with_dlt_columns(table, row_ids=True)


def worklogs_table(worklogs: Sequence[JsonDict], deleted_ids: Sequence[str] = ()) -> pa.Table:
    """Worklog facts only (the comment is free text that may hold personal data), then
    `is_deleted` tombstones of worklogs deleted in Jira."""
    rows: list[tuple[Any, ...]] = [
        (
            str(worklog["id"]),
            str(worklog.get("issueId")),
            account_id(worklog.get("author")),
            worklog.get("started"),
            worklog.get("timeSpentSeconds"),
            worklog.get("created"),
            worklog.get("updated"),
            False,
        )
        for worklog in worklogs
    ]
    rows += [(worklog_id, *([None] * 6), True) for worklog_id in deleted_ids]
    return with_dlt_columns(table_from_rows(rows, WORKLOG_SCHEMA), row_ids=True)
