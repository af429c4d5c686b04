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
    """The scope and the incremental bound (`scope_jql`), and a stable order: oldest change
    first for loading, newest first for polling."""
    order = "updated DESC" if newest_first else "updated ASC, key ASC"
    return f"{scope_jql(projects, since, time_zone, jql_filter)} ORDER BY {order}"


def scope_jql(
    projects: Sequence[str], since: datetime | None, time_zone: str, jql_filter: str | None
) -> str:
    """The issues to load, unordered: validated project keys, the operator's own JQL filter in
    parentheses, and the incremental bound."""
    clauses = [f"project in ({', '.join(projects)})"]
    if jql_filter:
        clauses.append(f"({jql_filter})")
    if since is not None:
        clauses.append(f'updated >= "{jql_datetime(since, time_zone)}"')
    return " AND ".join(clauses)


def id_slice_jql(scope: str, low: int | None, high: int | None) -> str:
    """The issues of `scope` with `low <= id < high` (an open end when None), in key order: an
    edit during the load moves no issue out of its slice nor within its pages."""
    bounds = [f"id >= {low}"] * (low is not None) + [f"id < {high}"] * (high is not None)
    return " AND ".join([scope, *bounds]) + " ORDER BY key ASC"
