"""Receiver settings from dlt's configuration; the secret is read, never logged or echoed.

Top-level keys, so each environment variable is its key's upper-case name
(``PMO_WEBHOOK_PORT``, ``pmo_webhook_port`` in ``.dlt/config.toml``); the secret only from the
environment or ``.dlt/secrets.toml``. Read when called, never at import.
"""

from __future__ import annotations

import os
from pathlib import Path

from dlt.common.configuration import configspec, resolve_configuration
from dlt.common.configuration.specs import BaseConfiguration
from dlt.common.typing import TSecretStrValue

from pipelines.instance import DEFAULT_DAGSTER_HOME
from pipelines.preflight import jira_configured, smartsheet_configured

SECRET_ENV = "PMO_WEBHOOK_SECRET"
SPOOL_ENV = "PMO_WEBHOOK_SPOOL"
SPOOL_FILE_NAME = "webhook_spool.sqlite3"

# Jira issue payloads embed the changed issue and its changelog page: tens of KB in practice.
# Anything far larger is refused unread (HTTP 413) rather than buffered.
MAX_BODY_BYTES = 1024 * 1024
# Seconds a client has to send a whole request (headers and body) once connected or answered;
# a connection still incomplete then is closed (a stalled or slow-drip client).
DEFAULT_READ_TIMEOUT_SECONDS = 10.0


@configspec
class WebhookSettings(BaseConfiguration):
    pmo_webhook_secret: TSecretStrValue | None = None
    """The shared secret registered with the Jira webhook; required by the receiver unless
    Smartsheet is the only source configured."""
    pmo_webhook_port: int = 8090
    pmo_webhook_host: str = "127.0.0.1"
    """Loopback by default: expose it through a TLS reverse proxy, not directly."""
    pmo_webhook_spool: str | None = None
    """The spool file; unset: beside the Dagster home, where the daemon's sensor finds it."""
    pmo_webhook_read_timeout_seconds: float = DEFAULT_READ_TIMEOUT_SECONDS
    pmo_smartsheet_callback_url: str | None = None
    """The public HTTPS URL of ``/webhooks/smartsheet``, given to Smartsheet's webhooks."""


def _settings() -> WebhookSettings:
    return resolve_configuration(WebhookSettings())


class MissingWebhookSecretError(RuntimeError):
    """The receiver refuses to start without a secret: unsigned webhooks are never accepted."""


def webhook_secret() -> str | None:
    """The shared secret registered with the Jira webhook (``PMO_WEBHOOK_SECRET``); None only
    when Smartsheet is the only source configured: the receiver then serves Smartsheet's
    callbacks alone (each signed with its own webhook's secret, kept in the Smartsheet spool)."""
    secret = _settings().pmo_webhook_secret
    if not secret and smartsheet_configured() and not jira_configured():
        return None
    if not secret:
        raise MissingWebhookSecretError(
            f"{SECRET_ENV} is not set: register the webhook in Jira with a secret and set it"
            " in the environment or .dlt/secrets.toml"
        )
    return secret


def webhook_port() -> int:
    return _settings().pmo_webhook_port


def webhook_host() -> str:
    return _settings().pmo_webhook_host


def webhook_read_timeout() -> float:
    """Seconds a client has to send a whole request (``PMO_WEBHOOK_READ_TIMEOUT_SECONDS``)."""
    return _settings().pmo_webhook_read_timeout_seconds


def smartsheet_callback_url() -> str | None:
    """Where Smartsheet sends callbacks (``PMO_SMARTSHEET_CALLBACK_URL``), if set."""
    return _settings().pmo_smartsheet_callback_url


def spool_path() -> Path:
    """``PMO_WEBHOOK_SPOOL``, else beside the Dagster home so the daemon's sensor finds it."""
    explicit = _settings().pmo_webhook_spool
    if explicit:
        return Path(explicit)
    home = os.environ.get("DAGSTER_HOME") or str(DEFAULT_DAGSTER_HOME)
    return Path(home) / SPOOL_FILE_NAME
