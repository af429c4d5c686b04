"""The polling fallback for Jira sites that cannot call us: one tiny search per tick.

Asks only for the single most recently updated issue of the configured projects since the
cursor (``maxResults`` 1, ``fields=updated``); the incremental run does the real reading.
"""

from __future__ import annotations

from datetime import datetime

import dlt

from connectors.jira.helpers import (
    JiraApiClient,
    jql_datetime,
    parse_jira_datetime,
    parse_project_keys,
)

# A sensor tick must stay short: fail fast and let the next tick try again.
POLL_ATTEMPTS = 2
POLL_TIMEOUT_SECONDS = 10.0


def jira_client_from_config() -> JiraApiClient:
    """A client for the site the Jira source loads, from the same dlt settings."""
    return JiraApiClient(
        dlt.config.get("sources.jira.base_url"),
        dlt.config.get("sources.jira.email"),
        dlt.secrets.get("sources.jira.api_token"),
        dlt.secrets.get("sources.jira.pat"),
        max_attempts=POLL_ATTEMPTS,
        backoff_factor=0.5,
        max_retry_delay=2.0,
        request_timeout=POLL_TIMEOUT_SECONDS,
    )


def latest_update_jql(projects: list[str], since: datetime | None, time_zone: str) -> str:
    clauses = [f"project in ({', '.join(projects)})"]
    if since is not None:
        # JQL reads minutes in the API user's timezone: flooring can only re-find, never miss.
        clauses.append(f'updated >= "{jql_datetime(since, time_zone)}"')
    return " AND ".join(clauses) + " ORDER BY updated DESC"


def newest_jira_update(
    since: datetime | None, client: JiraApiClient | None = None
) -> datetime | None:
    """``updated`` of the most recently changed issue at or after ``since`` (None: none)."""
    client = client or jira_client_from_config()
    projects = parse_project_keys(dlt.config.get("sources.jira.projects"))
    jql = latest_update_jql(projects, since, client.time_zone)
    first_page = next(iter(client.search_issues(jql, ["updated"], page_size=1)), [])
    stamps = [parse_jira_datetime(issue["fields"].get("updated")) for issue in first_page]
    newest = max((s for s in stamps if s is not None), default=None)
    if since is not None and newest is not None and newest <= since:
        return None
    return newest
