"""dlt source for Jira Cloud (REST v3) and Jira Data Center (REST v2), landing `raw_jira`.

Settings resolve from dlt config/secrets, e.g. `SOURCES__JIRA__BASE_URL`, `SOURCES__JIRA__EMAIL`,
`SOURCES__JIRA__API_TOKEN` (Cloud), `SOURCES__JIRA__PAT` (Data Center), `SOURCES__JIRA__PROJECTS`.
Nothing talks to Jira until the pipeline extracts, so building the source never fails on import.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from functools import cached_property, partial
from typing import Any

import dlt
from dlt.extract.items import DataItemWithMeta
from dlt.sources import DltResource

from connectors.gc_pause import gc_paused
from connectors.jira.arrow_tables import (
    CustomFieldColumns,
    TableBatch,
    changelog_changes,
    changelog_table,
    issue_sprints_table,
    issues_table,
    worklogs_table,
)
from connectors.jira.client import IssueQuery, JiraApiClient
from connectors.jira.concurrency import AdaptiveLimit, RequestsAhead, fetch_concurrently
from connectors.jira.cursor import IssueCursor
from connectors.jira.jql import issues_jql, scope_jql
from connectors.jira.page_worker import IssuePage, issue_page, page_reader
from connectors.jira.paging import IsLastPaginator, start_at_paginator
from connectors.jira.rows import (
    FieldRoles,
    JsonDict,
    board_row,
    detect_field_roles,
    field_row,
    is_truncated,
    project_row,
    sprint_row,
    status_row,
    user_row,
)
from connectors.jira.settings import (
    AGILE_PAGE_SIZE,
    BUILD_IN_WORKER_FROM,
    BULK_CHANGELOG_ISSUES,
    DEFAULT_BACKOFF_FACTOR,
    DEFAULT_LOOKBACK_MINUTES,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_MAX_RETRY_DELAY,
    DEFAULT_RECONCILE_HOURS,
    DEFAULT_SLICE_FROM,
    PROJECT_PAGE_SIZE,
    REQUEST_TIMEOUT_SECONDS,
    SEARCH_PAGE_SIZE,
    USER_PAGE_SIZE,
    WORKLOG_LIST_SIZE,
    JiraSettings,
)
from connectors.jira.slices import IssueSearch
from connectors.jira.tables import (
    BOARDS,
    CHANGELOG_ITEMS,
    FIELDS,
    ISSUE_SPRINTS,
    ISSUES,
    PROJECTS,
    SPRINTS,
    STATUSES,
    USERS,
    WORKLOGS,
)

__all__ = ["jira_source"]

# Every table merges; parquet load files because DuckDB loads dlt's default INSERT statements
# slower and with more memory (see the README).
# Per-issue tables (changelog_items, issue_sprints) merge on `issue_id` alone: a changed issue's
# rows are all replaced, and a primary key as well would make dlt delete with `pk OR merge key`,
# which DuckDB runs as a nested loop (see the README). Their grain stays
# (history_id, item_index) and (issue_id, sprint_id): each issue is emitted once per run.
MERGED: dict[str, Any] = {"write_disposition": "merge", "file_format": "parquet"}


class JiraScope:
    """The source's settings plus the lazily built client shared by all its resources."""

    def __init__(self, settings: JiraSettings) -> None:
        self.settings = settings

    @cached_property
    def api(self) -> JiraApiClient:
        return JiraApiClient.for_site(self.settings)

    @cached_property
    def project_keys(self) -> list[str]:
        return self.settings.project_keys

    @cached_property
    def roles(self) -> FieldRoles:
        overrides = {
            "story_points": self.settings.story_points_field,
            "sprint": self.settings.sprint_field,
            "start_date": self.settings.start_date_field,
        }
        return detect_field_roles(self.api.fields, overrides)

    def search(self, since: datetime | None, jql_filter: str | None) -> IssueSearch:
        """The issues changed since `since` (all when None): sliced when many (`slices`), the
        slices planned from the ids of groups of projects listed side by side (one group per
        request in flight, so that many small projects do not cost a request each)."""
        time_zone = self.api.time_zone
        keys = self.project_keys
        groups = min(len(keys), self.api.limit.ceiling)
        return IssueSearch(
            self.api,
            scope_jql(keys, since, time_zone, jql_filter),
            issues_jql(keys, since, time_zone, jql_filter),
            self.settings.slice_from,
            [scope_jql(keys[n::groups], since, time_zone, jql_filter) for n in range(groups)],
        )

    @property
    def lookback(self) -> timedelta:
        return timedelta(minutes=self.settings.lookback_minutes)

    @property
    def reconcile_every(self) -> timedelta:
        return timedelta(hours=self.settings.reconcile_hours)


@dlt.source(name="jira", section="jira", spec=JiraSettings)
def jira_source(
    base_url: str | None = dlt.config.value,
    email: str | None = dlt.config.value,
    api_token: str | None = dlt.secrets.value,
    pat: str | None = dlt.secrets.value,
    projects: str | None = dlt.config.value,
    jql_filter: str | None = None,
    lookback_minutes: int = DEFAULT_LOOKBACK_MINUTES,
    reconcile_hours: float = DEFAULT_RECONCILE_HOURS,
    page_size: int = SEARCH_PAGE_SIZE,
    story_points_field: str | None = None,
    sprint_field: str | None = None,
    start_date_field: str | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    backoff_factor: float = DEFAULT_BACKOFF_FACTOR,
    max_retry_delay: float = DEFAULT_MAX_RETRY_DELAY,
    request_timeout: float = REQUEST_TIMEOUT_SECONDS,
    build_in_worker_from: int = BUILD_IN_WORKER_FROM,
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    slice_from: int = DEFAULT_SLICE_FROM,
) -> Sequence[DltResource]:
    """Projects, statuses, fields, issues with their complete changelog and sprints, boards,
    sprints, worklogs and users of a Jira site.

    `projects` takes comma-separated keys (or a list), validated so they cannot inject JQL;
    `jql_filter` narrows the scope with the operator's own JQL; `lookback_minutes` re-reads recently
    updated issues because Jira's index lags and JQL dates have minute precision;
    `reconcile_hours` is how often ids are listed to remove issues deleted in Jira (0: each
    run); `*_field` override the custom field ids found by schema type; a full load of at least
    `build_in_worker_from` issues (Cloud's approximate count) reads and builds its pages in
    worker processes (see `page_worker`); a search of at least `slice_from` issues is cut into
    id slices fetched with up to `max_concurrency` requests at once (see `slices`).
    """
    scope = JiraScope(JiraSettings(**locals()))

    @dlt.resource(**MERGED, primary_key=FIELDS.key, columns=FIELDS.hints)
    def fields() -> Iterator[list[JsonDict]]:
        yield [field_row(f, scope.roles) for f in scope.api.fields]

    @dlt.resource(**MERGED, primary_key=PROJECTS.key, columns=PROJECTS.hints)
    def projects() -> Iterator[list[JsonDict]]:
        """Projects in scope; Jira Cloud sends a project's lead only when asked (`expand`)."""
        wanted = set(scope.project_keys)
        for page in scope.api.paginate(
            f"{scope.api.api}/project/search",
            params={"maxResults": PROJECT_PAGE_SIZE, "expand": "lead"},
            paginator=start_at_paginator(PROJECT_PAGE_SIZE),
            data_selector="values",
        ):
            yield [project_row(p) for p in page if p["key"] in wanted]

    @dlt.resource(**MERGED, primary_key=STATUSES.key, columns=STATUSES.hints)
    def statuses() -> Iterator[list[JsonDict]]:
        yield [status_row(s) for s in scope.api.get(f"{scope.api.api}/status")]

    truncated: list[JsonDict] = []  # issues whose changelog awaits a bulk fetch
    bulk: list[RequestsAhead] = []  # this run's bulk changelog fetches, once one is sent

    def bulk_fetches() -> RequestsAhead:
        """Bulk changelog fetches run beside the search pages, in the slices' limit: waiting
        for one (seconds) would stall the pages queued behind it."""
        if not bulk:
            bulk.append(RequestsAhead(scope.api.limit, BULK_FETCHES_AHEAD))
        return bulk[0]

    def completed_changelogs(end: bool) -> list[JsonDict]:
        """The issues of the finished bulk fetches; at the end of the pages, of all of them."""
        if not bulk:
            return []
        completed = [issue for issues in bulk[0].ready(wait_all=end) for issue in issues]
        if end:
            bulk.pop().close()
        return completed

    batches = {name: TableBatch() for name in ("issues", "changelog_items", "issue_sprints")}

    @dlt.resource(name="issue_pages", selected=False, parallelized=True)
    def issue_pages() -> Iterator[IssuePage]:
        """Changed issues since the cursor minus the lookback, then tombstones of deleted
        issues, then an end-of-pages marker (so transformers can flush their batches).

        Parallelized: dlt fetches the next page in a worker thread while the transformers turn
        the previous one into Arrow (in a large full load, worker processes read and build the
        pages, see `page_worker`).
        Pages are acyclic, so the garbage collector is paused while they are read (see
        `gc_pause`)."""
        started = datetime.now(UTC)
        truncated.clear()
        while bulk:  # left by a failed run
            bulk.pop().close()
        cursor = IssueCursor(dlt.current.resource_state(), scope.lookback)
        for batch in batches.values():
            batch.start(replace=not cursor.incremental)
        search = scope.search(cursor.since, jql_filter)
        expected = scope.api.expected_count(search.serial_jql) or 0
        in_worker = not cursor.incremental and expected >= build_in_worker_from
        with gc_paused(), page_reader(in_worker, scope.roles) as reader:
            query = IssueQuery(["*all"], page_size, "changelog", reader)
            pages = search.pages(expected, query)
            for page in pages:
                now = scope.api.server_time(page.response)
                changed = [issue for issue in page if cursor.observe(issue, now)]
                if changed:
                    yield issue_page(changed, page)
        # Slices are fetched side by side: an issue edited during the load may be read before
        # the edit while a later edit elsewhere is read, so the cursor stops at the load's start.
        cursor.hold_at(search.started)
        last: list[JsonDict] = [END_OF_PAGES]
        if cursor.reconciliation_due(started, scope.reconcile_every):
            current = scope.search(None, jql_filter).current_ids(sorted(cursor.known))
            gone = cursor.reconcile(current, started)
            last = [{"id": str(issue_id), "deleted": True} for issue_id in gone] + last
        cursor.save(started)
        yield IssuePage(last)

    @dlt.transformer(
        **MERGED,
        data_from=issue_pages,
        primary_key=ISSUES.key,
        columns=ISSUES.hints,
    )
    def issues(page: IssuePage) -> Iterator[DataItemWithMeta]:
        custom = CustomFieldColumns(dlt.current.resource_state())
        live, deleted = split_page(page)
        with gc_paused():
            columns = custom.arrays(page.custom_values(live), [issue["key"] for issue in live])
            table = issues_table(page.issue_fields(live, scope.roles), columns, deleted)
        yield from batches["issues"].add(table, flush=page[-1] is END_OF_PAGES)

    @dlt.transformer(
        **MERGED,
        data_from=issue_pages,
        merge_key="issue_id",
        columns=CHANGELOG_ITEMS.hints,
    )
    def changelog_items(page: IssuePage) -> Iterator[DataItemWithMeta]:
        """Each changed issue's whole changelog replaces its rows (merge key `issue_id`).

        Truncated embedded changelogs are completed in bulk, 1000 issues a request; only the
        issue's id, key and count wait for the batch, not the issue itself."""
        live, deleted = split_page(page)
        end = page[-1] is END_OF_PAGES
        complete = [issue for issue in live if not is_truncated(issue)]
        truncated.extend(pending_changelog(issue) for issue in live if is_truncated(issue))
        if len(truncated) >= BULK_CHANGELOG_ISSUES or (end and truncated):
            bulk_fetches().submit(partial(scope.api.with_full_changelogs, list(truncated)))
            truncated.clear()
        completed = completed_changelogs(end)
        with gc_paused():
            changes = [page.embedded_changes(complete), changelog_changes(completed)]
            table = changelog_table(changes, deleted)
        yield from batches["changelog_items"].add(table, flush=page[-1] is END_OF_PAGES)

    @dlt.transformer(
        **MERGED,
        data_from=issue_pages,
        merge_key="issue_id",
        columns=ISSUE_SPRINTS.hints,
    )
    def issue_sprints(page: IssuePage) -> Iterator[DataItemWithMeta]:
        """Current sprint membership of each changed issue, replacing its previous rows."""
        live, deleted = split_page(page)
        table = issue_sprints_table(page.sprint_rows(live, scope.roles), deleted)
        yield from batches["issue_sprints"].add(table, flush=page[-1] is END_OF_PAGES)

    @dlt.resource(**MERGED, primary_key=BOARDS.key, columns=BOARDS.hints)
    def boards() -> Iterator[list[JsonDict]]:
        wanted = set(scope.project_keys)
        for page in scope.api.paginate(
            "/rest/agile/1.0/board",
            params={"maxResults": AGILE_PAGE_SIZE},
            paginator=start_at_paginator(AGILE_PAGE_SIZE),
            data_selector="values",
        ):
            rows = [board_row(b) for b in page]
            yield [row for row in rows if row["project_key"] in wanted]

    @dlt.transformer(
        **MERGED,
        data_from=boards,
        primary_key=SPRINTS.key,
        columns=SPRINTS.hints,
    )
    def sprints(page: list[JsonDict]) -> Iterator[list[JsonDict]]:
        """Sprints of scrum boards (kanban boards have none and answer 400)."""
        for board in page:
            if board["type"] != "scrum":
                continue
            for sprint_page in scope.api.paginate(
                f"/rest/agile/1.0/board/{board['id']}/sprint",
                params={"maxResults": AGILE_PAGE_SIZE},
                paginator=IsLastPaginator(AGILE_PAGE_SIZE),
                data_selector="values",
            ):
                yield [sprint_row(s, board["id"]) for s in sprint_page]

    @dlt.resource(**MERGED, primary_key=WORKLOGS.key, columns=WORKLOGS.hints, parallelized=True)
    def worklogs() -> Iterator[DataItemWithMeta]:
        """Worklogs changed since the last run (`/worklog/updated`), fetched by id in bulk, then
        tombstones of those deleted since (`/worklog/deleted`); both cursors are Jira's
        change times in ms.

        Parallelized: waiting for a worklog list in dlt's main thread would stop it taking the
        search pages, and the slices with it.

        Site-wide, as Jira lists them: join on `issue_id` to scope them to the loaded issues.
        """
        state = dlt.current.resource_state()
        since = int(state.get("since", 0))
        batch = TableBatch()
        batch.start(replace=since == 0)
        # fetched ahead in a thread: its waits overlap with the issue slices' (`concurrency`)
        changes = [partial(changed_worklogs, scope.api, since)]
        for found, newest in fetch_concurrently(changes, AdaptiveLimit(1), WORKLOG_LISTS_AHEAD):
            yield from batch.add(worklogs_table(found), flush=False)
            since = max(since, newest)
        deleted_since = int(state.get("deleted_since", 0))
        gone: list[str] = []
        for page in scope.api.worklog_changes("deleted", deleted_since):
            gone += [str(entry["worklogId"]) for entry in page]
            deleted_since = newest_change(deleted_since, page)
        yield from batch.add(worklogs_table([], gone), flush=True)
        state["since"], state["deleted_since"] = since, deleted_since

    @dlt.resource(**MERGED, primary_key=USERS.key, columns=USERS.hints)
    def users() -> Iterator[list[JsonDict]]:
        """Users by accountId (Cloud) or user key (Data Center), never with their email."""
        for page in scope.api.users(USER_PAGE_SIZE):
            yield [user_row(u) for u in page]

    return [
        projects,
        statuses,
        fields,
        issue_pages,
        issues,
        changelog_items,
        issue_sprints,
        boards,
        sprints,
        worklogs,
        users,
    ]


END_OF_PAGES: JsonDict = {"end_of_pages": True}
# Bulk changelog fetches (1,000 issues each) in flight at once beside the search pages.
BULK_FETCHES_AHEAD = 2
# Worklog lists (1,000 worklogs each) fetched ahead of the resource that turns them into tables.
WORKLOG_LISTS_AHEAD = 8


def newest_change(since: int, page: list[JsonDict]) -> int:
    return max([since, *(entry["updatedTime"] for entry in page)])


def changed_worklogs(api: JiraApiClient, since: int) -> Iterator[tuple[list[JsonDict], int]]:
    """The worklogs changed after `since` (ms), listed by id 1000 a request, each list with
    the newest change time of its page."""
    for page in api.worklog_changes("updated", since):
        ids = [entry["worklogId"] for entry in page]
        newest = newest_change(since, page)
        for start in range(0, len(ids), WORKLOG_LIST_SIZE):
            chunk = {"ids": ids[start : start + WORKLOG_LIST_SIZE]}
            yield api.post(f"{api.api}/worklog/list", chunk), newest


def split_page(page: list[JsonDict]) -> tuple[list[JsonDict], list[str]]:
    """Live issues and the ids of deleted ones (tombstones), without the end marker."""
    live = [i for i in page if i is not END_OF_PAGES and not i.get("deleted")]
    return live, [i["id"] for i in page if i.get("deleted")]


def pending_changelog(issue: JsonDict) -> JsonDict:
    """What a truncated issue needs to have its changelog completed later: no fields."""
    return {
        "id": issue["id"],
        "key": issue["key"],
        "changelog": {"total": issue["changelog"]["total"]},
    }
