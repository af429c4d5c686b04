"""Warehouse location, from dlt's configuration with a repo-relative default.

dlt, dbt (through ``transforms/profiles.yml``) and Dagster all read ``PMO_WAREHOUSE_PATH``, so
setting it once points the whole pipeline at another file. It is a top-level dlt key: the
environment variable, or ``pmo_warehouse_path`` in ``.dlt/config.toml``.
"""

from __future__ import annotations

from pathlib import Path

from dlt.common.configuration import configspec, resolve_configuration
from dlt.common.configuration.specs import BaseConfiguration

REPO_ROOT = Path(__file__).resolve().parent.parent
WAREHOUSE_PATH_ENV = "PMO_WAREHOUSE_PATH"
DEFAULT_WAREHOUSE_PATH = "warehouse/pmo.duckdb"


@configspec
class WarehouseSettings(BaseConfiguration):
    pmo_warehouse_path: str = DEFAULT_WAREHOUSE_PATH
    """The DuckDB file every component reads and writes; relative paths start at the repo."""


def warehouse_path() -> Path:
    """The warehouse file as an absolute path (relative settings are taken from the repo root)."""
    configured = resolve_configuration(WarehouseSettings()).pmo_warehouse_path
    path = Path(configured or DEFAULT_WAREHOUSE_PATH)  # set but empty counts as unset
    return path if path.is_absolute() else REPO_ROOT / path


def dlt_pipelines_dir(path: Path) -> Path:
    """dlt's working state lives beside the warehouse it describes: temp warehouse, temp state."""
    return path.parent / ".dlt_pipelines" / path.stem
