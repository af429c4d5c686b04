"""Jira webhook deliveries for the sandbox site, shaped, signed and sent as Jira Cloud does.

The end-to-end test and the latency benchmark play "an issue moved to done" against the
emulator and announce it through the receiver exactly like a real site would.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime

import httpx

from pipelines.events.jira_events import DELIVERY_ID_HEADER
from pipelines.events.receiver import JIRA_WEBHOOK_PATH
from pipelines.events.signature import SIGNATURE_HEADER, sign
from sandbox.jira.payloads import Renderer
from sandbox.jira.site import Issue, JiraSite


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
