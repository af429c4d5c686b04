"""Running this checkout in either warehouse mode from another process (tests, benchmarks): each
mode's settings for a folder (and the lake's catalog), lake mode's interpreter (`.venv-lake`,
where the DuckDB extension wheels are) and the environment of such a subprocess."""

from __future__ import annotations

import os
from pathlib import Path

from warehouse.settings import REPO_ROOT, TARGET_DUCKLAKE, TARGET_FILE, WAREHOUSE_PATH_ENV

LAKE_PYTHON = REPO_ROOT / ".venv-lake" / "bin" / "python"
TARGET_ENV = "PMO_WAREHOUSE_TARGET"


def file_settings(folder: Path) -> dict[str, str]:
    """File mode, the warehouse file under ``folder``."""
    return {TARGET_ENV: TARGET_FILE, WAREHOUSE_PATH_ENV: str(folder / "warehouse" / "pmo.duckdb")}


def lake_settings(catalog: str, folder: Path) -> dict[str, str]:
    """Lake mode on ``catalog``, its data and the warehouse path's folder under ``folder``."""
    return {
        **file_settings(folder),
        TARGET_ENV: TARGET_DUCKLAKE,
        "PMO_LAKE_CATALOG": catalog,
        "PMO_LAKE_DATA_PATH": str(folder / "lake-data"),
    }


def checkout_environment(settings: dict[str, str], **extra: str) -> dict[str, str]:
    """This process's environment with ``settings`` and ``extra``, running this checkout."""
    return {**os.environ, **settings, **extra, "PYTHONPATH": str(REPO_ROOT)}
