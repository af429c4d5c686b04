"""Receiver settings from the environment; the secret is read, never logged or echoed."""

from __future__ import annotations

import os
from pathlib import Path

from pipelines.instance import DEFAULT_DAGSTER_HOME

SECRET_ENV = "PMO_WEBHOOK_SECRET"
PORT_ENV = "PMO_WEBHOOK_PORT"
HOST_ENV = "PMO_WEBHOOK_HOST"
SPOOL_ENV = "PMO_WEBHOOK_SPOOL"
READ_TIMEOUT_ENV = "PMO_WEBHOOK_READ_TIMEOUT_SECONDS"
DEFAULT_PORT = 8090
DEFAULT_HOST = "127.0.0.1"
SPOOL_FILE_NAME = "webhook_spool.sqlite3"

# Jira issue payloads embed the changed issue and its changelog page: tens of KB in practice.
# Anything far larger is refused unread (HTTP 413) rather than buffered.
MAX_BODY_BYTES = 1024 * 1024
# Seconds a client has to send a whole request (headers and body) once connected or answered;
# a connection still incomplete then is closed (a stalled or slow-drip client).
DEFAULT_READ_TIMEOUT_SECONDS = 10.0


class MissingWebhookSecretError(RuntimeError):
    """The receiver refuses to start without a secret: unsigned webhooks are never accepted."""


def webhook_secret() -> str:
    """The shared secret registered with the Jira webhook (``PMO_WEBHOOK_SECRET``)."""
    secret = os.environ.get(SECRET_ENV, "")
    if not secret:
        raise MissingWebhookSecretError(
            f"{SECRET_ENV} is not set: register the webhook in Jira with a secret and export it"
        )
    return secret


def webhook_port() -> int:
    return int(os.environ.get(PORT_ENV, DEFAULT_PORT))


def webhook_host() -> str:
    """Loopback by default: expose it through a TLS reverse proxy, not directly."""
    return os.environ.get(HOST_ENV, DEFAULT_HOST)


def webhook_read_timeout() -> float:
    """Seconds a client has to send a whole request (``PMO_WEBHOOK_READ_TIMEOUT_SECONDS``)."""
    return float(os.environ.get(READ_TIMEOUT_ENV, DEFAULT_READ_TIMEOUT_SECONDS))


def spool_path() -> Path:
    """``PMO_WEBHOOK_SPOOL``, else beside the Dagster home so the daemon's sensor finds it."""
    explicit = os.environ.get(SPOOL_ENV)
    if explicit:
        return Path(explicit)
    home = os.environ.get("DAGSTER_HOME") or str(DEFAULT_DAGSTER_HOME)
    return Path(home) / SPOOL_FILE_NAME
