"""Large full loads build each search page's Arrow tables in a worker process.

The extract is bound to one core by the GIL: the fetch thread's JSON parsing and the main
thread's table building take turns. In a large full load, a worker process parses each page's
bytes again and builds its issue fields and changelog tables on another core while this process
fetches the next page; Arrow IPC streams come back (measured in benchmarks/jira_load.py). What
needs dlt state or more requests (custom field columns, truncated changelogs, dlt's columns)
stays in this process. Small loads build in process: a worker's start costs more than it saves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from functools import cached_property

import pyarrow as pa
from dlt.common import json
from dlt.common.runners.configuration import PoolRunnerConfiguration
from dlt.common.runners.pool_runner import create_pool

from connectors.gc_pause import gc_paused
from connectors.jira.arrow_tables import changelog_changes, issue_fields_table
from connectors.jira.rows import FieldRoles, JsonDict, is_truncated

Build = Callable[[bytes, Sequence[JsonDict], FieldRoles], "Future[tuple[bytes, bytes]] | None"]


class IssuePage(list[JsonDict]):
    """Changed issues of one search page (or the closing tombstones and end marker) and, when
    a worker builds them, the future of their tables."""

    def __init__(
        self, issues: Iterable[JsonDict], built: Future[tuple[bytes, bytes]] | None = None
    ) -> None:
        super().__init__(issues)
        self.built = built

    @cached_property
    def _tables(self) -> tuple[pa.Table, pa.Table]:
        assert self.built is not None
        issues, changes = self.built.result()
        return from_ipc(issues), from_ipc(changes)

    def issue_fields(self, live: Sequence[JsonDict], roles: FieldRoles) -> pa.Table:
        """`issue_fields_table` of the page's live issues."""
        return self._tables[0] if self.built else issue_fields_table(live, roles)

    def embedded_changes(self, complete: Sequence[JsonDict]) -> pa.Table:
        """`changelog_changes` of the page's issues whose embedded changelog is complete."""
        return self._tables[1] if self.built else changelog_changes(complete)


@contextmanager
def page_builder(in_worker: bool) -> Iterator[Build]:
    """Submits a page's tables to a worker process, or (not `in_worker`) leaves them to be
    built in process; the worker stops when the pages are done. The worker is spawned: a script
    that runs a large full load needs the `if __name__ == "__main__":` guard."""
    if not in_worker:
        yield lambda content, issues, roles: None
        return
    # dlt's own process pool: spawned, and kept from re-running an orchestrator's entry point
    config = PoolRunnerConfiguration(pool_type="process", workers=1, start_method="spawn")
    with create_pool(config) as pool:
        yield lambda content, issues, roles: pool.submit(
            build_page, content, [issue["id"] for issue in issues], roles
        )


def build_page(content: bytes, ids: Sequence[str], roles: FieldRoles) -> tuple[bytes, bytes]:
    """In the worker: the issue fields of the issues `ids` of a search page's body, and the
    changes of those whose embedded changelog is complete, as Arrow IPC streams."""
    wanted = set(ids)
    issues = []
    with gc_paused():
        for issue in json.loadb(content)["issues"]:
            if issue["id"] in wanted:  # each once, as the pipeline's cursor takes them
                wanted.discard(issue["id"])
                issues.append(issue)
        complete = [issue for issue in issues if not is_truncated(issue)]
        return to_ipc(issue_fields_table(issues, roles)), to_ipc(changelog_changes(complete))


def to_ipc(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def from_ipc(stream: bytes) -> pa.Table:
    return pa.ipc.open_stream(stream).read_all()
