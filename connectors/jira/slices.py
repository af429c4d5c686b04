"""A large issue search split into id-range slices fetched concurrently (Jira Cloud).

Token paging is serial: a 100,000-issue site is 1,000 pages one after another, each about a
second on Jira Cloud. The scope is cut instead into slices of the issue id: ranges holding the
same number of whole pages, found by listing the ids in scope (5,000 a request), the outer two
open-ended so that none is missed. Each slice is paged with its own `nextPageToken`, in key
order. Id and key never change when an issue is edited, so an issue edited during the load
stays in its slice and in its place: the union of the slices is every issue once. Ranges of
the whole scope rather than one slice per project: slices of equal size whatever the
projects' sizes, and no partial last page per project. Small searches (an incremental run) stay
one serial paging: nothing to gain.

The id listing behind deletes is cut the same way, at the ids the previous run knew (`ids`).
Data Center has offsets instead of tokens: its `startAt` pages are fetched side by side
directly (`start_at_pages`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import pairwise

from dlt.common import logger
from dlt.sources.helpers.rest_client.client import PageData

from connectors.jira.client import IssueQuery, JiraApiClient
from connectors.jira.concurrency import AdaptiveLimit, fetch_concurrently
from connectors.jira.jql import id_slice_jql
from connectors.jira.rows import JsonDict
from connectors.jira.settings import ID_PAGE_SIZE, SEARCH_PAGE_SIZE

# Slices per thread: a slice that runs short frees its thread for another.
SLICES_PER_THREAD = 2
# Fewer pages than this in a slice would cost more in partial last pages than it saves.
MIN_SLICE_PAGES = 5
# Pages fetched ahead of processing, per thread.
PAGES_AHEAD_PER_THREAD = 2


@dataclass
class IssueSearch:
    """Pages of the issues matching `scope`, serial or sliced; `project_scopes` are the scope of
    each project (listed side by side to plan the slices); `started` is Jira's clock before the
    first page of a load read side by side was fetched (None when paged serially by token)."""

    api: JiraApiClient
    scope: str
    serial_jql: str
    slice_from: int
    project_scopes: Sequence[str] = ()
    started: datetime | None = None
    planned: list[int] = field(default_factory=list)  # the ids the slices were cut from

    def pages(self, count: int, query: IssueQuery) -> Iterator[PageData[JsonDict]]:
        """The pages of the search; on Cloud, the query's `reader` may take over reading each
        page (see `JiraApiClient.search_issues`)."""
        if not self.api.is_cloud:
            yield from self.start_at_pages(replace(query, reader=None))
            return
        slices = self.slices(count, query.page_size)
        if len(slices) < 2:
            yield from self.api.search_issues(self.serial_jql, query)
            return
        logger.info(f"Jira: {count} issues in {len(slices)} slices, {slices[0]} ...")
        seen: set[int] = set()
        for page in self.side_by_side(slices, query):
            seen.update(int(issue["id"]) for issue in page)
            yield page
        # An issue deleted meanwhile moved the later ones of its slice a place back, the one
        # at a page's edge onto the page already read: the planned ids not read are asked for.
        missed = sorted(set(self.planned) - seen)
        yield from self.by_id(missed, query)

    def by_id(self, ids: Sequence[int], query: IssueQuery) -> Iterator[PageData[JsonDict]]:
        """Pages of the issues of `ids` still in scope (a deleted one is not found)."""
        size = query.page_size
        for start in range(0, len(ids), size):
            chosen = ", ".join(map(str, ids[start : start + size]))
            jql = f"{self.scope} AND id in ({chosen}) ORDER BY key ASC"
            yield from self.api.search_issues(jql, query)

    def side_by_side(self, jqls: Sequence[str], query: IssueQuery) -> Iterator[PageData[JsonDict]]:
        """The pages of each search, each paged in its own thread (`fetch_concurrently`)."""
        pagings = [lambda jql=jql: self.api.search_issues(jql, query) for jql in jqls]
        limit = self.api.limit
        yield from fetch_concurrently(pagings, limit, PAGES_AHEAD_PER_THREAD * limit.ceiling)

    def ids(self, known: Sequence[int] = (), page_size: int = ID_PAGE_SIZE) -> Iterator[int]:
        """Every issue id in scope, thousands per page: the listing behind deletes. With at
        least `slice_from` `known` ids (the previous run's), cut into id ranges of equal whole
        pages of them, listed side by side. The ranges (the outer two open) cover every id, and
        an issue's id never changes: the union is the serial listing, whatever is edited
        meanwhile. Key order, not `updated`: an edit during the listing moves no issue."""
        threads = self.api.limit.ceiling
        edges: list[int | None] = [None, None]
        if len(known) >= self.slice_from and threads >= 2:
            slices = min(math.ceil(len(known) / page_size), threads)
            edges = id_edges(sorted(known), slices, page_size)
        ranges = [id_slice_jql(self.scope, low, high) for low, high in pairwise(edges)]
        for page in self.side_by_side(ranges, IssueQuery(["id"], page_size)):
            yield from (int(issue["id"]) for issue in page)

    def current_ids(self, known: Sequence[int], page_size: int = ID_PAGE_SIZE) -> set[int]:
        """The ids in scope (`ids`), and the `known` ones the listing missed that Jira still
        has: an issue deleted during the listing moves every later one a place back, and the
        one at a page's edge onto the page already read; taken for deleted, it would be
        removed from the warehouse. Asked for by id, a request per 100 (few: the deleted)."""
        listed = set(self.ids(known, page_size))
        missing = sorted(set(known) - listed)
        for page in self.by_id(missing, IssueQuery(["id"], SEARCH_PAGE_SIZE)):
            listed.update(int(issue["id"]) for issue in page)
        return listed

    def slices(self, count: int, page_size: int) -> list[str]:
        """The slices' JQL; one (the serial JQL) below `slice_from` issues, on Data Center
        (no approximate count) or with one request at a time allowed. Bounds come from the ids
        in scope (listed thousands a page, the projects side by side), so that slices hold
        equal whole pages; an id missed there (an issue moved meanwhile) only unbalances them."""
        threads = self.api.limit.ceiling
        wanted = min(math.ceil(count / (page_size * MIN_SLICE_PAGES)), SLICES_PER_THREAD * threads)
        if count < self.slice_from or threads < 2 or wanted < 2 or not self.api.is_cloud:
            return [self.serial_jql]
        ids: list[int] = []
        listings = [f"{scope} ORDER BY key ASC" for scope in self.project_scopes or [self.scope]]
        for page in self.side_by_side(listings, IssueQuery(["id"], ID_PAGE_SIZE)):
            self.started = self.started or self.api.server_time(page.response)
            ids += (int(issue["id"]) for issue in page)
        ids.sort()
        self.planned = ids
        edges = id_edges(ids, wanted, page_size)
        return [id_slice_jql(self.scope, low, high) for low, high in pairwise(edges)]

    def start_at_pages(self, query: IssueQuery) -> Iterator[PageData[JsonDict]]:
        """Data Center: `startAt` pages in key order (an edit moves no issue between pages). The
        first page tells the total and the page size the server allows (it caps `maxResults`);
        from `slice_from` issues the other pages are fetched side by side, below one by one."""
        jql = f"{self.scope} ORDER BY key ASC"
        first = self.api.search_page(jql, query, 0)
        self.started = self.api.server_time(first.response)
        seen = {issue["id"] for issue in first}
        yield first
        reply = first.response.json()
        total, step = int(reply.get("total", 0)), int(reply.get("maxResults") or query.page_size)
        step = max(1, min(step, query.page_size))
        pagings = [
            lambda start=start: [self.api.search_page(jql, query, start)]
            for start in range(step, total, step)
        ]
        side_by_side = total >= self.slice_from and self.api.limit.ceiling >= 2
        limit = self.api.limit if side_by_side else AdaptiveLimit(1)
        totals = {total}
        for page in fetch_concurrently(pagings, limit, PAGES_AHEAD_PER_THREAD * limit.ceiling):
            totals.add(int(page.response.json().get("total", total)))
            seen.update(issue["id"] for issue in page)
            yield page
        if len(totals) > 1 or len(seen) != total:
            yield from self.missed(seen, query)

    def missed(self, seen: set[str], query: IssueQuery) -> Iterator[PageData[JsonDict]]:
        """Issues were created or deleted while the pages were read: the issues after them
        moved on or back, past a page fetched before or after, so one may never have been
        read. The ids in scope are listed, and the issues not read are read by id."""
        listing = self.api.search_issues(
            f"{self.scope} ORDER BY key ASC", IssueQuery(["id"], ID_PAGE_SIZE)
        )
        ids = [int(issue["id"]) for page in listing for issue in page if issue["id"] not in seen]
        logger.info(f"Jira: issues created or deleted during the load; {len(ids)} read by id")
        yield from self.by_id(ids, query)


def id_edges(ids: Sequence[int], slices: int, page_size: int = 1) -> list[int | None]:
    """Bounds of `slices` id ranges holding equal whole pages of the sorted `ids`, the outer
    two open-ended: together they cover every id, also one not in `ids`."""
    per_slice = max(1, math.ceil(len(ids) / max(1, slices) / page_size) * page_size)
    return [None, *ids[per_slice::per_slice], None]
