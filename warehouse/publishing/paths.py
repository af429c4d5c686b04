"""Where the BI serving snapshot lives: a ``serving/`` folder beside the working warehouse.

Derived from the warehouse path, so a temporary warehouse (tests, benchmarks) publishes into
its own temporary folder and never over the real snapshot.

Each publish is a complete folder under ``releases/``: the DuckDB file, its Parquet files and
the manifest. ``current`` is a relative symlink to the live release, replaced by one atomic
rename; the paths BI tools open (``pmo.duckdb``, ``parquet/``, ``manifest.json``) are fixed
relative symlinks through ``current``, so they always lead to one whole publish.
"""

from __future__ import annotations

from pathlib import Path

SERVING_DATABASE_NAME = "pmo.duckdb"
PARQUET_DIR_NAME = "parquet"
MANIFEST_NAME = "manifest.json"
CURRENT_LINK_NAME = "current"
RELEASES_DIR_NAME = "releases"
KPI_REPORT_NAME = "kpi_report.html"
AS_OF_DIR_NAME = "as-of"
RELEASE_ENTRIES = (SERVING_DATABASE_NAME, PARQUET_DIR_NAME, MANIFEST_NAME)
"""What one release holds, under the same names as the stable paths that lead to it."""


def serving_dir(warehouse: Path) -> Path:
    """The folder BI tools are pointed at."""
    return warehouse.parent / "serving"


def serving_database_path(warehouse: Path) -> Path:
    """The read-only DuckDB snapshot (a stable path to the current release's file)."""
    return serving_dir(warehouse) / SERVING_DATABASE_NAME


def parquet_dir(warehouse: Path) -> Path:
    """One Parquet file per serving table (a stable path to the current release's folder)."""
    return serving_dir(warehouse) / PARQUET_DIR_NAME


def serving_manifest_path(warehouse: Path) -> Path:
    """JSON description of the last publish: tables, row counts, columns, run."""
    return serving_dir(warehouse) / MANIFEST_NAME


def current_release_link(warehouse: Path) -> Path:
    """The symlink naming the live release; a reader that resolves it once reads one publish."""
    return serving_dir(warehouse) / CURRENT_LINK_NAME


def releases_dir(warehouse: Path) -> Path:
    """Complete publishes, each in its own folder, and the one being written."""
    return serving_dir(warehouse) / RELEASES_DIR_NAME


def kpi_report_path(warehouse: Path) -> Path:
    """The self-contained HTML KPI dashboard."""
    return serving_dir(warehouse) / KPI_REPORT_NAME


def as_of_dir(warehouse: Path) -> Path:
    """Snapshots of the lake's past (``pmo publish --as-of``), each in a folder of its own:
    the serving folder's stable paths keep leading to the pipeline's latest publish."""
    return serving_dir(warehouse) / AS_OF_DIR_NAME
