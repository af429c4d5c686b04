"""Rows of the small `raw_jira` tables and the values the Arrow tables share: field roles,
account ids, sprint ids, timestamps, and the e-mail scrubbing of `raw`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from connectors.jira.settings import (
    DATE_FIELD,
    FLOAT_FIELD,
    SPRINT_FIELD,
    START_DATE_NAMES,
    STORY_POINT_NAMES,
)

JsonDict = dict[str, Any]
DC_SPRINT_ID = re.compile(r"\[id=(\d+),")
_EMAIL = rb'"emailAddress"\s*:\s*(?:"(?:[^"\\]|\\.)*"|null)'
EMAIL_BEFORE_MEMBER = re.compile(_EMAIL + rb"\s*,\s*")
EMAIL_MEMBER = re.compile(rb",\s*" + _EMAIL)
EMAIL_FIRST_MEMBER = re.compile(_EMAIL + rb"\s*,?")


def parse_jira_datetime(value: str | None) -> datetime | None:
    """Jira's `2022-06-09T16:29:31.871-0700`, and ISO 8601 as dlt state and the agile API write
    it (`...Z`), as an aware UTC datetime."""
    if not value:
        return None
    return datetime.fromisoformat(value).astimezone(UTC)


def is_truncated(issue: JsonDict) -> bool:
    """Whether the changelog embedded in a search result misses some of the issue's histories."""
    changelog = issue.get("changelog") or {}
    return changelog.get("total", 0) > len(changelog.get("histories") or [])


def account_id(user: JsonDict | None) -> str | None:
    """Cloud users are keyed by accountId; Data Center users by their immutable key."""
    if not user:
        return None
    return user.get("accountId") or user.get("key")


def without_emails(body: bytes) -> bytes:
    """Remove every `"emailAddress": ...` member from a JSON document, at C speed (escaped
    quotes inside strings never match). Jira puts the email before other members: that pass
    starts with a literal, which the regex engine finds fast; a last member (after a comma)
    or a lone one are cut by slower passes, run only if any is left.

    Applied to `raw`, the only column that keeps Jira's JSON as sent (every other column is
    picked field by field, users by accountId)."""
    if b'"emailAddress"' not in body:
        return body
    body = EMAIL_BEFORE_MEMBER.sub(b"", body)
    if b'"emailAddress"' not in body:
        return body
    return EMAIL_FIRST_MEMBER.sub(b"", EMAIL_MEMBER.sub(b"", body))


@dataclass(frozen=True)
class FieldRoles:
    """Which custom field holds story points, sprints and start date on this site."""

    story_points: str | None
    sprint: str | None
    start_date: str | None

    def role_of(self, field_id: str) -> str | None:
        for role in ("story_points", "sprint", "start_date"):
            if getattr(self, role) == field_id:
                return role
        return None


def detect_field_roles(fields: Iterable[JsonDict], overrides: dict[str, str | None]) -> FieldRoles:
    """Find role fields by their schema type (and name among equals), unless overridden."""
    custom = [f for f in fields if f.get("custom") and f.get("schema")]

    def by_type(schema_custom: str, names: Sequence[str] | None) -> str | None:
        candidates = [f for f in custom if f["schema"].get("custom") == schema_custom]
        if names is not None:
            ranked = [
                f for n in names for f in candidates if f.get("name", "").strip().lower() == n
            ]
            candidates = ranked
        return candidates[0]["id"] if candidates else None

    return FieldRoles(
        story_points=overrides.get("story_points") or by_type(FLOAT_FIELD, STORY_POINT_NAMES),
        sprint=overrides.get("sprint") or by_type(SPRINT_FIELD, None),
        start_date=overrides.get("start_date") or by_type(DATE_FIELD, START_DATE_NAMES),
    )


def field_row(field: JsonDict, roles: FieldRoles) -> JsonDict:
    schema = field.get("schema") or {}
    return {
        "id": field["id"],
        "name": field.get("name"),
        "custom": bool(field.get("custom")),
        "schema_type": schema.get("type"),
        "schema_custom": schema.get("custom"),
        "schema_items": schema.get("items"),
        "role": roles.role_of(field["id"]),
    }


def project_row(project: JsonDict) -> JsonDict:
    return {
        "id": project["id"],
        "key": project["key"],
        "name": project.get("name"),
        "project_type_key": project.get("projectTypeKey"),
        "lead_account_id": account_id(project.get("lead")),
        "is_private": project.get("isPrivate"),
    }


def status_row(status: JsonDict) -> JsonDict:
    category = status.get("statusCategory") or {}
    return {
        "id": status["id"],
        "name": status.get("name"),
        "untranslated_name": status.get("untranslatedName"),
        "status_category_id": category.get("id"),
        "status_category_key": category.get("key"),
        "status_category_name": category.get("name"),
    }


def sprint_ids(value: Any) -> list[int]:
    """Cloud sends sprint objects; older Data Center sends `...Sprint@1a[id=12,...]` strings."""
    ids = []
    for sprint in value or []:
        if isinstance(sprint, dict):
            ids.append(int(sprint["id"]))
        elif match := DC_SPRINT_ID.search(str(sprint)):
            ids.append(int(match.group(1)))
    return ids


def board_row(board: JsonDict) -> JsonDict:
    location = board.get("location") or {}
    return {
        "id": board["id"],
        "name": board.get("name"),
        "type": board.get("type"),
        "project_id": str(location["projectId"]) if location.get("projectId") else None,
        "project_key": location.get("projectKey"),
    }


def sprint_row(sprint: JsonDict, board_id: int) -> JsonDict:
    return {
        "id": sprint["id"],
        "board_id": sprint.get("originBoardId", board_id),
        "name": sprint.get("name"),
        "state": sprint.get("state"),
        "start_date": parse_jira_datetime(sprint.get("startDate")),
        "end_date": parse_jira_datetime(sprint.get("endDate")),
        "complete_date": parse_jira_datetime(sprint.get("completeDate")),
        "goal": sprint.get("goal"),
    }


def user_row(user: JsonDict) -> JsonDict:
    """Users keyed by accountId; the email address is dropped, never stored."""
    return {
        "account_id": account_id(user),
        "account_type": user.get("accountType"),
        "display_name": user.get("displayName"),
        "active": user.get("active"),
        "time_zone": user.get("timeZone"),
    }
