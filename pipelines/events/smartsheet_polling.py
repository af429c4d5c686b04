"""The polling fallback for Smartsheet accounts without webhooks: one sheet listing per tick.

``GET /sheets?modifiedSince=<cursor>`` lists only the sheets changed since the last tick (the
run, not the sensor, reads what changed); the newest ``modifiedAt`` becomes the cursor. A
change outside the source's scope costs one incremental run that finds nothing to read.
"""

from __future__ import annotations

from dataclasses import dataclass

from connectors.smartsheet.client import SmartsheetClient
from connectors.smartsheet.settings import SmartsheetSettings

# A sensor tick must stay short: fail fast and let the next tick try again.
POLL_RETRIES = {"max_attempts": 2, "backoff_factor": 0.5, "max_retry_delay": 2.0}


@dataclass(frozen=True)
class SheetChanges:
    """Sheets modified since the cursor, and the newest modification among them."""

    sheet_ids: tuple[int, ...]
    newest: str


def sheets_modified_since(
    since: str | None, client: SmartsheetClient | None = None
) -> SheetChanges | None:
    """The sheets modified after ``since`` (Smartsheet's ISO timestamps), None when none are.

    ``modifiedSince`` is inclusive: a sheet modified exactly at the cursor was already seen."""
    if client is None:
        settings = SmartsheetSettings.from_config()
        settings.max_attempts = POLL_RETRIES["max_attempts"]
        settings.backoff_factor = POLL_RETRIES["backoff_factor"]
        settings.max_retry_delay = POLL_RETRIES["max_retry_delay"]
        client = SmartsheetClient(settings)
    params = {"modifiedSince": since} if since else {}
    listed = [sheet for page in client.pages("/sheets", **params) for sheet in page]
    changed = [s for s in listed if s.get("modifiedAt") and (not since or s["modifiedAt"] > since)]
    if not changed:
        return None
    return SheetChanges(
        sheet_ids=tuple(sorted(s["id"] for s in changed)),
        newest=max(s["modifiedAt"] for s in changed),
    )
