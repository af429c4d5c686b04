"""A local Jira (Cloud or Data Center) over real HTTP on 127.0.0.1, for tests, demos and benchmarks.

It serves a `JiraSite` with the real API's paging, auth, JQL subset, changelog truncation and
error shapes, counts requests per path and injects faults on demand (429, 5xx, slow responses,
dropped connections, malformed pages) so the connector's resilience is tested for real.
Off by default (tests stay fast), a `Latency` makes it as slow as a real site over the internet
and a `RateLimit` answers 429 as Jira Cloud does once a client exceeds its budget.

Run by hand: `python -m sandbox.jira.emulator --port 8080` (Cloud demo site, demo@example.com /
demo-token); `--profile messy` serves the real-world site of `sandbox/jira/messy.py`.
"""

from __future__ import annotations

import argparse
import base64
import bisect
import contextlib
import hmac
import json
import math
import re
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

from sandbox import http_emulator
from sandbox.http_emulator import LoopbackEmulator, QuietHandler
from sandbox.jira.jql import JqlError, JqlQuery, parse_jql
from sandbox.jira.messy import MESSY_QUIRKS, generate_messy_site
from sandbox.jira.payloads import JsonDict, Renderer
from sandbox.jira.site import Issue, JiraSite, User, Worklog, generate_site

EMBEDDED_CHANGELOG_LIMIT = 40
EMBED_ALL = 1_000_000
SEARCH_PAGE_LIMIT = 100
ID_ONLY_PAGE_LIMIT = 5000
# Data Center caps every search page at `jira.search.views.max.limit` (1,000 unless an admin
# changed it), with or without fields, and answers the capped `maxResults`.
DATA_CENTER_PAGE_LIMIT = 1000
AGILE_PAGE_LIMIT = 50
CHANGELOG_PAGE_LIMIT = 100
BULK_CHANGELOG_LIMIT = 10000
WORKLOG_PAGE_LIMIT = 1000
REMOVED_SEARCH = (
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
    "A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"
)
PAGE_FAULTS = ("malformed", "repeat_token", "empty_page_with_token", "lost_token", "stuck_link")
FAULT_KINDS = ("rate_limit", "server_error", "drop_connection", "slow", "html", *PAGE_FAULTS)
# What a proxy, a load balancer or a login redirect answers in front of a Jira site.
HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>{status} {phrase}</title></head>"
    "<body><h1>{phrase}</h1><p>The server is temporarily unable to service your request."
    "</p></body></html>"
)


@dataclass(frozen=True)
class Latency:
    """Seconds a real site takes: `round_trip` (the network) on every request, plus server time,
    `per_request` and per item of the page served: an issue of a search page with its fields and
    changelog (`per_issue`), an id of an id-only search page (`per_id`), a history of a bulk
    changelog page (`per_history`), a worklog of `/worklog/list` (`per_worklog`)."""

    round_trip: float = 0.0
    per_request: float = 0.0
    per_issue: float = 0.0
    per_id: float = 0.0
    per_history: float = 0.0
    per_worklog: float = 0.0


# Jira Cloud over the internet: ~1 s for a search page of 100 issues with their changelogs,
# 150 ms of round trip.
CLOUD_LATENCY = Latency(
    round_trip=0.15,
    per_request=0.05,
    per_issue=0.0095,
    per_id=0.00005,
    per_history=0.00005,
    per_worklog=0.0003,
)


@dataclass(frozen=True)
class RateLimit:
    """Jira Cloud's burst limit as a token bucket: `per_second` requests sustained, `burst` at
    once. A request beyond it is answered 429 with `Retry-After` (whole seconds until a token is
    back), `X-RateLimit-Limit` (per minute), `X-RateLimit-Remaining`, `X-RateLimit-Reset` (ISO
    8601) and `RateLimit-Reason`; every other answer carries the limit and what remains."""

    per_second: float
    burst: int


class TokenBucket:
    """The budget of a `RateLimit`, shared by the emulator's request threads."""

    def __init__(self, limit: RateLimit) -> None:
        self.limit = limit
        self.tokens = float(limit.burst)
        self.at = time.monotonic()
        self.lock = threading.Lock()

    def take(self) -> tuple[bool, dict[str, str]]:
        """Spend a token if one is left: (allowed, the rate-limit headers of the answer)."""
        with self.lock:
            now = time.monotonic()
            refill = (now - self.at) * self.limit.per_second
            self.tokens = min(float(self.limit.burst), self.tokens + refill)
            self.at = now
            allowed = self.tokens >= 1
            if allowed:
                self.tokens -= 1
            wait = max(0.0, (1 - self.tokens) / self.limit.per_second)
            headers = {
                "X-RateLimit-Limit": str(round(self.limit.per_second * 60)),
                "X-RateLimit-Remaining": str(int(self.tokens)),
            }
        if not allowed:
            reset = datetime.fromtimestamp(time.time() + wait, UTC)
            headers |= {
                "Retry-After": str(max(1, math.ceil(wait))),
                "X-RateLimit-Reset": reset.isoformat(timespec="seconds").replace("+00:00", "Z"),
                "RateLimit-Reason": "jira-burst-based",
            }
        return allowed, headers


class ApiError(Exception):
    """An error answered with Jira's `{"errorMessages": [...], "errors": {}}` body."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Fault(http_emulator.Fault):
    """As any emulator's fault, and: rate limits also send an `X-RateLimit-Reset`
    `reset_after` seconds ahead; `slow` sleeps `delay` seconds before answering; `html`
    answers an HTML page with HTTP `status` (e.g. 503 from a proxy, 404, or 200 from a login
    page) instead of Jira's JSON.
    """

    path: str = "/rest"
    retry_after: int = 1
    status: int = 503
    reset_after: float = 1.0
    delay: float = 0.0


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str] | None = None


Query = dict[str, list[str]]
Handler = Callable[[re.Match[str], Query, JsonDict], Any]


def _int(query: Query, name: str, default: int, ceiling: int | None = None) -> int:
    raw = query.get(name, [str(default)])[0]
    try:
        value = int(raw)
    except ValueError as error:
        raise ApiError(400, f"The value '{raw}' is invalid for the parameter '{name}'.") from error
    return min(value, ceiling) if ceiling else value


def _token(offset: int, scope: str) -> str:
    """An opaque page token; a random nonce makes each one unique, as Jira's are."""
    payload = json.dumps([offset, scope, secrets.token_hex(4)]).encode()
    return base64.urlsafe_b64encode(payload).decode()


def _offset(token: str | None, scope: str) -> int:
    if not token:
        return 0
    try:
        offset, token_scope, _nonce = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, TypeError) as error:
        raise ApiError(400, "The provided next page token is invalid.") from error
    if token_scope != scope:
        raise ApiError(400, "The provided next page token does not match the query.")
    return int(offset)


def _millis(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def _csv(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    return [item.strip() for item in items if item.strip()]


class JiraEmulator(LoopbackEmulator):
    """Serve `site` over HTTP; use as a context manager or call `start()` / `stop()`."""

    fault_type = Fault
    fault_kinds = FAULT_KINDS

    def __init__(
        self,
        site: JiraSite,
        *,
        email: str = "demo@example.com",
        api_token: str = "demo-token",
        pat: str = "demo-pat",
        port: int = 0,
        embedded_changelog_limit: int = EMBEDDED_CHANGELOG_LIMIT,
        data_center_changelog_limit: int = EMBED_ALL,
        data_center_page_limit: int = DATA_CENTER_PAGE_LIMIT,
        faults: list[Fault] | None = None,
        clock: Callable[[], datetime] | None = None,
        latency: Latency | None = None,
        rate_limit: RateLimit | None = None,
        on_search: Callable[[list[Issue]], None] | None = None,
    ) -> None:
        """`clock` gives the server's time (`serverTime`, the `Date` header); default now.
        The site's `Quirks.transient_faults` are injected from the start. `latency` and
        `rate_limit` (default: none) make it answer as a real site over the internet;
        `on_search` is called with each search page served (tests change the site mid-load)."""
        self.site = site
        self.email = email
        self.api_token = api_token
        self.pat = pat
        self.port = port
        self.embedded_changelog_limit = embedded_changelog_limit
        self.data_center_changelog_limit = data_center_changelog_limit
        self.data_center_page_limit = data_center_page_limit
        self.faults: list[Fault] = list(faults or []) + [
            Fault(kind, path, times, status=status)
            for kind, path, times, status in site.quirks.transient_faults
        ]
        self.clock = clock or (lambda: datetime.now(UTC))
        self.latency = latency or Latency()
        self.budget = TokenBucket(rate_limit) if rate_limit else None
        self.on_search = on_search
        self.request_counts: Counter[str] = Counter()
        self.rate_limited = 0
        # Caches that keep big benchmark sites fast; keyed so that any site change refreshes.
        self._searches: dict[str, tuple[int, list[Issue]]] = {}
        self._ids: tuple[int, dict[str, Issue]] = (-1, {})
        self._worklogs: tuple[int, list[tuple[int, int]], dict[int, Worklog]] = (-1, [], {})
        self._rendered: dict[tuple[Any, ...], bytes] = {}
        self.lock = threading.RLock()  # guards the faults and the request counts
        version = "3" if site.deployment == "Cloud" else "2"
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = [
            (m, re.compile(p.replace("{v}", version)), h)
            for m, p, h in [
                ("GET", r"/rest/api/(?:2|{v})/serverInfo", self._server_info),
                ("GET", r"/rest/api/(?:2|{v})/myself", self._myself),
                ("GET", r"/rest/api/(?:2|{v})/project/search", self._projects),
                ("GET", r"/rest/api/(?:2|{v})/field", self._fields),
                ("GET", r"/rest/api/(?:2|{v})/status", self._statuses),
                ("GET|POST", r"/rest/api/3/search/jql", self._search_jql),
                ("POST", r"/rest/api/3/search/approximate-count", self._approximate_count),
                ("GET|POST", r"/rest/api/(?:2|{v})/search", self._search_offset),
                ("GET", r"/rest/api/(?:2|{v})/issue/(?P<key>[^/]+)/changelog", self._changelog),
                ("POST", r"/rest/api/3/changelog/bulkfetch", self._bulk_changelog),
                ("GET", r"/rest/api/(?:2|{v})/issue/(?P<key>[^/]+)", self._issue),
                ("GET", r"/rest/agile/1\.0/board", self._boards),
                ("GET", r"/rest/agile/1\.0/board/(?P<board>\d+)/sprint", self._sprints),
                ("GET", r"/rest/api/(?:2|{v})/worklog/updated", self._worklogs_updated),
                ("GET", r"/rest/api/(?:2|{v})/worklog/deleted", self._worklogs_deleted),
                ("POST", r"/rest/api/(?:2|{v})/worklog/list", self._worklog_list),
                ("GET", r"/rest/api/(?:2|{v})/users/search", self._users),
                ("GET", r"/rest/api/2/user/search", self._user_search),
            ]
        ]

    # lifecycle -------------------------------------------------------------------------

    def handler(self) -> type[QuietHandler]:
        return _handler_for(self)

    def reset_counts(self) -> None:
        self.request_counts.clear()
        self.rate_limited = 0

    def serving(self, **items: int) -> None:
        """Spend the server time of a page holding `items` (named as `Latency`'s per-item
        times: issue, id, history, worklog); other requests are served concurrently."""
        seconds = sum(getattr(self.latency, f"per_{kind}") * n for kind, n in items.items())
        if seconds > 0:
            time.sleep(seconds)

    # request plumbing ------------------------------------------------------------------

    def authorised(self, header: str | None) -> bool:
        if not header:
            return False
        scheme, _, credentials = header.partition(" ")
        if scheme.lower() == "bearer":
            return hmac.compare_digest(credentials.encode(), self.pat.encode())
        if scheme.lower() != "basic":
            return False
        expected = base64.b64encode(f"{self.email}:{self.api_token}".encode())
        return hmac.compare_digest(credentials.encode(), expected)

    def dispatch(self, method: str, path: str, query: Query, body: JsonDict) -> Reply:
        """Requests are served concurrently, as Jira serves them: a small request does not wait
        for a large search page. Handlers only read the site (tests change it between runs)
        and their caches tolerate a race (both threads compute the same value)."""
        for methods, pattern, handler in self.routes:
            match = pattern.fullmatch(path)
            if match and method in methods.split("|"):
                return Reply(200, handler(match, query, body))
        return Reply(404, {"errorMessages": ["Not found"], "errors": {}})

    def renderer(self) -> Renderer:
        version = 3 if self.site.deployment == "Cloud" else 2
        return Renderer(self.site, self.base_url, version)

    def search(self, jql: str) -> list[Issue]:
        tz = ZoneInfo(self.site.api_user.time_zone)
        try:
            query: JqlQuery = parse_jql(jql, tz, {p.key for p in self.site.projects})
        except JqlError as error:
            raise ApiError(400, str(error)) from error
        if not query.bounded and self.site.deployment == "Cloud":
            raise ApiError(
                400,
                "Unbounded JQL queries are not allowed here. Please add a search restriction "
                "to your query.",
            )
        revision, results = self._searches.get(jql, (-1, []))
        if revision != self.site.revision:
            results = query.sort([i for i in self.site.issues.values() if query.matches(i)])
            self._searches[jql] = (self.site.revision, results)
        return results

    def _lookup(self, key_or_id: str) -> Issue:
        if self._ids[0] != self.site.revision:
            self._ids = (self.site.revision, {i.id: i for i in self.site.issues.values()})
        issue = self.site.issues.get(key_or_id) or self._ids[1].get(key_or_id)
        if issue is None:
            raise ApiError(404, "Issue does not exist or you do not have permission to see it.")
        return issue

    # endpoints -------------------------------------------------------------------------

    def _server_info(self, match: re.Match[str], query: Query, body: JsonDict) -> JsonDict:
        return self.renderer().server_info(self.clock())

    def _myself(self, match: re.Match[str], query: Query, body: JsonDict) -> JsonDict:
        return self.renderer().myself()

    def _projects(self, match: re.Match[str], query: Query, body: JsonDict) -> JsonDict:
        start, size = _int(query, "startAt", 0), _int(query, "maxResults", 50, 50)
        projects = self.site.projects
        page = projects[start : start + size]
        is_last = start + size >= len(projects)
        payload: JsonDict = {
            "self": f"{self.base_url}{match.group(0)}?startAt={start}&maxResults={size}",
            "maxResults": size,
            "startAt": start,
            "total": len(projects),
            "isLast": is_last,
            "values": [
                self.renderer().project(p, _csv(query.get("expand", [""])[0])) for p in page
            ],
        }
        if not is_last:
            payload["nextPage"] = (
                f"{self.base_url}{match.group(0)}?startAt={start + size}&maxResults={size}"
            )
        return payload

    def _fields(self, match: re.Match[str], query: Query, body: JsonDict) -> list[JsonDict]:
        renderer = self.renderer()
        return [renderer.field(f) for f in self.site.fields]

    def _statuses(self, match: re.Match[str], query: Query, body: JsonDict) -> list[JsonDict]:
        renderer = self.renderer()
        return [renderer.status(s) for s in self.site.statuses]

    def _search_params(self, query: Query, body: JsonDict) -> tuple[str, list[str] | None, bool]:
        jql = body.get("jql", query.get("jql", [""])[0])
        raw_fields = body.get("fields", query.get("fields", ["id"]))
        fields = _csv(raw_fields)
        expand = _csv(body.get("expand", query.get("expand", [""])[0]))
        wanted = None if {"*all", "*navigable"} & set(fields) else fields
        return jql, wanted, "changelog" in expand

    def _page_size(self, query: Query, body: JsonDict, fields: list[str] | None) -> int:
        id_only = fields is not None and set(fields) <= {"id", "key"}
        ceiling = ID_ONLY_PAGE_LIMIT if id_only else SEARCH_PAGE_LIMIT
        if self.site.deployment != "Cloud":
            ceiling = self.data_center_page_limit
        requested = body.get("maxResults", query.get("maxResults", ["50"])[0])
        return min(_int({"maxResults": [str(requested)]}, "maxResults", 50), ceiling)

    def _issues_json(
        self, page: list[Issue], fields: list[str] | None, limit: int | None, rest: JsonDict
    ) -> bytes:
        """`{"issues": [...], **rest}` with each issue rendered once per `updated`."""
        renderer = self.renderer()
        fragments = []
        for issue in page:
            key = (issue.id, issue.updated, tuple(fields) if fields else None, limit)
            if key not in self._rendered:
                self._rendered[key] = _encode(renderer.issue(issue, fields, limit))
            fragments.append(self._rendered[key])
        tail = _encode(rest)[1:]
        return b'{"issues":[' + b",".join(fragments) + b"]" + (b"," + tail if rest else b"}")

    def searched(self, page: list[Issue], fields: list[str] | None) -> None:
        """A search page's server time (issues with fields cost more than bare ids), then the
        test's `on_search` hook."""
        id_only = fields is not None and set(fields) <= {"id", "key"}
        self.serving(**{"id" if id_only else "issue": len(page)})
        if self.on_search is not None:
            self.on_search(page)

    def _search_jql(self, match: re.Match[str], query: Query, body: JsonDict) -> bytes:
        if self.site.deployment != "Cloud":
            raise ApiError(404, "Not found")
        jql, fields, changelog = self._search_params(query, body)
        size = self._page_size(query, body, fields)
        token = body.get("nextPageToken", query.get("nextPageToken", [None])[0])
        start = _offset(token, jql)
        issues = self.search(jql)
        page = issues[start : start + size]
        self.searched(page, fields)
        limit = self.embedded_changelog_limit if changelog else None
        rest: JsonDict = {"isLast": True}
        if start + size < len(issues):
            rest = {"nextPageToken": _token(start + size, jql), "isLast": False}
        return self._issues_json(page, fields, limit, rest)

    def _approximate_count(self, match: re.Match[str], query: Query, body: JsonDict) -> JsonDict:
        return {"count": len(self.search(body.get("jql", "")))}

    def _search_offset(self, match: re.Match[str], query: Query, body: JsonDict) -> bytes:
        """Data Center's `/rest/api/2/search`: `startAt`/`total`; changelogs embedded whole
        unless `data_center_changelog_limit` says otherwise (some versions and proxies cut)."""
        if self.site.deployment == "Cloud":
            raise ApiError(410, REMOVED_SEARCH)
        jql, fields, changelog = self._search_params(query, body)
        size = self._page_size(query, body, fields)
        start = int(body.get("startAt", query.get("startAt", ["0"])[0]))
        issues = self.search(jql)
        rest = {
            "expand": "schema,names",
            "startAt": start,
            "maxResults": size,
            "total": len(issues),
        }
        page = issues[start : start + size]
        self.searched(page, fields)
        limit = self.data_center_changelog_limit if changelog else None
        return self._issues_json(page, fields, limit, rest)

    def _issue(self, match: re.Match[str], query: Query, body: JsonDict) -> JsonDict:
        issue = self._lookup(match.group("key"))
        changelog = "changelog" in _csv(query.get("expand", [""])[0])
        fields = _csv(query.get("fields", ["*all"])[0])
        wanted = None if {"*all", "*navigable"} & set(fields) else fields
        return self.renderer().issue(issue, wanted, len(issue.histories) if changelog else None)

    def _changelog(self, match: re.Match[str], query: Query, body: JsonDict) -> JsonDict:
        issue = self._lookup(match.group("key"))
        start = _int(query, "startAt", 0)
        size = _int(query, "maxResults", CHANGELOG_PAGE_LIMIT, CHANGELOG_PAGE_LIMIT)
        histories = issue.histories[start : start + size]
        is_last = start + size >= len(issue.histories)
        path = f"{self.base_url}{match.group(0)}"
        payload: JsonDict = {
            "self": f"{path}?startAt={start}&maxResults={size}",
            "maxResults": size,
            "startAt": start,
            "total": len(issue.histories),
            "isLast": is_last,
            "values": [self.renderer().history(h) for h in histories],
        }
        if not is_last:
            payload["nextPage"] = f"{path}?startAt={start + size}&maxResults={size}"
        return payload

    def _bulk_changelog(self, match: re.Match[str], query: Query, body: JsonDict) -> JsonDict:
        keys = body.get("issueIdsOrKeys") or []
        if not 1 <= len(keys) <= 1000:
            raise ApiError(400, "issueIdsOrKeys must contain between 1 and 1000 items.")
        size = min(int(body.get("maxResults", 1000)), BULK_CHANGELOG_LIMIT)
        field_ids = set(body.get("fieldIds") or [])
        scope = ",".join(keys) + "|" + ",".join(sorted(field_ids))
        start = _offset(body.get("nextPageToken"), scope)
        pairs = []
        for key in keys:
            try:
                issue = self._lookup(str(key))
            except ApiError:
                continue
            pairs += [
                (issue.id, h)
                for h in issue.histories
                if not field_ids or any(item.field_id in field_ids for item in h.items)
            ]
        renderer = self.renderer()
        self.serving(history=len(pairs[start : start + size]))
        grouped: dict[str, list[JsonDict]] = {}
        for issue_id, history in pairs[start : start + size]:
            grouped.setdefault(issue_id, []).append(renderer.history(history))
        payload: JsonDict = {
            "issueChangeLogs": [
                {"issueId": issue_id, "changeHistories": histories}
                for issue_id, histories in grouped.items()
            ]
        }
        if start + size < len(pairs):
            payload["nextPageToken"] = _token(start + size, scope)
        return payload

    def _boards(self, match: re.Match[str], query: Query, body: JsonDict) -> JsonDict:
        projects = {p.key: p for p in self.site.projects}

        def board(b: Any) -> JsonDict:
            project = projects[b.project_key]
            location = {
                "projectId": int(project.id),
                "projectKey": project.key,
                "projectName": project.name,
                "projectTypeKey": project.project_type_key,
                "displayName": f"{project.name} ({project.key})",
            }
            if not self.site.quirks.board_project_id:
                del location["projectId"]
            return {
                "id": b.id,
                "self": f"{self.base_url}/rest/agile/1.0/board/{b.id}",
                "name": b.name,
                "type": b.type,
                "location": location,
            }

        return self._agile_page(query, [board(b) for b in self.site.boards], with_total=True)

    def _sprints(self, match: re.Match[str], query: Query, body: JsonDict) -> JsonDict:
        board_id = int(match.group("board"))
        if all(b.id != board_id for b in self.site.boards):
            raise ApiError(
                404,
                "The requested board cannot be viewed because it either does not exist or you "
                "do not have permission to view it.",
            )
        renderer = self.renderer()
        sprints = [renderer.sprint(s) for s in self.site.sprints if s.board_id == board_id]
        return self._agile_page(query, sprints, with_total=False)

    def _agile_page(self, query: Query, values: list[JsonDict], with_total: bool) -> JsonDict:
        start = _int(query, "startAt", 0)
        size = _int(query, "maxResults", AGILE_PAGE_LIMIT, AGILE_PAGE_LIMIT)
        payload: JsonDict = {
            "maxResults": size,
            "startAt": start,
            "isLast": start + size >= len(values),
            "values": values[start : start + size],
        }
        if with_total:
            payload["total"] = len(values)
        return payload

    def _worklog_index(self) -> tuple[list[tuple[int, int]], dict[int, Worklog]]:
        """(updated ms, id) in order, and worklogs by id; rebuilt when a worklog changes."""
        if self._worklogs[0] != self.site.worklog_revision:
            ordered = sorted((_millis(w.updated), w.id) for w in self.site.worklogs)
            self._worklogs = (
                self.site.worklog_revision,
                ordered,
                {w.id: w for w in self.site.worklogs},
            )
        return self._worklogs[1], self._worklogs[2]

    def _worklogs_updated(self, match: re.Match[str], query: Query, body: JsonDict) -> JsonDict:
        return self._changed_worklogs(match, query, self._worklog_index()[0])

    def _worklogs_deleted(self, match: re.Match[str], query: Query, body: JsonDict) -> JsonDict:
        deleted = sorted((_millis(at), i) for i, at in self.site.deleted_worklogs.items())
        return self._changed_worklogs(match, query, deleted)

    def _changed_worklogs(
        self, match: re.Match[str], query: Query, changes: list[tuple[int, int]]
    ) -> JsonDict:
        """Jira's `ChangedWorklogs` page: ids changed after `since` (ms), 1000 at a time."""
        since = _int(query, "since", 0)
        start = bisect.bisect_right(changes, (since, math.inf))
        page = changes[start : start + WORKLOG_PAGE_LIMIT]
        until = page[-1][0] if page else since
        last = start + WORKLOG_PAGE_LIMIT >= len(changes)
        path = f"{self.base_url}{match.group(0)}"
        payload: JsonDict = {
            "values": [
                {"worklogId": worklog_id, "updatedTime": at, "properties": []}
                for at, worklog_id in page
            ],
            "since": since,
            "until": until,
            "self": f"{path}?since={since}",
            "lastPage": last,
        }
        if not last:
            payload["nextPage"] = f"{path}?since={until}"
        return payload

    def _worklog_list(self, match: re.Match[str], query: Query, body: JsonDict) -> list[JsonDict]:
        ids = {int(i) for i in body.get("ids", [])}
        if len(ids) > 1000:
            raise ApiError(400, "The number of worklog ids must not exceed 1000.")
        by_id = self._worklog_index()[1]
        renderer = self.renderer()
        self.serving(worklog=len(ids))
        return [renderer.worklog(by_id[i]) for i in sorted(ids) if i in by_id]

    def _users(self, match: re.Match[str], query: Query, body: JsonDict) -> list[JsonDict]:
        return self._user_page(query, self.site.users)

    def _user_search(self, match: re.Match[str], query: Query, body: JsonDict) -> list[JsonDict]:
        """Data Center's `/user/search?username=...`: `.` matches everyone, as on real sites;
        otherwise a case-insensitive match on the user name, display name or email."""
        if self.site.deployment == "Cloud":
            raise ApiError(404, "Not found")
        wanted = query.get("username", [""])[0].lower()
        if not wanted:
            raise ApiError(400, "The username query parameter was not provided")
        users = [
            u
            for u in self.site.users
            if wanted == "." or wanted in f"{u.email} {u.display_name}".lower()
        ]
        return self._user_page(query, users)

    def _user_page(self, query: Query, users: list[User]) -> list[JsonDict]:
        """A page of users; a site with `Quirks.users_ignore_start_at` always sends the first."""
        start = 0 if self.site.quirks.users_ignore_start_at else _int(query, "startAt", 0)
        size = _int(query, "maxResults", 50, 1000)
        renderer = self.renderer()
        return [renderer.listed_user(u) for u in users[start : start + size]]


def _handler_for(emulator: JiraEmulator) -> type[QuietHandler]:
    class JiraRequestHandler(QuietHandler):
        def do_GET(self) -> None:
            self.serve("GET")

        def do_POST(self) -> None:
            self.serve("POST")

        def serve(self, method: str) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw_body = self.rfile.read(length) if length else b""
            with emulator.lock:
                emulator.request_counts[url.path] += 1
            if not emulator.authorised(self.headers.get("Authorization")):
                self.reply(
                    Reply(
                        401,
                        {
                            "errorMessages": [
                                "Client must be authenticated to access this resource."
                            ],
                            "errors": {},
                        },
                        {"WWW-Authenticate": 'Basic realm="protected-area"'},
                    )
                )
                return
            time.sleep(emulator.latency.round_trip + emulator.latency.per_request)
            limits: dict[str, str] = {}
            if emulator.budget is not None:
                allowed, limits = emulator.budget.take()
                if not allowed:
                    with emulator.lock:
                        emulator.rate_limited += 1
                    body = {"errorMessages": ["Rate limit exceeded."], "errors": {}}
                    self.reply(Reply(429, body, limits))
                    return
            fault = emulator.take_fault(url.path)
            if fault and fault.kind == "drop_connection":
                self.drop_connection()
                return
            if fault and fault.kind == "slow":
                time.sleep(fault.delay)
            if fault and fault.kind in ("rate_limit", "server_error"):
                self.reply(_fault_reply(fault))
                return
            if fault and fault.kind == "html":
                phrase = HTTPStatus(fault.status).phrase
                page = HTML_PAGE.format(status=fault.status, phrase=phrase).encode()
                self.reply(Reply(fault.status, page), content_type="text/html;charset=UTF-8")
                return
            try:
                body = json.loads(raw_body) if raw_body else {}
                reply = emulator.dispatch(method, url.path, parse_qs(url.query), body)
            except ApiError as error:
                reply = Reply(error.status, {"errorMessages": [str(error)], "errors": {}})
            except json.JSONDecodeError:
                reply = Reply(400, {"errorMessages": ["Invalid request payload."], "errors": {}})
            if fault and fault.kind in PAGE_FAULTS:
                reply = _corrupt(fault.kind, reply, self.path, raw_body)
            reply.headers = limits | (reply.headers or {})
            self.reply(reply)

        def date_time_string(self, timestamp: float | None = None) -> str:
            """The `Date` header tells the emulator's clock, as Jira's tells the server's."""
            moment = emulator.clock() if timestamp is None else timestamp
            return super().date_time_string(
                moment.timestamp() if isinstance(moment, datetime) else moment
            )

        def reply(self, reply: Reply, content_type: str = "application/json;charset=UTF-8") -> None:
            data = reply.body if isinstance(reply.body, bytes) else _encode(reply.body)
            self.send(reply.status, data, reply.headers or {}, content_type)

    return JiraRequestHandler


def _encode(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()


def _fault_reply(fault: Fault) -> Reply:
    if fault.kind == "rate_limit":
        reset = datetime.fromtimestamp(time.time() + fault.reset_after, UTC).isoformat()
        headers = {"X-RateLimit-Reset": reset}
        if fault.retry_after:
            headers["Retry-After"] = str(fault.retry_after)
        return Reply(429, {"errorMessages": ["Rate limit exceeded."], "errors": {}}, headers)
    return Reply(
        HTTPStatus.INTERNAL_SERVER_ERROR,
        {"errorMessages": ["Internal server error"], "errors": {}},
    )


def _corrupt(kind: str, reply: Reply, raw_path: str, raw_body: bytes) -> Reply:
    """Page-level lies some Jira proxies and bugs produce: bad JSON, stuck, empty or lost tokens.

    `repeat_token` hands back the token it was sent (or one for the first page), so paging
    would loop; `empty_page_with_token` drops the issues but points back at the same page;
    `lost_token` says `isLast: false` without a token; `stuck_link` (worklog changes) lists
    nothing and links back to the page it was asked for.
    """
    if reply.status != 200:
        return reply
    raw = reply.body if isinstance(reply.body, bytes) else _encode(reply.body)
    if kind == "malformed":
        return Reply(reply.status, raw[:-7])
    body = json.loads(raw)
    if kind == "stuck_link":
        body |= {"values": [], "lastPage": False, "nextPage": body["self"]}
        return Reply(reply.status, body, reply.headers)
    sent = json.loads(raw_body or b"{}").get("nextPageToken")
    sent = sent or parse_qs(urlsplit(raw_path).query).get("nextPageToken", [None])[0]
    jql = json.loads(raw_body or b"{}").get("jql") or parse_qs(urlsplit(raw_path).query)["jql"][0]
    if kind == "repeat_token":
        body["nextPageToken"] = sent or _token(0, jql)
    elif kind == "empty_page_with_token":
        body["nextPageToken"] = _token(_offset(sent, jql), jql)
        body["issues"] = []
    else:
        body.pop("nextPageToken", None)
    body["isLast"] = False
    return Reply(reply.status, body, reply.headers)


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the synthetic Jira site on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--projects", type=int, default=4)
    parser.add_argument("--issues-per-project", type=int, default=80)
    parser.add_argument("--deployment", choices=["Cloud", "Server"], default="Cloud")
    parser.add_argument(
        "--profile",
        choices=["default", "messy"],
        default="default",
        help="messy: the real-world site of sandbox/jira/messy.py (Cloud, 4 projects)",
    )
    parser.add_argument(
        "--users-ignore-start-at",
        action="store_true",
        help="with --profile messy: /users/search answers its first page whatever startAt says",
    )
    parser.add_argument(
        "--latency",
        choices=["none", "cloud"],
        default="none",
        help="cloud: as Jira Cloud over the internet (~1 s a search page, 150 ms round trip)",
    )
    parser.add_argument(
        "--rate-limit",
        type=float,
        nargs=2,
        metavar=("PER_SECOND", "BURST"),
        help="answer 429 (Retry-After, X-RateLimit-*) beyond this request budget",
    )
    args = parser.parse_args()
    if args.profile == "messy":
        quirks = replace(MESSY_QUIRKS, users_ignore_start_at=args.users_ignore_start_at)
        site = generate_messy_site(args.seed, args.issues_per_project, quirks=quirks)
    else:
        site = generate_site(
            args.seed, args.projects, args.issues_per_project, deployment=args.deployment
        )
    latency = CLOUD_LATENCY if args.latency == "cloud" else None
    budget = RateLimit(args.rate_limit[0], int(args.rate_limit[1])) if args.rate_limit else None
    with JiraEmulator(site, port=args.port, latency=latency, rate_limit=budget) as emulator:
        print(
            f"Jira emulator ({site.deployment}, {args.profile} site) on {emulator.base_url}",
            flush=True,
        )
        print("  user demo@example.com, API token demo-token, PAT demo-pat")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
