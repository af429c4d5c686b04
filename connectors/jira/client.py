"""The HTTP client of one Jira site: requests, retries, paging, and one-line errors."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import cached_property
from json import JSONDecodeError
from typing import Any

from dlt.common import json, logger
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.auth import BearerTokenAuth, HttpBasicAuth
from dlt.sources.helpers.rest_client.client import PageData
from dlt.sources.helpers.rest_client.paginators import SinglePagePaginator
from requests import HTTPError, RequestException, Response
from requests.exceptions import InvalidSchema, InvalidURL, MissingSchema

from connectors.gc_pause import gc_paused
from connectors.jira.concurrency import AdaptiveLimit
from connectors.jira.errors import JiraError, endpoint
from connectors.jira.paging import (
    BodyCursorPaginator,
    NextLinkPaginator,
    NextPageTokenPaginator,
    PageOffsetPaginator,
    start_at_paginator,
)
from connectors.jira.retries import retrying_session
from connectors.jira.rows import JsonDict, parse_jira_datetime
from connectors.jira.settings import (
    BULK_CHANGELOG_ISSUES,
    BULK_CHANGELOG_PAGE,
    CHANGELOG_PAGE_SIZE,
    DEFAULT_MAX_CONCURRENCY,
    REQUEST_TIMEOUT_SECONDS,
    SETTING_NAMES,
    JiraSettings,
    missing_credentials,
    missing_setting,
)

ResponseHook = Callable[..., Any]


@dataclass(frozen=True)
class IssueQuery:
    """What an issue search asks of each page, whatever JQL it runs: the fields, the page
    size, the expansions (e.g. `changelog`), and a response hook that may take over reading
    each page (`reader`, see `page_worker`). One value passed through the search's layers
    (serial, sliced, by id, Data Center pages) instead of four arguments each."""

    fields: Sequence[str]
    page_size: int
    expand: str = ""
    reader: ResponseHook | None = None

    def body(self, jql: str) -> JsonDict:
        """The search request's JSON body."""
        body: JsonDict = {"jql": jql, "fields": list(self.fields), "maxResults": self.page_size}
        if self.expand:
            body["expand"] = self.expand
        return body


class JiraApiClient:
    """A dlt REST client bound to one Jira site, with retries and clear auth/removal errors."""

    def __init__(
        self,
        base_url: str | None,
        email: str | None,
        api_token: str | None,
        pat: str | None,
        *,
        max_attempts: int,
        backoff_factor: float,
        max_retry_delay: float,
        request_timeout: float = REQUEST_TIMEOUT_SECONDS,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
    ) -> None:
        if not base_url:
            raise missing_setting("base_url", " (e.g. https://your-site.atlassian.net)")
        self.base_url = base_url.rstrip("/")
        self.max_attempts = max_attempts
        self.max_retry_delay = max_retry_delay
        missing = missing_credentials(email, api_token, pat)
        if missing:
            raise missing_setting(missing[0], f" (or set {SETTING_NAMES['pat']} for Data Center)")
        if pat:
            auth: Any = BearerTokenAuth(token=pat)
            self.credential_settings = SETTING_NAMES["pat"]
        else:
            auth = HttpBasicAuth(username=email, password=api_token)
            self.credential_settings = f"{SETTING_NAMES['email']} / {SETTING_NAMES['api_token']}"
        session = retrying_session(
            max_attempts=max_attempts,
            backoff_factor=backoff_factor,
            max_retry_delay=max_retry_delay,
            request_timeout=request_timeout,
        )
        self.rest = RESTClient(base_url=self.base_url, auth=auth, session=session)
        self.hooks = {"response": [self.raise_for_status]}
        # Requests in flight at once when pagings run concurrently (`slices`); 429s shrink it.
        self.limit = AdaptiveLimit(max_concurrency)

    @classmethod
    def for_site(cls, settings: JiraSettings, **retries: float) -> JiraApiClient:
        """A client for the site `settings` name; `retries` override their retry policy."""
        policy = {
            "max_attempts": settings.max_attempts,
            "backoff_factor": settings.backoff_factor,
            "max_retry_delay": settings.max_retry_delay,
            "request_timeout": settings.request_timeout,
            "max_concurrency": settings.max_concurrency,
        }
        return cls(
            settings.base_url,
            settings.email,
            settings.api_token,
            settings.pat,
            **(policy | retries),  # type: ignore[arg-type]
        )

    def raise_for_status(self, response: Response, *args: Any, **kwargs: Any) -> None:
        """Turn auth, query and removed-endpoint failures into one clear line.

        Other errors raise `HTTPError`, which the session's retry policy (429, 5xx) acts on.
        """
        status = response.status_code
        path = endpoint(response)
        if status == 429:
            retry_after_from_reset(response)
            self.limit.throttled(min(retry_after_seconds(response), self.max_retry_delay))
        if status in (401, 403):
            verb = "rejected the credentials" if status == 401 else "denied access"
            raise JiraError(
                f"Jira at {self.base_url} {verb} (HTTP {status} on {path}): "
                f"check {self.credential_settings} and the account's permissions"
            )
        if status == 410:
            raise JiraError(
                f"Jira at {self.base_url} removed {path} (HTTP 410): Jira Cloud retired the "
                "old search API in 2025, this connector uses /rest/api/3/search/jql on Cloud"
            )
        if status == 400:
            messages = _error_messages(response)
            raise JiraError(f"Jira at {self.base_url} refused {path} (HTTP 400): {messages}")
        if status == 404:
            raise JiraError(
                f"Jira at {self.base_url} has no {path} (HTTP 404: "
                f"{_error_messages(response)}){_not_found_hint(path)}"
            )
        response.raise_for_status()
        parse_json_once(response)

    def get(self, path: str, **params: Any) -> Any:
        with self.explained_errors(path):
            return self.rest.get(path, params=params or None, hooks=self.hooks).json()

    def post(self, path: str, body: JsonDict) -> Any:
        with self.explained_errors(path):
            return self.rest.post(path, json=body, hooks=self.hooks).json()

    def paginate(self, path: str, **kwargs: Any) -> Iterator[list[Any]]:
        with self.explained_errors(path):
            yield from self.rest.paginate(path, hooks=self.hooks, **kwargs)

    @contextmanager
    def explained_errors(self, path: str) -> Iterator[None]:
        """What still fails after the retries (an HTML page or cut JSON, 5xx, no connection)
        fails the load in one clear line, never a traceback of the HTTP stack."""
        try:
            yield
        except JSONDecodeError as error:
            if looks_like_html(error.doc):
                raise JiraError(
                    f"Jira at {self.base_url} answered {path} with an HTML page, not JSON, even "
                    f"after {self.max_attempts} attempts: check that {SETTING_NAMES['base_url']} "
                    "is the Jira site itself (not a login page or a proxy)"
                ) from error
            raise JiraError(
                f"Jira at {self.base_url} sent malformed JSON on {path} even after retries; "
                "nothing was loaded from this run, re-run the pipeline"
            ) from error
        except HTTPError as error:
            status = error.response.status_code if error.response is not None else 0
            if status == 429 or status >= 500:
                raise JiraError(
                    f"Jira at {self.base_url} kept failing on {path} (HTTP {status} after "
                    f"{self.max_attempts} attempts): Jira or a proxy in front of it is "
                    "unavailable; nothing was loaded from this run, re-run the pipeline later"
                ) from error
            messages = _error_messages(error.response) if error.response is not None else ""
            raise JiraError(
                f"Jira at {self.base_url} refused {path} (HTTP {status}): {messages}"
            ) from error
        except (InvalidURL, MissingSchema, InvalidSchema) as error:
            raise JiraError(
                f"{SETTING_NAMES['base_url']}={self.base_url} is not a valid URL "
                "(e.g. https://your-site.atlassian.net)"
            ) from error
        except RequestException as error:
            raise JiraError(
                f"Jira at {self.base_url} could not be reached on {path} after "
                f"{self.max_attempts} attempts ({type(error).__name__}): check "
                f"{SETTING_NAMES['base_url']} and the network"
            ) from error

    @cached_property
    def server_info(self) -> JsonDict:
        return self.get("/rest/api/2/serverInfo")

    def server_time(self, response: Response) -> datetime | None:
        """Jira's clock when it sent `response`: its `Date` header, else `serverTime` of
        `serverInfo` (read once, when the run starts), else unknown."""
        sent = response.headers.get("Date")
        if sent:
            with suppress(TypeError, ValueError):
                return parsedate_to_datetime(sent).astimezone(UTC)
        return parse_jira_datetime(self.server_info.get("serverTime"))

    @property
    def is_cloud(self) -> bool:
        return self.server_info.get("deploymentType") == "Cloud"

    @property
    def api(self) -> str:
        return "/rest/api/3" if self.is_cloud else "/rest/api/2"

    @cached_property
    def time_zone(self) -> str:
        """The API user's timezone, in which Jira reads JQL dates."""
        return self.get(f"{self.api}/myself").get("timeZone") or "UTC"

    @cached_property
    def fields(self) -> list[JsonDict]:
        return self.get(f"{self.api}/field")

    def search_issues(self, jql: str, query: IssueQuery) -> Iterator[list[JsonDict]]:
        """Pages of issues: `nextPageToken` on Cloud, `startAt`/`total` on Data Center;
        the query's `reader` (a response hook) may take over reading each page."""
        body = query.body(jql)
        if self.is_cloud:
            paginator: Any = NextPageTokenPaginator()
            path = "/rest/api/3/search/jql"
        else:
            paginator = PageOffsetPaginator(
                limit=query.page_size,
                offset_body_path="startAt",
                limit_body_path="maxResults",
                total_path="total",
            )
            path = "/rest/api/2/search"
        hooks = self.hooks
        if query.reader:
            hooks = {"response": [*self.hooks["response"], query.reader]}
        with self.explained_errors(path):
            yield from self.rest.paginate(
                path,
                method="POST",
                json=body,
                paginator=paginator,
                data_selector="issues",
                hooks=hooks,
            )

    def search_page(self, jql: str, query: IssueQuery, start: int) -> PageData[JsonDict]:
        """The one Data Center search page at `start` (pages fetched side by side, `slices`)."""
        body = query.body(jql) | {"startAt": start}
        pages = self.paginate(
            "/rest/api/2/search",
            method="POST",
            json=body,
            paginator=SinglePagePaginator(),
            data_selector="issues",
        )
        return next(iter(pages))

    def expected_count(self, jql: str) -> int | None:
        """Cloud's approximate count of the issues about to load, logged for operators
        (Data Center has no such endpoint: None)."""
        if not self.is_cloud:
            return None
        count = self.post("/rest/api/3/search/approximate-count", {"jql": jql}).get("count")
        logger.info(f"Jira at {self.base_url}: about {count} issues to load for {jql}")
        return count

    def complete_changelogs(self, issues: Sequence[JsonDict]) -> dict[str, list[JsonDict]]:
        """Every history of each issue: bulk fetch on Cloud, per-issue paging elsewhere."""
        if not issues:
            return {}
        if self.is_cloud:
            histories = self._bulk_changelogs([i["id"] for i in issues])
        else:
            histories = {i["id"]: list(self._issue_changelog(i["key"])) for i in issues}
        for issue in issues:
            expected = (issue.get("changelog") or {}).get("total", 0)
            if len(histories.get(issue["id"], [])) < expected:
                histories[issue["id"]] = list(self._issue_changelog(issue["key"]))
        return histories

    def with_full_changelogs(self, issues: list[JsonDict]) -> list[JsonDict]:
        """The same issues, their embedded changelog replaced by the complete one."""
        histories = self.complete_changelogs(issues)
        for issue in issues:
            complete = histories.get(issue["id"], [])
            issue["changelog"] = {
                "startAt": 0,
                "maxResults": len(complete),
                "total": len(complete),
                "histories": complete,
            }
        return issues

    def worklog_changes(self, kind: str, since: int) -> Iterator[list[JsonDict]]:
        """Pages of `{"worklogId", "updatedTime"}` from `/worklog/updated` or `/worklog/deleted`
        after `since` (ms)."""
        yield from self.paginate(
            f"{self.api}/worklog/{kind}",
            params={"since": since},
            paginator=NextLinkPaginator(next_url_path="nextPage"),
            data_selector="values",
        )

    def users(self, page_size: int) -> Iterator[list[JsonDict]]:
        """Every user: Cloud lists them, Data Center finds them with the `.` user search."""
        path, params = "/rest/api/3/users/search", {"maxResults": page_size}
        if not self.is_cloud:
            path, params = "/rest/api/2/user/search", {"username": ".", "maxResults": page_size}
        paginator = PageOffsetPaginator(
            limit=page_size, offset_param="startAt", limit_param="maxResults", total_path=None
        )
        yield from self.paginate(path, params=params, paginator=paginator, data_selector="$")

    def _bulk_changelogs(self, issue_ids: Sequence[str]) -> dict[str, list[JsonDict]]:
        collected: dict[str, list[JsonDict]] = {}
        for start in range(0, len(issue_ids), BULK_CHANGELOG_ISSUES):
            body = {
                "issueIdsOrKeys": list(issue_ids[start : start + BULK_CHANGELOG_ISSUES]),
                "maxResults": BULK_CHANGELOG_PAGE,
            }
            paginator = BodyCursorPaginator(
                cursor_path="nextPageToken", cursor_body_path="nextPageToken"
            )
            for page in self.paginate(
                "/rest/api/3/changelog/bulkfetch",
                method="POST",
                json=body,
                paginator=paginator,
                data_selector="issueChangeLogs",
            ):
                for entry in page:
                    collected.setdefault(str(entry["issueId"]), []).extend(
                        entry.get("changeHistories") or []
                    )
        return collected

    def _issue_changelog(self, key: str) -> Iterator[JsonDict]:
        if not self.is_cloud:
            issue = self.get(f"/rest/api/2/issue/{key}", expand="changelog", fields="id")
            yield from (issue.get("changelog") or {}).get("histories") or []
            return
        for page in self.paginate(
            f"/rest/api/3/issue/{key}/changelog",
            paginator=start_at_paginator(CHANGELOG_PAGE_SIZE),
            data_selector="values",
        ):
            yield from page


def _error_messages(response: Response) -> str:
    """Jira's `errorMessages` and `errors`, or what kind of page came instead, on one line."""
    if looks_like_html(response.content):
        return "an HTML page, not Jira's JSON"
    try:
        body = response.json()
    except ValueError:
        return " ".join(response.text[:200].split())
    messages = list(body.get("errorMessages") or []) + list((body.get("errors") or {}).values())
    return "; ".join(messages) or response.text[:200]


def looks_like_html(body: str | bytes) -> bool:
    """An HTML page (a proxy's error page, a login redirect) where JSON was expected."""
    text = body if isinstance(body, str) else body[:64].decode("utf-8", "replace")
    return text.lstrip()[:15].lower().startswith(("<!doctype", "<html"))


def _not_found_hint(path: str) -> str:
    """A missing `serverInfo` means the base URL is not a Jira site's root."""
    if path.endswith("/serverInfo"):
        return (
            f": check that {SETTING_NAMES['base_url']} is the site's root address "
            "(e.g. https://your-site.atlassian.net, no path)"
        )
    return ""


def parse_json_once(response: Response) -> None:
    """Make `response.json()` parse once, with dlt's fast JSON: the client, the paginator and
    our guards all read the same page, and parsing dominates the cost of a large page.
    The closure holds the body, not the response: no reference cycle keeps pages alive."""
    parsed: list[Any] = []
    content = response.content

    def json_once(**kwargs: Any) -> Any:
        if not parsed:
            with gc_paused():
                parsed.append(json.loadb(content))
        return parsed[0]

    response.json = json_once  # type: ignore[method-assign]


def retry_after_seconds(response: Response) -> float:
    """A 429's `Retry-After` in seconds (one when absent or unreadable)."""
    with suppress(TypeError, ValueError):
        return max(float(response.headers.get("Retry-After", 1)), 0.0)
    return 1.0


def retry_after_from_reset(response: Response) -> None:
    """Jira Cloud may send only `X-RateLimit-Reset` (ISO time): turn it into `Retry-After`,
    which dlt's retry policy honours."""
    reset = response.headers.get("X-RateLimit-Reset")
    if response.headers.get("Retry-After") or not reset:
        return
    try:
        moment = datetime.fromisoformat(reset.replace("Z", "+00:00"))
    except ValueError:
        return
    seconds = math.ceil((moment - datetime.now(UTC)).total_seconds())
    response.headers["Retry-After"] = str(max(seconds, 1))
