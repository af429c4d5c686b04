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
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from dlt.common import logger
from dlt.sources.helpers.rest_client.client import PageData

from connectors.jira.client import JiraApiClient
from connectors.jira.concurrency import fetch_concurrently
from connectors.jira.jql import id_slice_jql
from connectors.jira.rows import JsonDict
from connectors.jira.settings import ID_PAGE_SIZE

# Slices per thread: a slice that runs short frees its thread for another.
SLICES_PER_THREAD = 2
# Fewer pages than this in a slice would cost more in partial last pages than it saves.
MIN_SLICE_PAGES = 5
# Pages fetched ahead of processing, per thread.
PAGES_AHEAD_PER_THREAD = 2


@dataclass
class IssueSearch:
    """Pages of the issues matching `scope`, serial or sliced; `started` is Jira's clock before
    the first sliced page was fetched (None when serial)."""

    api: JiraApiClient
    scope: str
    serial_jql: str
    slice_from: int
    started: datetime | None = None

    def pages(
        self, count: int, fields: list[str], page_size: int, expand: str = ""
    ) -> Iterator[PageData[JsonDict]]:
        slices = self.slices(count, page_size)
        if len(slices) < 2:
            yield from self.api.search_issues(self.serial_jql, fields, page_size, expand)
            return
        logger.info(f"Jira: {count} issues in {len(slices)} slices, {slices[0]} ...")
        pagings = [
            lambda jql=jql: self.api.search_issues(jql, fields, page_size, expand) for jql in slices
        ]
        limit = self.api.limit
        yield from fetch_concurrently(pagings, limit, PAGES_AHEAD_PER_THREAD * limit.ceiling)

    def ids(self) -> Iterator[int]:
        """Every issue id in scope, thousands per page: the cheap listing behind deletes."""
        for page in self.api.search_issues(self.serial_jql, ["id"], ID_PAGE_SIZE):
            yield from (int(issue["id"]) for issue in page)

    def slices(self, count: int, page_size: int) -> list[str]:
        """The slices' JQL; one (the serial JQL) below `slice_from` issues, on Data Center
        (no approximate count) or with one request at a time allowed. Bounds come from the ids
        in scope (listed thousands a page), so that slices hold equal whole pages."""
        threads = self.api.limit.ceiling
        wanted = min(math.ceil(count / (page_size * MIN_SLICE_PAGES)), SLICES_PER_THREAD * threads)
        if count < self.slice_from or threads < 2 or wanted < 2 or not self.api.is_cloud:
            return [self.serial_jql]
        ids: list[int] = []
        for page in self.api.search_issues(f"{self.scope} ORDER BY key ASC", ["id"], ID_PAGE_SIZE):
            self.started = self.started or self.api.server_time(page.response)
            ids += (int(issue["id"]) for issue in page)
        ids.sort()
        per_slice = math.ceil(len(ids) / wanted / page_size) * page_size
        edges: list[int | None] = [None, *ids[per_slice::per_slice], None]
        return [id_slice_jql(self.scope, low, high) for low, high in pairwise(edges)]
