"""The JQL of the issue searches: one builder for the source and the polling sensor."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from connectors.jira.settings import JQL_DATETIME_FORMAT


def jql_datetime(moment: datetime, time_zone: str) -> str:
    """JQL compares in the API user's timezone at minute precision: floor to the minute."""
    return moment.astimezone(ZoneInfo(time_zone)).strftime(JQL_DATETIME_FORMAT)


def issues_jql(
    projects: Sequence[str],
    since: datetime | None,
    time_zone: str,
    jql_filter: str | None = None,
    *,
    newest_first: bool = False,
) -> str:
    """The scope (validated project keys, plus the operator's own JQL filter in parentheses),
    the incremental bound, and a stable order: oldest change first for loading, newest first
    for polling."""
    clauses = [f"project in ({', '.join(projects)})"]
    if jql_filter:
        clauses.append(f"({jql_filter})")
    if since is not None:
        clauses.append(f'updated >= "{jql_datetime(since, time_zone)}"')
    order = "updated DESC" if newest_first else "updated ASC, key ASC"
    return " AND ".join(clauses) + f" ORDER BY {order}"
