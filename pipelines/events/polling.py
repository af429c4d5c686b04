"""The polling fallback for Jira sites that cannot call us: one tiny search per tick.

Asks only for the single most recently updated issue in the source's scope (its projects and
JQL filter) since the cursor (``maxResults`` 1, ``fields=updated``); the incremental run does
the real reading.
"""

from __future__ import annotations

from datetime import datetime

from connectors.jira.client import IssueQuery, JiraApiClient
from connectors.jira.jql import issues_jql
from connectors.jira.rows import parse_jira_datetime
from connectors.jira.settings import JiraSettings

# A sensor tick must stay short: fail fast and let the next tick try again.
POLL_RETRIES = {
    "max_attempts": 2,
    "backoff_factor": 0.5,
    "max_retry_delay": 2.0,
    "request_timeout": 10.0,
}


def newest_jira_update(
    since: datetime | None, client: JiraApiClient | None = None
) -> datetime | None:
    """``updated`` of the most recently changed issue at or after ``since`` (None: none).

    JQL reads minutes in the API user's timezone: flooring ``since`` can only re-find, never
    miss, an update."""
    settings = JiraSettings.from_config()
    client = client or JiraApiClient.for_site(settings, **POLL_RETRIES)
    jql = issues_jql(
        settings.project_keys, since, client.time_zone, settings.jql_filter, newest_first=True
    )
    first_page = next(iter(client.search_issues(jql, IssueQuery(["updated"], page_size=1))), [])
    stamps = [parse_jira_datetime(issue["fields"].get("updated")) for issue in first_page]
    newest = max((s for s in stamps if s is not None), default=None)
    if since is not None and newest is not None and newest <= since:
        return None
    return newest
