"""The emulator's webhooks: Smartsheet's sheet-scoped subscriptions, their verification and their
skinny callbacks.

A webhook is created disabled (`NEW_NOT_VERIFIED`) with a shared secret Smartsheet generates.
Enabling it sends the verification challenge to its callback URL (header
`Smartsheet-Hook-Challenge`, body `{"challenge", "webhookId"}`); the subscriber must echo it
(header `Smartsheet-Hook-Response` or body `smartsheetHookResponse`), else the webhook ends
`DISABLED_VERIFICATION_FAILED`. Callbacks are skinny (which sheet, which kinds of change) and
signed: `Smartsheet-Hmac-SHA256` is the hex HMAC-SHA256 of the body under the shared secret.
Smartsheet batches callbacks on its own schedule; here `deliver()` is that moment, so a test
decides when its edits are announced.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sandbox.smartsheet.payloads import ApiError
from sandbox.smartsheet.portfolio import Portfolio, stamp

CHALLENGE_HEADER = "Smartsheet-Hook-Challenge"
RESPONSE_HEADER = "Smartsheet-Hook-Response"
RESPONSE_FIELD = "smartsheetHookResponse"
SIGNATURE_HEADER = "Smartsheet-Hmac-SHA256"
REQUIRED = ("name", "callbackUrl", "scope", "scopeObjectId", "events", "version")
CALLBACK_TIMEOUT_SECONDS = 5.0
# The user a callback's events name as the editor.
EDITOR_USER_ID = 48569348493401210
JsonDict = dict[str, Any]


@dataclass
class Webhook:
    id: int
    name: str
    callback_url: str
    sheet_id: int
    shared_secret: str
    created_at: datetime
    modified_at: datetime
    enabled: bool = False
    status: str = "NEW_NOT_VERIFIED"
    disabled_details: str | None = None
    # The sheet version the last callback (or the enabling) announced.
    announced_version: int = 0
    announced_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def payload(self) -> JsonDict:
        body: JsonDict = {
            "id": self.id,
            "name": self.name,
            "callbackUrl": self.callback_url,
            "scope": "sheet",
            "scopeObjectId": self.sheet_id,
            "events": ["*.*"],
            "version": 1,
            "enabled": self.enabled,
            "status": self.status,
            "sharedSecret": self.shared_secret,
            "createdAt": stamp(self.created_at),
            "modifiedAt": stamp(self.modified_at),
        }
        if not self.enabled and self.disabled_details:
            body["disabledDetails"] = self.disabled_details
        return body


def sign(shared_secret: str, body: bytes) -> str:
    return hmac.new(shared_secret.encode(), body, hashlib.sha256).hexdigest()


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=CALLBACK_TIMEOUT_SECONDS) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), b""
    except (urllib.error.URLError, OSError):
        return 0, {}, b""


def _echoed(challenge: str, headers: dict[str, str], body: bytes) -> bool:
    if {k.lower(): v for k, v in headers.items()}.get(RESPONSE_HEADER.lower()) == challenge:
        return True
    try:
        answer = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(answer, dict) and answer.get(RESPONSE_FIELD) == challenge


class Webhooks:
    """The account's webhooks over `portfolio`'s sheets; the emulator serializes access."""

    def __init__(self, portfolio: Portfolio) -> None:
        self.portfolio = portfolio
        self.hooks: dict[int, Webhook] = {}
        self.callbacks_sent: list[JsonDict] = []

    def find(self, webhook_id: int) -> Webhook:
        hook = self.hooks.get(webhook_id)
        if hook is None:
            raise ApiError(404, 1006, "Not Found")
        return hook

    def listed(self) -> list[JsonDict]:
        return [hook.payload() for hook in sorted(self.hooks.values(), key=lambda h: h.id)]

    def create(self, body: JsonDict) -> Webhook:
        missing = [name for name in REQUIRED if name not in body]
        if missing:
            message = f"Required object attribute(s) are missing from your request: {missing}."
            raise ApiError(400, 1012, message)
        if body["scope"] != "sheet" or body["events"] != ["*.*"] or body["version"] != 1:
            raise ApiError(400, 1018, "The value for scope, events or version is invalid.")
        if body["scopeObjectId"] not in self.portfolio.sheets:
            raise ApiError(404, 1006, "Not Found")
        now = self.portfolio.now()
        hook = Webhook(
            id=self.portfolio.new_id(),
            name=str(body["name"]),
            callback_url=str(body["callbackUrl"]),
            sheet_id=int(body["scopeObjectId"]),
            shared_secret=secrets.token_hex(13),
            created_at=now,
            modified_at=now,
        )
        self.hooks[hook.id] = hook
        return hook

    def update(self, webhook_id: int, body: JsonDict) -> Webhook:
        hook = self.find(webhook_id)
        if "name" in body:
            hook.name = str(body["name"])
        if "callbackUrl" in body:
            hook.callback_url = str(body["callbackUrl"])
        if body.get("enabled") is True and not hook.enabled:
            self._verify(hook)
        elif body.get("enabled") is False:
            hook.enabled, hook.status = False, "DISABLED_BY_OWNER"
            hook.disabled_details = "Disabled by its owner."
        hook.modified_at = self.portfolio.now()
        return hook

    def reset_shared_secret(self, webhook_id: int) -> JsonDict:
        hook = self.find(webhook_id)
        hook.shared_secret = secrets.token_hex(13)
        return {"sharedSecret": hook.shared_secret}

    def _verify(self, hook: Webhook) -> None:
        """Smartsheet's verification request, answered before the update returns."""
        challenge = secrets.token_hex(16)
        body = json.dumps({"challenge": challenge, "webhookId": hook.id}).encode()
        status, headers, answer = _post(hook.callback_url, body, {CHALLENGE_HEADER: challenge})
        if status == 200 and _echoed(challenge, headers, answer):
            hook.enabled, hook.status, hook.disabled_details = True, "ENABLED", None
            sheet = self.portfolio.sheets.get(hook.sheet_id)
            hook.announced_version = sheet.version if sheet else 0
            hook.announced_at = self.portfolio.now()
        else:
            hook.enabled, hook.status = False, "DISABLED_VERIFICATION_FAILED"
            hook.disabled_details = "The callback URL did not echo the verification challenge."

    def deliver(self) -> list[JsonDict]:
        """Send one signed skinny callback per enabled webhook whose sheet changed since the
        last one: `sheet.updated` plus `row.updated` for each row edited since. The callbacks
        the subscriber did not answer 200 stay due."""
        sent = []
        for hook in self.hooks.values():
            sheet = self.portfolio.sheets.get(hook.sheet_id)
            if not hook.enabled or sheet is None or sheet.version <= hook.announced_version:
                continue
            callback = self._callback(hook, sheet)
            body = json.dumps(callback).encode()
            status, _, _ = _post(
                hook.callback_url, body, {SIGNATURE_HEADER: sign(hook.shared_secret, body)}
            )
            if status == 200:
                hook.announced_version, hook.announced_at = sheet.version, sheet.modified_at
                sent.append(callback)
        self.callbacks_sent.extend(sent)
        return sent

    def _callback(self, hook: Webhook, sheet: Any) -> JsonDict:
        user = EDITOR_USER_ID
        rows = [r for r in sheet.rows if r.modified_at >= hook.announced_at]
        events = [
            {"objectType": "sheet", "eventType": "updated", "id": sheet.id, "userId": user},
            *(
                {"objectType": "row", "eventType": "updated", "id": r.id, "userId": user}
                for r in rows
            ),
        ]
        at = stamp(sheet.modified_at)
        return {
            "nonce": secrets.token_hex(16),
            "timestamp": at,
            "webhookId": hook.id,
            "scope": "sheet",
            "scopeObjectId": sheet.id,
            "events": [{**event, "timestamp": at} for event in events],
        }
