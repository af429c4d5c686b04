"""Jira's webhooks played against the receiver, for the event tests and the latency benchmark.

The sandbox site's deliveries are shaped, signed and sent as Jira Cloud does ("an issue moved
to done"), to the real receiver served in a thread on a free loopback port. Production serves
the receiver with ``pmo webhooks serve`` (``pipelines/events/server.py``).
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import httpx
import uvicorn

from pipelines.events.http_protocol import request_deadline_protocol
from pipelines.events.jira_events import DELIVERY_ID_HEADER
from pipelines.events.receiver import JIRA_WEBHOOK_PATH, create_app
from pipelines.events.settings import DEFAULT_READ_TIMEOUT_SECONDS
from pipelines.events.signature import SIGNATURE_HEADER, sign
from pipelines.events.spool import WebhookSpool
from sandbox.jira.payloads import Renderer
from sandbox.jira.site import Issue, JiraSite

STARTUP_TIMEOUT_SECONDS = 10.0


def move_to_done(site: JiraSite, base_url: str, issue: Issue, at: datetime) -> bytes:
    """Move ``issue`` to its workflow's done status; return Jira's ``jira:issue_updated`` body."""
    before = issue.status
    site.transition(issue.key, issue.project.workflow.done.id, at)
    renderer = Renderer(site, base_url, 3 if site.deployment == "Cloud" else 2)
    payload = {
        "timestamp": int(at.timestamp() * 1000),
        "webhookEvent": "jira:issue_updated",
        "issue_event_type_name": "issue_generic",
        "user": renderer.user(site.api_user),
        "issue": renderer.issue(issue, None, None),
        "changelog": {
            "id": issue.histories[-1].id,
            "items": [
                {
                    "field": "status",
                    "fieldtype": "jira",
                    "fieldId": "status",
                    "from": before.id,
                    "fromString": before.name,
                    "to": issue.status.id,
                    "toString": issue.status.name,
                }
            ],
        },
    }
    return json.dumps(payload).encode()


def first_open_issue(site: JiraSite) -> Issue:
    """An issue that never reached done, so moving it to done adds one to throughput."""
    return next(
        issue
        for issue in site.issues.values()
        if not issue.issue_type.subtask
        and issue.first_done_at is None
        and issue.status_category_key != "done"
    )


def send_signed(receiver_url: str, secret: str, body: bytes) -> httpx.Response:
    """POST ``body`` with Jira's signature and a fresh delivery identifier."""
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(secret, body),
        DELIVERY_ID_HEADER: str(uuid.uuid4()),
    }
    return httpx.post(f"{receiver_url}{JIRA_WEBHOOK_PATH}", content=body, headers=headers)


@contextmanager
def running_receiver(
    spool: WebhookSpool,
    secret: str,
    read_timeout: float = DEFAULT_READ_TIMEOUT_SECONDS,
    **app_options: int,
) -> Iterator[str]:
    """Serve the receiver on a free loopback port in a thread; yield its base URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    config = uvicorn.Config(
        create_app(spool, secret, **app_options),
        http=request_deadline_protocol(read_timeout),
        log_level="warning",
        access_log=False,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the webhook receiver did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(STARTUP_TIMEOUT_SECONDS)
        listener.close()
