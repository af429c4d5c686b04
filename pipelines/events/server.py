"""``pmo webhooks serve``: the receiver under uvicorn, until interrupted."""

from __future__ import annotations

import uvicorn

from pipelines.events.http_protocol import request_deadline_protocol
from pipelines.events.receiver import create_app
from pipelines.events.settings import (
    spool_path,
    webhook_host,
    webhook_port,
    webhook_read_timeout,
    webhook_secret,
)
from pipelines.events.smartsheet_spool import SmartsheetSpool, smartsheet_spool_path
from pipelines.events.spool import WebhookSpool


def serve(host: str | None = None, port: int | None = None) -> None:
    """Serve until interrupted (Jira on /webhooks/jira, Smartsheet on /webhooks/smartsheet);
    the spools are closed on the way out."""
    secret = webhook_secret()
    with (
        WebhookSpool(spool_path()) as spool,
        SmartsheetSpool(smartsheet_spool_path()) as smartsheet,
    ):
        app = create_app(spool, secret, smartsheet=smartsheet)
        uvicorn.run(
            app,
            host=host or webhook_host(),
            port=port or webhook_port(),
            http=request_deadline_protocol(webhook_read_timeout()),
            log_level="info",
        )
