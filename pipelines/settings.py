"""Orchestration settings shared by every Dagster definition.

Read through dlt's configuration, like every other setting: top-level keys, so the environment
variable is the key's upper-case name (``PMO_TIMEZONE``) and ``.dlt/config.toml`` takes
``pmo_timezone``. Each function reads them when called, never at import.
"""

from __future__ import annotations

from dlt.common.configuration import configspec, resolve_configuration
from dlt.common.configuration.specs import BaseConfiguration
from dlt.common.typing import TSecretStrValue

from warehouse.settings import warehouse_lake

# DuckDB allows one writer process at a time: every asset or check that opens the warehouse
# runs in this pool, whose limit is 1 (see .dagster/dagster.yaml).
DUCKDB_POOL = "duckdb_warehouse"
# In lake mode the catalog takes writers in several processes at once (snapshot isolation; a
# commit conflict is retried): each writer of its own tables has a pool of its own, limit 1
# as every pool (`concurrency.pools.default_limit`), so a Jira load, a spreadsheet load and
# the dbt build overlap while two loads of one source (one dlt state) still take turns.
LAKE_POOL_PREFIX = "lake_"
RAW_WRITERS = ("raw_jira", "raw_spreadsheets", "raw_smartsheet")
DBT_WRITER = "dbt"
SERVING_WRITER = "serving"
WRITERS = (*RAW_WRITERS, DBT_WRITER, SERVING_WRITER)

REFRESH_JOB = "refresh_all"


def warehouse_pool(writer: str) -> str:
    """The pool of the steps of ``writer`` (one of ``WRITERS``): the single-writer pool in file
    mode, the writer's own in lake mode. Read when the definitions load, like the target."""
    if writer not in WRITERS:
        raise ValueError(f"no warehouse writer {writer!r}: one of {', '.join(WRITERS)}")
    return LAKE_POOL_PREFIX + writer if warehouse_lake() else DUCKDB_POOL


def schema_writer(schema: str) -> str:
    """Who writes ``schema``'s tables: a raw dataset its dlt load, every other schema dbt."""
    return schema if schema in RAW_WRITERS else DBT_WRITER


def warehouse_pools() -> list[str]:
    """The pools of the warehouse's writers in the current target."""
    return sorted({warehouse_pool(writer) for writer in WRITERS})


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
