"""Orchestration settings shared by every Dagster definition.

Read through dlt's configuration, like every other setting: top-level keys, so the environment
variable is the key's upper-case name (``PMO_TIMEZONE``) and ``.dlt/config.toml`` takes
``pmo_timezone``. Each function reads them when called, never at import.
"""

from __future__ import annotations

from dlt.common.configuration import configspec, resolve_configuration
from dlt.common.configuration.specs import BaseConfiguration
from dlt.common.typing import TSecretStrValue

# DuckDB allows one writer process at a time: every asset or check that opens the warehouse
# runs in this pool, whose limit is 1 (see .dagster/dagster.yaml).
DUCKDB_POOL = "duckdb_warehouse"

REFRESH_JOB = "refresh_all"


@configspec
class OrchestrationSettings(BaseConfiguration):
    pmo_timezone: str = "UTC"
    """IANA timezone of the nightly schedule and the reconciliation job."""
    pmo_alert_webhook_url: TSecretStrValue | None = None
    """Chat webhook taking ``{"text": ...}``; a secret (its URL carries the token)."""


def schedule_timezone() -> str:
    """Timezone of the nightly schedule (``PMO_TIMEZONE``, IANA name; UTC by default)."""
    return resolve_configuration(OrchestrationSettings()).pmo_timezone


def alert_webhook_url() -> str | None:
    """Where alerts are posted (``PMO_ALERT_WEBHOOK_URL``); None: alerts go to the log."""
    return resolve_configuration(OrchestrationSettings()).pmo_alert_webhook_url or None
