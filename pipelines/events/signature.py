"""Jira Cloud's webhook signature: ``X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>``.

Jira signs the exact bytes it sends (WebSub style), so verification must run on the raw body,
before any JSON parsing, with a constant-time comparison.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Hub-Signature"
METHOD = "sha256"


def sign(secret: str, body: bytes) -> str:
    """The header value Jira sends for ``body``."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"{METHOD}={digest}"


def is_valid_signature(secret: str, body: bytes, header: str | None) -> bool:
    """True only for a well-formed ``sha256=`` header matching ``body`` under ``secret``."""
    if not header:
        return False
    method, _, received = header.strip().partition("=")
    if method.lower() != METHOD or not received:
        return False
    return hmac.compare_digest(sign(secret, body), f"{METHOD}={received.lower()}")
