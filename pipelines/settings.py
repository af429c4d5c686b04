"""Orchestration settings shared by every Dagster definition."""

from __future__ import annotations

import os

# DuckDB allows one writer process at a time: every asset or check that opens the warehouse
# runs in this pool, whose limit is 1 (see .dagster/dagster.yaml).
DUCKDB_POOL = "duckdb_warehouse"

REFRESH_JOB = "refresh_all"


def schedule_timezone() -> str:
    """Timezone of the nightly schedule (``PMO_TIMEZONE``, IANA name; UTC by default)."""
    return os.environ.get("PMO_TIMEZONE", "UTC")
