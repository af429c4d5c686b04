"""A local Smartsheet API 2.0 over real HTTP on 127.0.0.1, for tests, demos and benchmarks.

It serves a `Portfolio` with the documented paging (`page`, `pageSize`, `includeAll`;
`pageNumber`, `totalPages`, `totalCount`), delta reads (`modifiedSince`, `rowsModifiedSince`,
`ifVersionAfter`), cell history, workspaces and folders, and Smartsheet's error body
(`errorCode`, `message`, `refId`). It records every request (path and query) so tests can hold
a client to the OpenAPI description, and injects faults on demand: 429 with errorCode 4003,
5xx, dropped connections. Sheet webhooks (list, create, enable with the verification challenge,
reset the shared secret) and their signed callbacks are in `sandbox.smartsheet.webhooks`.

Run by hand: `python -m sandbox.smartsheet.emulator --port 8090` (access token `demo-token`).
"""

from __future__ import annotations

import argparse
import contextlib
import hmac
import json
import math
import re
import secrets
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sandbox.http_emulator import Fault, LoopbackEmulator, QuietHandler
from sandbox.smartsheet import payloads
from sandbox.smartsheet.payloads import ApiError
from sandbox.smartsheet.portfolio import LAYOUTS, Folder, Portfolio, Sheet, generate_portfolio
from sandbox.smartsheet.webhooks import Webhooks

API_PREFIX = "/2.0"
DEFAULT_PAGE_SIZE = 100
# The query parameters a sheet's answer depends on.
SHEET_QUERY = ("rowsModifiedSince", "columnIds", "include")
FAULT_KINDS = ("rate_limit", "server_error", "drop_connection")
Query = dict[str, list[str]]
JsonDict = dict[str, Any]


@dataclass(frozen=True)
class Request:
    """A request as the emulator saw it: path without `/2.0` and the query parameters."""

    method: str
    path: str
    params: dict[str, str]


def _int(query: Query, name: str, default: int | None = None) -> int | None:
    raw = query.get(name, [None])[0]
    if raw is None:
        return default
    try:
        return int(float(raw))
    except ValueError as error:
        raise ApiError(400, 1018, f"The value for {name} must be a number.") from error


def _flag(query: Query, name: str) -> bool:
    return query.get(name, ["false"])[0].lower() == "true"


def _time(query: Query, name: str) -> datetime | None:
    raw = query.get(name, [None])[0]
    if raw is None:
        return None
    try:
        return payloads.parse_time(raw)
    except ValueError as error:
        raise ApiError(400, 1018, f"The value for {name} is not a valid date.") from error


def index_page(query: Query, items: list[JsonDict]) -> JsonDict:
    """Smartsheet's IndexResult: a page past the end returns the last page."""
    if _flag(query, "includeAll"):
        return {"pageNumber": 1, "totalPages": 1, "totalCount": len(items), "data": items}
    size = max(1, _int(query, "pageSize", DEFAULT_PAGE_SIZE) or DEFAULT_PAGE_SIZE)
    pages = math.ceil(len(items) / size)
    number = min(max(1, _int(query, "page", 1) or 1), max(pages, 1))
    data = items[(number - 1) * size : number * size]
    return {
        "pageNumber": number,
        "pageSize": size,
        "totalPages": pages,
        "totalCount": len(items),
        "data": data,
    }


class SmartsheetEmulator(LoopbackEmulator):
    """Serve `portfolio` over HTTP; use as a context manager or call `start()` / `stop()`."""

    fault_kinds = FAULT_KINDS
    url_prefix = API_PREFIX

    def __init__(
        self,
        portfolio: Portfolio,
        *,
        access_token: str = "demo-token",
        port: int = 0,
        cache_sheets: bool = False,
    ) -> None:
        """`cache_sheets` keeps each sheet answer as sent, per sheet version and query, so a
        benchmark's measured runs do not pay for rendering (edit sheets through the
        portfolio's methods then: they bump the version)."""
        self.portfolio = portfolio
        self.cache_sheets = cache_sheets
        self._rendered: dict[tuple[Any, ...], bytes] = {}
        self.access_token = access_token
        self.port = port
        self.faults: list[Fault] = []
        self.requests: list[Request] = []
        self.request_counts: Counter[str] = Counter()
        self.lock = threading.RLock()  # guards the faults, the request log and the portfolio
        self.webhooks = Webhooks(portfolio)
        routes: list[tuple[str, Callable[..., Any]]] = [
            (r"/sheets", self._sheets),
            (r"/sheets/(?P<sheet>\d+)", self._sheet),
            (r"/sheets/(?P<sheet>\d+)/summary", self._summary),
            (
                r"/sheets/(?P<sheet>\d+)/rows/(?P<row>\d+)/columns/(?P<column>\d+)/history",
                self._history,
            ),
            (r"/workspaces", self._workspaces),
            (r"/workspaces/(?P<workspace>\d+)", self._workspace),
            (r"/folders/(?P<folder>\d+)", self._folder),
            (r"/webhooks", self._list_webhooks),
            (r"/webhooks/(?P<webhook>\d+)", self._get_webhook),
        ]
        # POST and PUT handlers take the JSON body instead of the query.
        writes: list[tuple[str, str, Callable[..., Any]]] = [
            ("POST", r"/webhooks", self._create_webhook),
            ("PUT", r"/webhooks/(?P<webhook>\d+)", self._update_webhook),
            ("POST", r"/webhooks/(?P<webhook>\d+)/resetSharedSecret", self._reset_secret),
        ]
        self.routes = [("GET", re.compile(pattern), handler) for pattern, handler in routes] + [
            (method, re.compile(pattern), handler) for method, pattern, handler in writes
        ]

    # lifecycle -------------------------------------------------------------------------

    def handler(self) -> type[QuietHandler]:
        return _handler_for(self)

    def reset_counts(self) -> None:
        with self.lock:
            self.request_counts.clear()
            self.requests.clear()

    # request plumbing ------------------------------------------------------------------

    def authorised(self, header: str | None) -> bool:
        scheme, _, token = (header or "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            token.encode(), self.access_token.encode()
        )

    def dispatch(self, path: str, query: Query, method: str = "GET", body: Any = None) -> Any:
        """The answer of the route `method path`: GETs read `query`, writes their `body`."""
        for verb, pattern, handler in self.routes:
            match = pattern.fullmatch(path)
            if match and verb == method:
                ids = {k: int(v) for k, v in match.groupdict().items()}
                with self.lock:
                    return handler(query if method == "GET" else body, **ids)
        raise ApiError(404, 1006, "Not Found")

    def deliver_callbacks(self) -> list[JsonDict]:
        """Send the webhooks' callbacks for the edits made since the last ones."""
        with self.lock:
            return self.webhooks.deliver()

    def _find_sheet(self, sheet_id: int) -> Sheet:
        found = self.portfolio.sheets.get(sheet_id)
        if found is None:
            raise ApiError(404, 1006, "Not Found")
        return found

    # endpoints -------------------------------------------------------------------------

    def _sheets(self, query: Query) -> JsonDict:
        since = _time(query, "modifiedSince")
        sheets = sorted(self.portfolio.sheets.values(), key=lambda s: s.name)
        listed = [
            payloads.sheet_listing(s) for s in sheets if since is None or s.modified_at >= since
        ]
        return index_page(query, listed)

    def _sheet(self, query: Query, sheet: int) -> JsonDict | bytes:
        found = self._find_sheet(sheet)
        after = _int(query, "ifVersionAfter")
        if after is not None and after >= found.version:
            return {"version": found.version}
        if not self.cache_sheets:
            return self._render_sheet(query, found)
        key = (sheet, found.version, *(str(query.get(n)) for n in SHEET_QUERY))
        if key not in self._rendered:
            self._rendered[key] = _encode(self._render_sheet(query, found))
        return self._rendered[key]

    def _render_sheet(self, query: Query, found: Sheet) -> JsonDict:
        sheet = found.id
        since = _time(query, "rowsModifiedSince")
        rows = [
            (number, row)
            for number, row in enumerate(found.rows, start=1)
            if since is None or row.modified_at >= since
        ]
        wanted = {int(c) for c in query.get("columnIds", [""])[0].split(",") if c}
        columns = [c for c in found.columns if not wanted or c.id in wanted]
        if wanted:
            found = Sheet(**{**found.__dict__, "columns": columns})
        includes = set(query.get("include", [""])[0].split(","))
        workspace = next(
            (w for w in self.portfolio.workspaces if sheet in self._sheet_ids(w)), None
        )
        return payloads.sheet(found, rows, workspace, columns, "objectValue" in includes)

    def _summary(self, query: Query, sheet: int) -> JsonDict:
        found = self._find_sheet(sheet)
        return {"fields": [payloads.summary_field(f) for f in found.summary]}

    def _history(self, query: Query, sheet: int, row: int, column: int) -> JsonDict:
        found = self._find_sheet(sheet)
        item = next((r for r in found.rows if r.id == row), None)
        col = next((c for c in found.columns if c.id == column), None)
        if item is None or col is None:
            raise ApiError(404, 1006, "Not Found")
        entries = sorted(item.history.get(column, []), key=lambda e: e.modified_at, reverse=True)
        return index_page(query, [payloads.history_entry(col, e, found) for e in entries])

    def _workspaces(self, query: Query) -> JsonDict:
        return index_page(query, [payloads.workspace_listing(w) for w in self.portfolio.workspaces])

    def _workspace(self, query: Query, workspace: int) -> JsonDict:
        found = next((w for w in self.portfolio.workspaces if w.id == workspace), None)
        if found is None:
            raise ApiError(404, 1006, "Not Found")
        return payloads.workspace(found, self.portfolio.sheets, _flag(query, "loadAll"))

    def _folder(self, query: Query, folder: int) -> JsonDict:
        found = next(
            (f for w in self.portfolio.workspaces for f in _folders(w.folders) if f.id == folder),
            None,
        )
        if found is None:
            raise ApiError(404, 1006, "Not Found")
        return payloads.folder(found, self.portfolio.sheets)

    def _list_webhooks(self, query: Query) -> JsonDict:
        return index_page(query, self.webhooks.listed())

    def _get_webhook(self, query: Query, webhook: int) -> JsonDict:
        return self.webhooks.find(webhook).payload()

    def _create_webhook(self, body: Any) -> JsonDict:
        return _result(self.webhooks.create(_object(body)).payload())

    def _update_webhook(self, body: Any, webhook: int) -> JsonDict:
        return _result(self.webhooks.update(webhook, _object(body)).payload())

    def _reset_secret(self, body: Any, webhook: int) -> JsonDict:
        return _result(self.webhooks.reset_shared_secret(webhook))

    def _sheet_ids(self, workspace: Any) -> set[int]:
        return set(workspace.sheet_ids) | {
            i for f in _folders(workspace.folders) for i in f.sheet_ids
        }


def _object(body: Any) -> JsonDict:
    if not isinstance(body, dict):
        raise ApiError(400, 1008, "Unable to parse request. The body must be a JSON object.")
    return body


def _result(result: JsonDict) -> JsonDict:
    """Smartsheet's answer to a write: `{"message", "resultCode", "result"}`."""
    return {"message": "SUCCESS", "resultCode": 0, "result": result}


def _folders(folders: list[Folder]) -> list[Folder]:
    return [f for folder in folders for f in (folder, *_folders(folder.folders))]


def _handler_for(emulator: SmartsheetEmulator) -> type[QuietHandler]:
    class SmartsheetRequestHandler(QuietHandler):
        def do_GET(self) -> None:
            self.serve("GET")

        def do_POST(self) -> None:
            self.serve("POST")

        def do_PUT(self) -> None:
            self.serve("PUT")

        def serve(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            path = url.path.removeprefix(API_PREFIX)
            with emulator.lock:
                emulator.request_counts[path] += 1
                params = {name: values[0] for name, values in query.items()}
                emulator.requests.append(Request(method, path, params))
            if not url.path.startswith(API_PREFIX + "/"):
                self.reply(404, payloads.error(1006, "Not Found", _ref_id()))
                return
            if not emulator.authorised(self.headers.get("Authorization")):
                self.reply(401, payloads.error(1002, "Your Access Token is invalid.", _ref_id()))
                return
            fault = emulator.take_fault(path)
            if fault and fault.kind == "drop_connection":
                self.drop_connection()
                return
            if fault and fault.kind == "rate_limit":
                headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
                body = payloads.error(4003, "Rate limit exceeded.", _ref_id())
                self.reply(429, body, headers)
                return
            if fault:
                message = "An unexpected error has occurred. Please contact the Support team."
                self.reply(fault.status, payloads.error(4000, message, _ref_id()))
                return
            try:
                self.reply(200, emulator.dispatch(path, query, method, _body(raw)))
            except ApiError as error:
                self.reply(error.status, payloads.error(error.code, str(error), _ref_id()))

        def reply(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            data = body if isinstance(body, bytes) else _encode(body)
            self.send(status, data, headers or {}, "application/json;charset=UTF-8")

    return SmartsheetRequestHandler


def _body(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ApiError(400, 1008, "Unable to parse request.") from error


def _encode(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode()


def _ref_id() -> str:
    return secrets.token_hex(6)


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the synthetic Smartsheet portfolio.")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--projects", type=int, default=4)
    parser.add_argument("--tasks-per-sheet", type=int, default=24)
    parser.add_argument("--layout", choices=LAYOUTS, default=LAYOUTS[0])
    args = parser.parse_args()
    portfolio = generate_portfolio(args.seed, args.projects, args.tasks_per_sheet, args.layout)
    with SmartsheetEmulator(portfolio, port=args.port) as emulator:
        print(f"Smartsheet emulator ({args.layout}) on {emulator.base_url}", flush=True)
        print("  access token demo-token")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
