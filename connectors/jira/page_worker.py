"""Large full loads read each search page once, in a worker process that builds its tables.

The extract is bound to one core by the GIL: parsing the pages and building their tables in the
pipeline's process would leave the second core to the server. In a large full load each search
page's body goes to a worker process as soon as it arrives, from the slice's thread; the worker
parses it once and returns what paging and the cursor need (the reply with each issue cut to
its id, key, `updated` and, when truncated, its changelog's total) with the page's tables as
Arrow IPC: issue fields, custom field values, sprint membership and the complete changelogs.
What needs dlt state or more requests (custom field column names, truncated changelogs, dlt's
columns) stays in this process. Small loads build in process: a worker's start costs more than
it saves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from functools import cached_property
from typing import Any

import pyarrow as pa
from dlt.common import json
from dlt.sources.helpers.rest_client.client import PageData
from requests import Response

from connectors.gc_pause import gc_paused
from connectors.jira.arrow_tables import (
    changelog_changes,
    custom_values,
    issue_fields_table,
    issue_sprint_rows,
)
from connectors.jira.rows import FieldRoles, JsonDict, is_truncated
from connectors.worker_processes import from_ipc, to_ipc, worker_pool


class BuiltPage:
    """The tables a worker built from a search page, for its issues `ids` (each once, in page
    order), as Arrow IPC streams until first used."""

    def __init__(self, ids: list[str], streams: tuple[bytes, ...]) -> None:
        self.ids = ids
        self.streams = streams

    @cached_property
    def tables(self) -> tuple[pa.Table, ...]:
        """Issue fields, custom field values, sprint rows, complete changelogs' changes."""
        tables = tuple(from_ipc(stream) for stream in self.streams)
        self.streams = ()
        return tables


class IssuePage(list[JsonDict]):
    """Changed issues of one search page (or the closing tombstones and end marker) and, when
    a worker built them, their tables."""

    def __init__(self, issues: Iterable[JsonDict], built: BuiltPage | None = None) -> None:
        super().__init__(issues)
        self.built = built

    def issue_fields(self, live: Sequence[JsonDict], roles: FieldRoles) -> pa.Table:
        """`issue_fields_table` of the page's live issues."""
        return self.built.tables[0] if self.built else issue_fields_table(live, roles)

    def custom_values(self, live: Sequence[JsonDict]) -> pa.Table:
        """`custom_values` of the page's live issues."""
        return self.built.tables[1] if self.built else custom_values(live)

    def sprint_rows(self, live: Sequence[JsonDict], roles: FieldRoles) -> pa.Table:
        """`issue_sprint_rows` of the page's live issues."""
        return self.built.tables[2] if self.built else issue_sprint_rows(live, roles)

    def embedded_changes(self, complete: Sequence[JsonDict]) -> pa.Table:
        """`changelog_changes` of the page's issues whose embedded changelog is complete."""
        return self.built.tables[3] if self.built else changelog_changes(complete)


def issue_page(changed: list[JsonDict], page: PageData[JsonDict]) -> IssuePage:
    """The changed issues of a search page with the tables the worker built, which hold every
    issue of the page: when the cursor skipped one (read twice in a run), the page is parsed
    here again and its changed issues built in process."""
    read: PageRead | None = getattr(page.response, "page_read", None)
    built = read.built if read else None
    if built is None or [issue["id"] for issue in changed] == built.ids:
        return IssuePage(changed, built)
    wanted = {issue["id"] for issue in changed}
    issues = []
    for issue in json.loadb(page.response.content)["issues"]:
        if issue["id"] in wanted:
            wanted.discard(issue["id"])
            issues.append(issue)
    return IssuePage(issues)


class PageRead:
    """A search page being read by a worker: its reply (as the paginator and cursor need it)
    and its tables. A body the worker cannot read (malformed JSON, no issue list) is parsed
    here instead, failing as any other reply would, or built in process."""

    def __init__(self, future: Future[Any], parse: Callable[..., Any]) -> None:
        self.future = future
        self.parse = parse

    def reply(self, **kwargs: Any) -> Any:
        read = self.future.result()
        return self.parse(**kwargs) if read is None else read[0]

    @property
    def built(self) -> BuiltPage | None:
        read = self.future.result()
        return None if read is None else read[1]


class PageReader:
    """A response hook handing each search page to the worker pool (after the client's own
    hook, which raises on errors): the page's `json()` becomes the worker's reply."""

    def __init__(self, pool: Executor, roles: FieldRoles) -> None:
        self.pool = pool
        self.roles = roles

    def __call__(self, response: Response, *args: Any, **kwargs: Any) -> None:
        future = self.pool.submit(read_page, response.content, self.roles)
        read = PageRead(future, response.json)
        response.page_read = read  # type: ignore[attr-defined]
        response.json = read.reply  # type: ignore[method-assign]


@contextmanager
def page_reader(in_worker: bool, roles: FieldRoles) -> Iterator[PageReader | None]:
    """A `PageReader` over worker processes, or (not `in_worker`) none: pages are parsed and
    built in process. The workers stop when the pages are done. They are spawned: a script
    that runs a large full load needs the `if __name__ == "__main__":` guard."""
    with worker_pool(in_worker) as pool:
        yield None if pool is None else PageReader(pool, roles)


def read_page(content: bytes, roles: FieldRoles) -> tuple[JsonDict, BuiltPage] | None:
    """In a worker: a search page's reply with its issues cut to what paging and the cursor
    need, and the tables of its issues (each once, as the cursor takes them); None when the
    body is not a page of issues."""
    with gc_paused():
        try:
            reply = json.loadb(content)
        except ValueError:
            return None
        issues = reply.get("issues") if isinstance(reply, dict) else None
        if not isinstance(issues, list):
            return None
        unique = each_once(issues)
        complete = [issue for issue in unique if not is_truncated(issue)]
        tables = (
            issue_fields_table(unique, roles),
            custom_values(unique),
            issue_sprint_rows(unique, roles),
            changelog_changes(complete),
        )
        built = BuiltPage([issue["id"] for issue in unique], tuple(map(to_ipc, tables)))
        return reply | {"issues": [cursor_view(issue) for issue in issues]}, built


def each_once(issues: list[JsonDict]) -> list[JsonDict]:
    """The issues without repeats (an issue moved while paging), as the cursor takes them."""
    seen: set[str] = set()
    return [issue for issue in issues if not (issue["id"] in seen or seen.add(issue["id"]))]


def cursor_view(issue: JsonDict) -> JsonDict:
    """What this process needs of an issue built by a worker: the cursor's id, key and
    `updated`; a truncated changelog's total, for its completion in bulk."""
    view = {"id": issue["id"], "key": issue["key"], "fields": {"updated": issue_updated(issue)}}
    if is_truncated(issue):
        view["changelog"] = {"total": issue["changelog"]["total"]}
    return view


def issue_updated(issue: JsonDict) -> Any:
    return (issue.get("fields") or {}).get("updated")
