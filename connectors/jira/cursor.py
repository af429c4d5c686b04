"""The issues cursor: `updated` with a lookback window, plus the known ids for delete checks.

Kept in the `issue_pages` resource's dlt state, which dlt commits only with a successful load,
so a failed run resumes from the previous cursor.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from dlt.common import logger

from connectors.jira.rows import JsonDict, parse_jira_datetime

# A stamp this far past the server's clock is reported: less is the clock's resolution.
CLOCK_TOLERANCE = timedelta(minutes=1)


class IssueCursor:
    """Jira reads JQL dates at minute precision in the user's timezone and its index can lag,
    so each run re-reads `lookback` before the newest `updated` seen; issues re-read with an
    unchanged `updated` are skipped, so a run with no change in Jira writes nothing.

    The cursor never passes the server's time: an issue stamped in the future (a bad import,
    a skewed node) would otherwise move it days ahead and every change until then would be
    skipped. Such an issue is logged; it is re-read, not re-loaded, until its time comes.
    """

    def __init__(self, state: dict[str, Any], lookback: timedelta) -> None:
        self.state = state
        self.lookback = lookback
        self.newest = parse_jira_datetime(state.get("last_updated"))
        self.incremental = self.newest is not None
        self.recent: dict[str, str] = dict(state.get("recent") or {})
        self.seen: dict[str, str] = {}
        self.known: set[int] = set(state.get("known_ids") or [])

    @property
    def since(self) -> datetime | None:
        return None if self.newest is None else self.newest - self.lookback

    def observe(self, issue: JsonDict, server_time: datetime | None = None) -> bool:
        """Record the issue; True if it is new or changed since it was last loaded, and not
        already seen in this run (an issue updated while paging can show up twice; its newer
        version is re-read by the next run, its stamp differing from the one recorded).

        `server_time` is Jira's clock when it sent the issue: the cursor stops there."""
        if issue["id"] in self.seen:
            return False
        self.known.add(int(issue["id"]))
        updated = parse_jira_datetime((issue.get("fields") or {}).get("updated"))
        if updated is None:
            return True
        stamp = updated.isoformat()
        self.seen[issue["id"]] = stamp
        reached = updated if server_time is None else min(updated, server_time)
        if server_time is not None and updated > server_time + CLOCK_TOLERANCE:
            logger.warning(
                f"Jira issue {issue.get('key', issue['id'])} is updated at {stamp}, after the "
                f"server's time {server_time.isoformat()}: the cursor stays at the server's "
                "time so that no later change is skipped"
            )
        self.newest = reached if self.newest is None else max(self.newest, reached)
        return self.recent.get(issue["id"]) != stamp

    def hold_at(self, ceiling: datetime | None) -> None:
        """The cursor goes no further than `ceiling` (when given): what changed after it is
        read again by the next run, and skipped there if already loaded unchanged."""
        if ceiling is not None and self.newest is not None:
            self.newest = min(self.newest, ceiling)

    def reconciliation_due(self, now: datetime, every: timedelta) -> bool:
        """Deletes are found by listing every id in scope, so only every `every` (0: always);
        a full load lists every id anyway."""
        last = parse_jira_datetime(self.state.get("reconciled_at"))
        return self.incremental and (last is None or now - last >= every)

    def reconcile(self, current_ids: Iterable[int], now: datetime) -> list[int]:
        """Replace the known ids with Jira's current list; return the ids that vanished."""
        current = set(current_ids)
        gone = sorted(self.known - current)
        self.known = current
        self.state["reconciled_at"] = now.isoformat()
        return gone

    def save(self, started: datetime) -> None:
        if self.newest is None:
            return
        if "reconciled_at" not in self.state:
            self.state["reconciled_at"] = started.isoformat()
        cutoff = self.newest - self.lookback
        merged = self.recent | self.seen
        self.state["last_updated"] = self.newest.isoformat()
        self.state["recent"] = {k: v for k, v in merged.items() if parse_jira_datetime(v) >= cutoff}
        self.state["known_ids"] = sorted(self.known)
