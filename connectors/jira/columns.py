"""Column hints for the `raw_jira` tables: the contract's types, even for all-null columns.

`is_deleted` is dlt's hard-delete marker: a tombstone row with it set removes the destination
rows it matches (by primary key, or by `issue_id` where that is the merge key).
"""

from typing import Any

ISSUE_COLUMNS: dict[str, Any] = {
    "id": {"data_type": "text", "nullable": False},
    "key": {"data_type": "text"},
    "project_id": {"data_type": "text"},
    "project_key": {"data_type": "text"},
    "summary": {"data_type": "text"},
    "issue_type": {"data_type": "text"},
    "is_subtask": {"data_type": "bool"},
    "status_id": {"data_type": "text"},
    "status_name": {"data_type": "text"},
    "status_category_key": {"data_type": "text"},
    "priority": {"data_type": "text"},
    "resolution": {"data_type": "text"},
    "created": {"data_type": "timestamp", "timezone": True},
    "updated": {"data_type": "timestamp", "timezone": True},
    "resolution_date": {"data_type": "timestamp", "timezone": True},
    "due_date": {"data_type": "date"},
    "start_date": {"data_type": "date"},
    "story_points": {"data_type": "double"},
    "parent_key": {"data_type": "text"},
    "labels": {"data_type": "json"},
    "components": {"data_type": "json"},
    "fix_versions": {"data_type": "json"},
    "sprint_ids": {"data_type": "json"},
    "assignee_account_id": {"data_type": "text"},
    "reporter_account_id": {"data_type": "text"},
    "raw": {"data_type": "json"},
    "is_deleted": {"data_type": "bool", "hard_delete": True},
}
CHANGELOG_COLUMNS: dict[str, Any] = {
    "history_id": {"data_type": "text", "nullable": False},
    "item_index": {"data_type": "bigint", "nullable": False},
    "issue_id": {"data_type": "text"},
    "issue_key": {"data_type": "text"},
    "changed_at": {"data_type": "timestamp", "timezone": True},
    "author_account_id": {"data_type": "text"},
    "field": {"data_type": "text"},
    "field_id": {"data_type": "text"},
    "field_type": {"data_type": "text"},
    "from_value": {"data_type": "text"},
    "from_string": {"data_type": "text"},
    "to_value": {"data_type": "text"},
    "to_string": {"data_type": "text"},
    "is_deleted": {"data_type": "bool", "hard_delete": True},
}
FIELD_COLUMNS: dict[str, Any] = {
    "id": {"data_type": "text", "nullable": False},
    "name": {"data_type": "text"},
    "custom": {"data_type": "bool"},
    "schema_type": {"data_type": "text"},
    "schema_custom": {"data_type": "text"},
    "schema_items": {"data_type": "text"},
    "role": {"data_type": "text"},
}

ISSUE_SPRINT_COLUMNS: dict[str, Any] = {
    "issue_id": {"data_type": "text", "nullable": False},
    "sprint_id": {"data_type": "bigint", "nullable": False},
    "issue_key": {"data_type": "text"},
    "is_deleted": {"data_type": "bool", "hard_delete": True},
}
SPRINT_COLUMNS: dict[str, Any] = {
    "id": {"data_type": "bigint", "nullable": False},
    "board_id": {"data_type": "bigint"},
    "name": {"data_type": "text"},
    "state": {"data_type": "text"},
    "start_date": {"data_type": "timestamp", "timezone": True},
    "end_date": {"data_type": "timestamp", "timezone": True},
    "complete_date": {"data_type": "timestamp", "timezone": True},
    "goal": {"data_type": "text"},
}
WORKLOG_COLUMNS: dict[str, Any] = {
    "id": {"data_type": "text", "nullable": False},
    "issue_id": {"data_type": "text"},
    "author_account_id": {"data_type": "text"},
    "started": {"data_type": "timestamp", "timezone": True},
    "time_spent_seconds": {"data_type": "bigint"},
    "created": {"data_type": "timestamp", "timezone": True},
    "updated": {"data_type": "timestamp", "timezone": True},
    "is_deleted": {"data_type": "bool", "hard_delete": True},
}
# Small tables of dict rows: declared too, so that a key Jira leaves out in every row (a
# project's `lead` without `expand=lead`, boards without `location.projectId`, users without
# details) still lands as a column: dlt drops columns that are null in every row otherwise.
PROJECT_COLUMNS: dict[str, Any] = {
    "id": {"data_type": "text", "nullable": False},
    "key": {"data_type": "text"},
    "name": {"data_type": "text"},
    "project_type_key": {"data_type": "text"},
    "lead_account_id": {"data_type": "text"},
    "is_private": {"data_type": "bool"},
}
STATUS_COLUMNS: dict[str, Any] = {
    "id": {"data_type": "text", "nullable": False},
    "name": {"data_type": "text"},
    "untranslated_name": {"data_type": "text"},
    "status_category_id": {"data_type": "bigint"},
    "status_category_key": {"data_type": "text"},
    "status_category_name": {"data_type": "text"},
}
BOARD_COLUMNS: dict[str, Any] = {
    "id": {"data_type": "bigint", "nullable": False},
    "name": {"data_type": "text"},
    "type": {"data_type": "text"},
    "project_id": {"data_type": "text"},
    "project_key": {"data_type": "text"},
}
USER_COLUMNS: dict[str, Any] = {
    "account_id": {"data_type": "text", "nullable": False},
    "account_type": {"data_type": "text"},
    "display_name": {"data_type": "text"},
    "active": {"data_type": "bool"},
    "time_zone": {"data_type": "text"},
}
