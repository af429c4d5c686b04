"""Smartsheet API 2.0 over HTTP: Bearer token, 300 requests a minute, retries, page-number paging.

The session is the Jira connector's retrying session (429 and 5xx retried with jittered
exponential backoff, `Retry-After` honoured, dropped connections retried); a token bucket keeps
the client under Smartsheet's per-token limit, so 429 (errorCode 4003) stays the exception.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any

from dlt.common import json
from requests import RequestException, Response

from connectors.jira.retries import retrying_session
from connectors.smartsheet.errors import SmartsheetError
from connectors.smartsheet.settings import SETTING_NAMES, SmartsheetSettings

JsonDict = dict[str, Any]
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # how Smartsheet writes its timestamps


class RateLimit:
    """A token bucket: bursts up to a minute's allowance, then `per_minute` requests a minute
    (0: unlimited)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self.tokens = float(per_minute)
        self.updated = time.monotonic()
        self.lock = threading.Lock()

    def acquire(self) -> None:
        if self.per_minute <= 0:
            return
        with self.lock:
            now = time.monotonic()
            self.tokens = min(
                self.per_minute, self.tokens + (now - self.updated) * self.per_minute / 60
            )
            self.updated = now
            wait = max(0.0, (1 - self.tokens) * 60 / self.per_minute)
            self.tokens -= 1
        if wait:
            time.sleep(wait)


class SmartsheetClient:
    """GETs against one Smartsheet account; failures that survive the retries raise
    `SmartsheetError` in one line (the token is never part of a message or a log)."""

    def __init__(self, settings: SmartsheetSettings) -> None:
        self.base_url = settings.api_url
        self.max_attempts = settings.max_attempts
        self.page_size = settings.page_size
        self.session = retrying_session(
            max_attempts=settings.max_attempts,
            backoff_factor=settings.backoff_factor,
            max_retry_delay=settings.max_retry_delay,
            request_timeout=settings.request_timeout,
        )
        self.session.headers["Authorization"] = f"Bearer {settings.access_token}"
        self.rate_limit = RateLimit(settings.requests_per_minute)
        self.first_answer_at: str | None = None

    def note_clock(self, response: Response) -> None:
        """Keep Smartsheet's clock at its first answer (`Date`), written as its timestamps
        are: the next run's `modifiedSince` and `rowsModifiedSince`, so nothing changed while
        this run read is missed."""
        sent = response.headers.get("Date")
        if self.first_answer_at is None and sent:
            moment = parsedate_to_datetime(sent).astimezone(UTC)
            self.first_answer_at = moment.strftime(TIMESTAMP_FORMAT)

    def get(self, path: str, missing_ok: bool = False, **params: Any) -> Any:
        """The JSON of `GET path`; with `missing_ok`, None when Smartsheet answers 404
        (a sheet deleted since it was listed)."""
        content = self.content(path, missing_ok, **params)
        return None if content is None else json.loadb(content)

    def content(self, path: str, missing_ok: bool = False, **params: Any) -> bytes | None:
        """The body of `GET path`, unparsed (see `get`)."""
        self.rate_limit.acquire()
        try:
            response = self.session.get(self.base_url + path, params=params or None)
        except RequestException as error:
            raise SmartsheetError(
                f"Smartsheet at {self.base_url} could not be reached on {path} after "
                f"{self.max_attempts} attempts ({type(error).__name__}): check "
                f"{SETTING_NAMES['base_url']} / {SETTING_NAMES['region']} and the network"
            ) from None
        self.note_clock(response)
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code != 200:
            raise SmartsheetError(self.explain(path, response))
        return response.content

    def pages(self, path: str, **params: Any) -> Iterator[list[JsonDict]]:
        """The `data` of every page of an IndexResult, by `page` number up to `totalPages`."""
        number = 1
        while True:
            body = self.get(path, page=number, pageSize=self.page_size, **params)
            yield body.get("data") or []
            if number >= int(body.get("totalPages") or 0):
                return
            number += 1

    def explain(self, path: str, response: Response) -> str:
        status = response.status_code
        try:
            body = response.json()
            code, message, ref = (body.get(k) for k in ("errorCode", "message", "refId"))
            detail = f"errorCode {code}: {message} (refId {ref})"
        except ValueError:
            detail = " ".join(response.text[:200].split())
        if status in (401, 403):
            return (
                f"Smartsheet at {self.base_url} refused {path} (HTTP {status}, {detail}): check "
                f"{SETTING_NAMES['access_token']} and that its user can see the sheets"
            )
        if status == 429 or status >= 500:
            return (
                f"Smartsheet at {self.base_url} kept failing on {path} (HTTP {status} after "
                f"{self.max_attempts} attempts, {detail}); nothing was loaded from this run, "
                "re-run later"
            )
        return f"Smartsheet at {self.base_url} refused {path} (HTTP {status}, {detail})"
