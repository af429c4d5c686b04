"""Smartsheet's webhook callbacks: the verification challenge, the signature, the skinny body.

Smartsheet verifies a callback URL by sending ``Smartsheet-Hook-Challenge`` (and the same value
as ``challenge`` in the body) when a webhook is enabled; the subscriber echoes it back. Every
event callback is signed with the webhook's own ``sharedSecret`` (Smartsheet generates one per
webhook): ``Smartsheet-Hmac-SHA256`` is the hex HMAC-SHA256 of the raw body. A callback is
"skinny": it names the sheet (``scopeObjectId``) and the kinds of change, never the data.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

from pipelines.events.jira_events import Delivery, MalformedDeliveryError

CHALLENGE_HEADER = "Smartsheet-Hook-Challenge"
RESPONSE_HEADER = "Smartsheet-Hook-Response"
RESPONSE_FIELD = "smartsheetHookResponse"
SIGNATURE_HEADER = "Smartsheet-Hmac-SHA256"
SHEET_EVENT = "smartsheet:sheet"


def sign(shared_secret: str, body: bytes) -> str:
    """The ``Smartsheet-Hmac-SHA256`` value Smartsheet sends for ``body``."""
    return hmac.new(shared_secret.encode(), body, hashlib.sha256).hexdigest()


def is_valid_signature(shared_secret: str | None, body: bytes, header: str | None) -> bool:
    """True only when a secret is known and ``header`` is the body's HMAC under it."""
    if not shared_secret or not header:
        return False
    return hmac.compare_digest(sign(shared_secret, body), header.strip().lower())


@dataclass(frozen=True)
class Callback:
    """A callback's webhook and sheet, and what to spool for it."""

    webhook_id: int
    sheet_id: int | None
    status_change: str | None
    delivery: Delivery


def _payload(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise MalformedDeliveryError(f"body is not JSON: {error}") from error
    if not isinstance(payload, dict):
        raise MalformedDeliveryError("body is not a Smartsheet callback (not an object)")
    return payload


def webhook_id_of(body: bytes) -> int:
    """The ``webhookId`` a callback names: which webhook's secret signs it."""
    webhook_id = _payload(body).get("webhookId")
    if not isinstance(webhook_id, int) or isinstance(webhook_id, bool):
        raise MalformedDeliveryError("body is not a Smartsheet callback (no webhookId)")
    return webhook_id


def parse_callback(body: bytes) -> Callback:
    """A verified callback, identified for deduplication by its webhook and ``nonce`` (distinct
    per callback, repeated by a replay of the same body), else by the body's hash."""
    payload = _payload(body)
    webhook_id = webhook_id_of(body)
    sheet = payload.get("scopeObjectId") if payload.get("scope", "sheet") == "sheet" else None
    sheet_id = sheet if isinstance(sheet, int) and not isinstance(sheet, bool) else None
    nonce = payload.get("nonce")
    delivery_id = (
        f"smartsheet-{webhook_id}-{nonce}"
        if isinstance(nonce, str) and nonce
        else hashlib.sha256(body).hexdigest()
    )
    events = payload.get("events") if isinstance(payload.get("events"), list) else []
    kinds = sorted(
        {
            f"{e.get('objectType')}.{e.get('eventType')}"
            for e in events
            if isinstance(e, dict) and e.get("objectType")
        }
    )
    status = payload.get("newWebhookStatus")
    return Callback(
        webhook_id=webhook_id,
        sheet_id=sheet_id,
        status_change=status if isinstance(status, str) else None,
        # The spool's project column holds the sheet id: the sensor batches on it.
        delivery=Delivery(
            delivery_id=delivery_id,
            event=f"{SHEET_EVENT}:{','.join(kinds) or 'none'}",
            project_key=str(sheet_id) if sheet_id is not None else None,
            issue_key=None,
            body=body,
        ),
    )
