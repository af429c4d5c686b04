"""Jira-specific plumbing for the source: client, paging guards, JQL, field roles, flattening."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from functools import cached_property
from json import JSONDecodeError
from typing import Any
from zoneinfo import ZoneInfo

from dlt.common import json, logger
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.auth import BearerTokenAuth, HttpBasicAuth
from dlt.sources.helpers.rest_client.paginators import (
    JSONLinkPaginator,
    JSONResponseCursorPaginator,
    OffsetPaginator,
)
from requests import HTTPError, Request, RequestException, Response
from requests.exceptions import InvalidSchema, InvalidURL, MissingSchema

from connectors.gc_pause import gc_paused
from connectors.jira.retries import retrying_session
from connectors.jira.settings import (
    BULK_CHANGELOG_ISSUES,
    BULK_CHANGELOG_PAGE,
    CHANGELOG_PAGE_SIZE,
    DATE_FIELD,
    FLOAT_FIELD,
    ID_PAGE_SIZE,
    JQL_DATETIME_FORMAT,
    PROJECT_KEY_PATTERN,
    REQUEST_TIMEOUT_SECONDS,
    SETTING_NAMES,
    SPRINT_FIELD,
    START_DATE_NAMES,
    STORY_POINT_NAMES,
)

JsonDict = dict[str, Any]
DC_SPRINT_ID = re.compile(r"\[id=(\d+),")
MAX_EMPTY_PAGES = 3
# A paging run logs its progress every this many pages (a full load of 100,000 issues reads
# about 1,000 search pages).
PROGRESS_EVERY_PAGES = 100
_EMAIL = rb'"emailAddress"\s*:\s*(?:"(?:[^"\\]|\\.)*"|null)'
EMAIL_BEFORE_MEMBER = re.compile(_EMAIL + rb"\s*,\s*")
EMAIL_MEMBER = re.compile(rb",\s*" + _EMAIL)
EMAIL_FIRST_MEMBER = re.compile(_EMAIL + rb"\s*,?")


class JiraError(RuntimeError):
    """A Jira failure explained in one line, never carrying a credential."""


class JiraConfigError(JiraError):
    """A missing or invalid setting; the message names the environment variable."""


def missing_setting(name: str, hint: str = "") -> JiraConfigError:
    return JiraConfigError(f"Jira setting {SETTING_NAMES[name]} is not set{hint}")


def parse_project_keys(projects: str | Sequence[str] | None) -> list[str]:
    """Comma-separated or listed keys, each checked so that none can smuggle JQL in."""
    if projects is None:
        raise missing_setting("projects", " (comma-separated project keys, e.g. APOLLO,HERMES)")
    raw = projects.split(",") if isinstance(projects, str) else list(projects)
    keys = [str(k).strip() for k in raw if str(k).strip()]
    if not keys:
        raise missing_setting("projects", " (it is empty)")
    invalid = [k for k in keys if not PROJECT_KEY_PATTERN.fullmatch(k)]
    if invalid:
        raise JiraConfigError(
            f"{SETTING_NAMES['projects']} holds invalid Jira project keys {invalid}: keys are "
            "an uppercase letter followed by uppercase letters, digits or underscores"
        )
    return keys


def parse_jira_datetime(value: str | None) -> datetime | None:
    """`2022-06-09T16:29:31.871-0700` -> aware UTC datetime (`fromisoformat`: 30x `strptime`)."""
    if not value:
        return None
    return datetime.fromisoformat(value).astimezone(UTC)


def parse_jira_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def jql_datetime(moment: datetime, time_zone: str) -> str:
    """JQL compares in the API user's timezone at minute precision: floor to the minute."""
    return moment.astimezone(ZoneInfo(time_zone)).strftime(JQL_DATETIME_FORMAT)


def issues_jql(
    projects: Sequence[str], since: datetime | None, time_zone: str, jql_filter: str | None = None
) -> str:
    """The scope (validated project keys, plus the operator's own JQL filter in parentheses),
    the incremental bound, and a stable order."""
    clauses = [f"project in ({', '.join(projects)})"]
    if jql_filter:
        clauses.append(f"({jql_filter})")
    if since is not None:
        clauses.append(f'updated >= "{jql_datetime(since, time_zone)}"')
    return " AND ".join(clauses) + " ORDER BY updated ASC, key ASC"


def is_truncated(issue: JsonDict) -> bool:
    """Whether the changelog embedded in a search result misses some of the issue's histories."""
    changelog = issue.get("changelog") or {}
    return changelog.get("total", 0) > len(changelog.get("histories") or [])


def account_id(user: JsonDict | None) -> str | None:
    """Cloud users are keyed by accountId; Data Center users by their immutable key."""
    if not user:
        return None
    return user.get("accountId") or user.get("key")


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
    ) -> None:
        if not base_url:
            raise missing_setting("base_url", " (e.g. https://your-site.atlassian.net)")
        self.base_url = base_url.rstrip("/")
        self.max_attempts = max_attempts
        if pat:
            auth: Any = BearerTokenAuth(token=pat)
            self.credential_settings = SETTING_NAMES["pat"]
        elif email and api_token:
            auth = HttpBasicAuth(username=email, password=api_token)
            self.credential_settings = f"{SETTING_NAMES['email']} / {SETTING_NAMES['api_token']}"
        else:
            name = "email" if not email else "api_token"
            raise missing_setting(name, f" (or set {SETTING_NAMES['pat']} for Data Center)")
        session = retrying_session(
            max_attempts=max_attempts,
            backoff_factor=backoff_factor,
            max_retry_delay=max_retry_delay,
            request_timeout=request_timeout,
        )
        self.rest = RESTClient(base_url=self.base_url, auth=auth, session=session)
        self.hooks = {"response": [self.raise_for_status]}

    def raise_for_status(self, response: Response, *args: Any, **kwargs: Any) -> None:
        """Turn auth, query and removed-endpoint failures into one clear line.

        Other errors raise `HTTPError`, which the session's retry policy (429, 5xx) acts on.
        """
        status = response.status_code
        path = endpoint(response)
        if status == 429:
            retry_after_from_reset(response)
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

    def search_issues(
        self, jql: str, fields: list[str], page_size: int, expand: str = ""
    ) -> Iterator[list[JsonDict]]:
        """Pages of issues: `nextPageToken` on Cloud, `startAt`/`total` on Data Center."""
        body: JsonDict = {"jql": jql, "fields": fields, "maxResults": page_size}
        if expand:
            body["expand"] = expand
        if self.is_cloud:
            paginator: Any = NextPageTokenPaginator()
            path = "/rest/api/3/search/jql"
        else:
            paginator = PageOffsetPaginator(
                limit=page_size,
                offset_body_path="startAt",
                limit_body_path="maxResults",
                total_path="total",
            )
            path = "/rest/api/2/search"
        pages = self.paginate(
            path, method="POST", json=body, paginator=paginator, data_selector="issues"
        )
        yield from pages

    def expected_count(self, jql: str) -> int | None:
        """Cloud's approximate count of the issues about to load, logged for operators
        (Data Center has no such endpoint: None)."""
        if not self.is_cloud:
            return None
        count = self.post("/rest/api/3/search/approximate-count", {"jql": jql}).get("count")
        logger.info(f"Jira at {self.base_url}: about {count} issues to load for {jql}")
        return count

    def issue_ids(self, jql: str) -> Iterator[int]:
        """Every issue id matching `jql`, thousands per page: the cheap listing behind deletes."""
        for page in self.search_issues(jql, ["id"], ID_PAGE_SIZE):
            yield from (int(issue["id"]) for issue in page)

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


def without_emails(body: bytes) -> bytes:
    """Remove every `"emailAddress": ...` member from a JSON document, at C speed (escaped
    quotes inside strings never match). Jira puts the email before other members: that pass
    starts with a literal, which the regex engine finds fast; a last member (after a comma)
    or a lone one are cut by slower passes, run only if any is left.

    Applied to `raw`, the only column that keeps Jira's JSON as sent (every other column is
    picked field by field, users by accountId): a quarter of the bytes of whole responses."""
    if b'"emailAddress"' not in body:
        return body
    body = EMAIL_BEFORE_MEMBER.sub(b"", body)
    if b'"emailAddress"' not in body:
        return body
    return EMAIL_FIRST_MEMBER.sub(b"", EMAIL_MEMBER.sub(b"", body))


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


def endpoint(response: Response) -> str:
    """The request's path without its query: names the endpoint in errors and logs."""
    return response.request.path_url.split("?")[0] if response.request else response.url


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
    parameter (one Jira ignored `startAt` on users: 18,000 requests in 15 minutes, silently),
    and empty pages that keep pointing to a next one do not advance either: the run fails at
    once, in one line naming the endpoint. Long resources log their progress every
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
    """Jira's `startAt` paging, guarded (see `AdvancingPages`)."""


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


@dataclass(frozen=True)
class FieldRoles:
    """Which custom field holds story points, sprints and start date on this site."""

    story_points: str | None
    sprint: str | None
    start_date: str | None

    def role_of(self, field_id: str) -> str | None:
        for role in ("story_points", "sprint", "start_date"):
            if getattr(self, role) == field_id:
                return role
        return None


def detect_field_roles(fields: Iterable[JsonDict], overrides: dict[str, str | None]) -> FieldRoles:
    """Find role fields by their schema type (and name among equals), unless overridden."""
    custom = [f for f in fields if f.get("custom") and f.get("schema")]

    def by_type(schema_custom: str, names: Sequence[str] | None) -> str | None:
        candidates = [f for f in custom if f["schema"].get("custom") == schema_custom]
        if names is not None:
            ranked = [
                f for n in names for f in candidates if f.get("name", "").strip().lower() == n
            ]
            candidates = ranked
        return candidates[0]["id"] if candidates else None

    return FieldRoles(
        story_points=overrides.get("story_points") or by_type(FLOAT_FIELD, STORY_POINT_NAMES),
        sprint=overrides.get("sprint") or by_type(SPRINT_FIELD, None),
        start_date=overrides.get("start_date") or by_type(DATE_FIELD, START_DATE_NAMES),
    )


def field_row(field: JsonDict, roles: FieldRoles) -> JsonDict:
    schema = field.get("schema") or {}
    return {
        "id": field["id"],
        "name": field.get("name"),
        "custom": bool(field.get("custom")),
        "schema_type": schema.get("type"),
        "schema_custom": schema.get("custom"),
        "schema_items": schema.get("items"),
        "role": roles.role_of(field["id"]),
    }


def project_row(project: JsonDict) -> JsonDict:
    return {
        "id": project["id"],
        "key": project["key"],
        "name": project.get("name"),
        "project_type_key": project.get("projectTypeKey"),
        "lead_account_id": account_id(project.get("lead")),
        "is_private": project.get("isPrivate"),
    }


def status_row(status: JsonDict) -> JsonDict:
    category = status.get("statusCategory") or {}
    return {
        "id": status["id"],
        "name": status.get("name"),
        "untranslated_name": status.get("untranslatedName"),
        "status_category_id": category.get("id"),
        "status_category_key": category.get("key"),
        "status_category_name": category.get("name"),
    }


def sprint_ids(value: Any) -> list[int]:
    """Cloud sends sprint objects; older Data Center sends `...Sprint@1a[id=12,...]` strings."""
    ids = []
    for sprint in value or []:
        if isinstance(sprint, dict):
            ids.append(int(sprint["id"]))
        elif match := DC_SPRINT_ID.search(str(sprint)):
            ids.append(int(match.group(1)))
    return ids


def parse_iso(value: str | None) -> datetime | None:
    """ISO 8601 as dlt state and the agile API write it (`...Z` included)."""
    return datetime.fromisoformat(value).astimezone(UTC) if value else None


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


def board_row(board: JsonDict) -> JsonDict:
    location = board.get("location") or {}
    return {
        "id": board["id"],
        "name": board.get("name"),
        "type": board.get("type"),
        "project_id": str(location["projectId"]) if location.get("projectId") else None,
        "project_key": location.get("projectKey"),
    }


def sprint_row(sprint: JsonDict, board_id: int) -> JsonDict:
    return {
        "id": sprint["id"],
        "board_id": sprint.get("originBoardId", board_id),
        "name": sprint.get("name"),
        "state": sprint.get("state"),
        "start_date": parse_iso(sprint.get("startDate")),
        "end_date": parse_iso(sprint.get("endDate")),
        "complete_date": parse_iso(sprint.get("completeDate")),
        "goal": sprint.get("goal"),
    }


def user_row(user: JsonDict) -> JsonDict:
    """Users keyed by accountId; the email address is dropped, never stored."""
    return {
        "account_id": account_id(user),
        "account_type": user.get("accountType"),
        "display_name": user.get("displayName"),
        "active": user.get("active"),
        "time_zone": user.get("timeZone"),
    }


def start_at_paginator(limit: int) -> OffsetPaginator:
    """Jira's `startAt`/`maxResults`/`total` paging (projects, changelog, Data Center search)."""
    return PageOffsetPaginator(
        limit=limit, offset_param="startAt", limit_param="maxResults", total_path="total"
    )
