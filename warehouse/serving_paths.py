"""Where the BI serving snapshot lives: a ``serving/`` folder beside the working warehouse.

Derived from the warehouse path, so a temporary warehouse (tests, benchmarks) publishes into
its own temporary folder and never over the real snapshot.
"""

from __future__ import annotations

from pathlib import Path

SERVING_DATABASE_NAME = "pmo.duckdb"


def serving_dir(warehouse: Path) -> Path:
    """The folder BI tools are pointed at."""
    return warehouse.parent / "serving"


def serving_database_path(warehouse: Path) -> Path:
    """The read-only DuckDB snapshot (replaced atomically by each publish)."""
    return serving_dir(warehouse) / SERVING_DATABASE_NAME


def parquet_dir(warehouse: Path) -> Path:
    """One Parquet file per serving table."""
    return serving_dir(warehouse) / "parquet"


def serving_manifest_path(warehouse: Path) -> Path:
    """JSON description of the last publish: tables, row counts, columns, run."""
    return serving_dir(warehouse) / "manifest.json"


def kpi_report_path(warehouse: Path) -> Path:
    """The self-contained HTML KPI dashboard."""
    return serving_dir(warehouse) / "kpi_report.html"
