"""``pmo webhooks serve``: the receiver under uvicorn, until interrupted."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import uvicorn
from starlette.applications import Starlette

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


@contextmanager
def configured_app() -> Iterator[Starlette]:
    """The receiver of the configured sources: Jira's webhooks (its secret is required unless
    Smartsheet is the only source) and Smartsheet's callbacks; the spools closed afterwards."""
    secret = webhook_secret()
    with ExitStack() as spools:
        jira = spools.enter_context(WebhookSpool(spool_path())) if secret else None
        smartsheet = spools.enter_context(SmartsheetSpool(smartsheet_spool_path()))
        yield create_app(jira, secret, smartsheet=smartsheet)


def serve(host: str | None = None, port: int | None = None) -> None:
    """Serve until interrupted (Jira on /webhooks/jira, Smartsheet on /webhooks/smartsheet)."""
    with configured_app() as app:
        uvicorn.run(
            app,
            host=host or webhook_host(),
            port=port or webhook_port(),
            http=request_deadline_protocol(webhook_read_timeout()),
            log_level="info",
        )
