"""What the pipeline needs from a Jira webhook body: which event, which project, which issue."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

ISSUE_EVENTS = frozenset({"jira:issue_created", "jira:issue_updated", "jira:issue_deleted"})
SPRINT_EVENTS = frozenset(
    {"sprint_created", "sprint_updated", "sprint_started", "sprint_closed", "sprint_deleted"}
)
SUPPORTED_EVENTS = ISSUE_EVENTS | SPRINT_EVENTS

# Jira sends the same identifier again when it retries a delivery.
DELIVERY_ID_HEADER = "X-Atlassian-Webhook-Identifier"


class MalformedDeliveryError(ValueError):
    """The body is not a JSON object naming its ``webhookEvent``."""


@dataclass(frozen=True)
class Delivery:
    """One webhook delivery, reduced to what the sensor batches on, plus the raw body."""

    delivery_id: str
    event: str
    project_key: str | None
    issue_key: str | None
    body: bytes

    @property
    def is_supported(self) -> bool:
        return self.event in SUPPORTED_EVENTS


def parse_delivery(body: bytes, delivery_id: str | None) -> Delivery:
    """Parse a verified body; without Jira's identifier the body's hash deduplicates replays."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MalformedDeliveryError(f"body is not JSON: {error}") from error
    except RecursionError as error:  # deeper than the parser recurses; no Jira payload is
        raise MalformedDeliveryError("body is JSON nested too deeply") from error
    if not isinstance(payload, dict) or not isinstance(payload.get("webhookEvent"), str):
        raise MalformedDeliveryError("body is not a Jira webhook (no webhookEvent)")
    issue = payload.get("issue") if isinstance(payload.get("issue"), dict) else {}
    issue_key = issue.get("key") if isinstance(issue.get("key"), str) else None
    return Delivery(
        delivery_id=delivery_id or hashlib.sha256(body).hexdigest(),
        event=payload["webhookEvent"],
        project_key=_project_key(issue, issue_key),
        issue_key=issue_key,
        body=body,
    )


def _project_key(issue: dict[str, Any], issue_key: str | None) -> str | None:
    """The issue's project; sprint events carry a board, not a project, and give None."""
    fields = issue.get("fields") if isinstance(issue.get("fields"), dict) else {}
    project = fields.get("project") if isinstance(fields.get("project"), dict) else {}
    if isinstance(project.get("key"), str):
        return project["key"]
    if issue_key and "-" in issue_key:
        return issue_key.rsplit("-", 1)[0]
    return None
