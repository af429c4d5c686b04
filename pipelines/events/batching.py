"""Turn a run of spooled deliveries into one incremental-run request: merged, keyed, described."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipelines.events.spool import SpooledEvent


@dataclass(frozen=True)
class WebhookBatch:
    """Consecutive spooled deliveries that one incremental Jira run covers."""

    first_seq: int
    last_seq: int
    deliveries: int
    projects: tuple[str, ...]
    issues: tuple[str, ...]
    has_sprint_events: bool
    oldest_received_at: float

    @property
    def run_key(self) -> str:
        """Unique per spool range, so a re-evaluated tick never launches the same run twice."""
        return f"jira-webhooks-{self.first_seq}-{self.last_seq}"


def batch_events(events: Sequence[SpooledEvent]) -> WebhookBatch:
    """Merge ``events`` (oldest first, at least one): many edits of one issue are one change."""
    if not events:
        raise ValueError("an empty spool read has no batch")
    return WebhookBatch(
        first_seq=events[0].seq,
        last_seq=events[-1].seq,
        deliveries=len(events),
        projects=tuple(sorted({e.project_key for e in events if e.project_key})),
        issues=tuple(sorted({e.issue_key for e in events if e.issue_key})),
        has_sprint_events=any(e.project_key is None for e in events),
        oldest_received_at=min(e.received_at for e in events),
    )
