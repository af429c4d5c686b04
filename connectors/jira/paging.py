"""Paginators for Jira's paging styles, each refusing to loop or to stop early."""

from __future__ import annotations

from typing import Any

from dlt.common import logger
from dlt.sources.helpers.rest_client.paginators import (
    JSONLinkPaginator,
    JSONResponseCursorPaginator,
    OffsetPaginator,
)
from requests import Request, Response

from connectors.jira.errors import JiraError, endpoint

MAX_EMPTY_PAGES = 3

# A paging run logs its progress every this many pages.
PROGRESS_EVERY_PAGES = 100


def item_identity(item: Any) -> Any:
    """What tells one listed item from another: its id (issues, projects, boards, sprints,
    histories), account id (users), worklog id, or issue id and first history (bulk
    changelogs, where one issue's histories can span pages)."""
    if not isinstance(item, dict):
        return repr(item)[:200]
    for key in ("id", "accountId", "key", "worklogId"):
        if key in item:
            return item[key]
    histories = item.get("changeHistories") or [{}]
    return (item.get("issueId"), histories[0].get("id"))


class AdvancingPages:
    """Mixed into every paginator of this connector: paging must end.

    A page that lists the same items as the previous one means the server ignores the paging
    parameter (one Jira ignored `startAt` on users, and the run kept asking), and empty pages
    that keep pointing to a next one do not advance either: the run fails at once, in one line
    naming the endpoint. Long resources log their progress every
    `PROGRESS_EVERY_PAGES` pages."""

    def init_request(self, request: Request) -> None:
        self.pages = 0
        self.items = 0
        self.empty_pages = 0
        self.previous_page: tuple[Any, ...] | None = None
        super().init_request(request)  # type: ignore[misc]

    def update_state(self, response: Response, data: list[Any] | None = None) -> None:
        if data:
            page = (len(data), item_identity(data[0]), item_identity(data[-1]))
            if page == self.previous_page:
                raise JiraError(
                    f"Jira sent the same page twice on {endpoint(response)} after "
                    f"{self.pages} pages ({self.items} items): the server ignores paging, "
                    "stopped rather than loop"
                )
            self.previous_page = page
            self.pages += 1
            self.items += len(data)
            if self.pages % PROGRESS_EVERY_PAGES == 0:
                logger.info(
                    f"Jira {endpoint(response)}: {self.pages} pages, {self.items} items so far"
                )
        super().update_state(response, data)  # type: ignore[misc]
        self.empty_pages = 0 if data else self.empty_pages + 1
        if self.empty_pages >= MAX_EMPTY_PAGES and self.has_next_page:  # type: ignore[attr-defined]
            raise JiraError(
                f"Jira sent {self.empty_pages} empty pages in a row on {endpoint(response)} "
                "that still point to a next page: stopped rather than loop"
            )


class PageOffsetPaginator(AdvancingPages, OffsetPaginator):
    """Jira's `startAt` paging, guarded (see `AdvancingPages`). Jira serves fewer than the
    `maxResults` asked when its own ceiling is lower (Data Center's search: 1,000 by default,
    an admin setting) and says so in the page's `maxResults`: the next page starts after what
    was served, not after what was asked, or every page would skip the difference."""

    def update_state(self, response: Response, data: list[Any] | None = None) -> None:
        payload = response.json()
        served = payload.get("maxResults") if isinstance(payload, dict) else None
        if isinstance(served, int) and 0 < served < self.limit:
            self.limit = self.value_step = served
        super().update_state(response, data)


class NextLinkPaginator(AdvancingPages, JSONLinkPaginator):
    """Paging by the `nextPage` link (worklog changes), guarded."""


class BodyCursorPaginator(AdvancingPages, JSONResponseCursorPaginator):
    """Paging by a token sent back in the request body (bulk changelogs), guarded."""


class NextPageTokenPaginator(AdvancingPages, JSONResponseCursorPaginator):
    """`nextPageToken` paging that refuses to loop or to stop early on inconsistent pages.

    A token seen before means Jira would serve the same page forever (repeated empty pages
    that still carry a token mean the same, see `AdvancingPages`); `isLast: false` without a
    token would silently truncate the load. Each raises; `isLast: true` with a token stops, as
    the docs say.
    """

    def __init__(self, body: bool = True) -> None:
        if body:
            super().__init__(cursor_path="nextPageToken", cursor_body_path="nextPageToken")
        else:
            super().__init__(cursor_path="nextPageToken", cursor_param="nextPageToken")
        self.seen: set[str] = set()

    def update_state(self, response: Response, data: list[Any] | None = None) -> None:
        payload = response.json()
        token, is_last = payload.get("nextPageToken"), payload.get("isLast")
        if token and token in self.seen:
            raise JiraError(f"Jira returned the same nextPageToken twice on {response.url}")
        super().update_state(response, data)
        if is_last is False and not token:
            raise JiraError("Jira said isLast=false but sent no nextPageToken: results incomplete")
        if is_last is True and token:
            logger.warning("Jira sent a nextPageToken on its last page; stopping as isLast says")
            self._next_reference = None
        if token:
            self.seen.add(token)

    def init_request(self, request: Request) -> None:
        self.seen.clear()
        super().init_request(request)


class IsLastPaginator(PageOffsetPaginator):
    """`startAt` paging that stops on `isLast`, for agile endpoints that send no `total`."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            limit=limit,
            offset_param="startAt",
            limit_param="maxResults",
            total_path=None,
            stop_after_empty_page=True,
        )

    def update_state(self, response: Response, data: list[Any] | None = None) -> None:
        super().update_state(response, data)
        if response.json().get("isLast"):
            self._has_next_page = False


def start_at_paginator(limit: int) -> OffsetPaginator:
    """Jira's `startAt`/`maxResults`/`total` paging (projects, changelog, Data Center search)."""
    return PageOffsetPaginator(
        limit=limit, offset_param="startAt", limit_param="maxResults", total_path="total"
    )
