"""Warehouse location, from one environment variable with a repo-relative default.

dlt, dbt (through ``transforms/profiles.yml``) and Dagster all read ``PMO_WAREHOUSE_PATH``, so
setting it once points the whole pipeline at another file.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
WAREHOUSE_PATH_ENV = "PMO_WAREHOUSE_PATH"
DEFAULT_WAREHOUSE_PATH = REPO_ROOT / "warehouse" / "pmo.duckdb"


def warehouse_path() -> Path:
    """The warehouse file as an absolute path (relative settings are taken from the repo root)."""
    configured = os.environ.get(WAREHOUSE_PATH_ENV)
    path = Path(configured) if configured else DEFAULT_WAREHOUSE_PATH
    return path if path.is_absolute() else REPO_ROOT / path


def export_warehouse_path() -> Path:
    """Resolve the warehouse path and export it, so that dbt subprocesses see the same file."""
    path = warehouse_path()
    os.environ[WAREHOUSE_PATH_ENV] = str(path)
    return path


def dlt_pipelines_dir(path: Path) -> Path:
    """dlt's working state lives beside the warehouse it describes: temp warehouse, temp state."""
    return path.parent / ".dlt_pipelines" / path.stem
