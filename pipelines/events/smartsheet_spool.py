"""The Smartsheet callbacks' spool, and the shared secret of each webhook registered to it.

A file of its own beside the Jira spool (``smartsheet_<spool name>``): the Jira sensor reads
every row of its spool, and a Smartsheet callback must never start a Jira run. Smartsheet
generates each webhook's secret; ``pmo webhooks register smartsheet`` stores it here, where the
receiver reads it, in a file only its owner may read.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipelines.events.settings import spool_path
from pipelines.events.spool import WebhookSpool

WEBHOOKS_SCHEMA = """
create table if not exists smartsheet_webhooks (
    webhook_id integer primary key,
    sheet_id integer not null,
    shared_secret text not null
)
"""


def smartsheet_spool_path() -> Path:
    """Beside the Jira spool, so the receiver and the daemon find it the same way."""
    jira = spool_path()
    return jira.with_name(f"smartsheet_{jira.name}")


class SmartsheetSpool(WebhookSpool):
    """The webhook spool plus the shared secrets of the registered webhooks."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        os.chmod(path, 0o600)
        self._db.execute(WEBHOOKS_SCHEMA)

    def remember(self, webhook_id: int, sheet_id: int, shared_secret: str) -> None:
        """Keep (or replace, after a reset) the secret Smartsheet signs ``webhook_id`` with."""
        with self._lock:
            self._db.execute(
                "insert into smartsheet_webhooks values (?, ?, ?) on conflict (webhook_id) "
                "do update set sheet_id = excluded.sheet_id, "
                "shared_secret = excluded.shared_secret",
                (webhook_id, sheet_id, shared_secret),
            )

    def secret(self, webhook_id: int) -> str | None:
        with self._lock:
            row = self._db.execute(
                "select shared_secret from smartsheet_webhooks where webhook_id = ?",
                (webhook_id,),
            ).fetchone()
        return row[0] if row else None
