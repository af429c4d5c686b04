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
DEFAULT_DUCKDB_MEMORY_LIMIT = "3GB"


@configspec
class WarehouseSettings(BaseConfiguration):
    pmo_warehouse_path: str = DEFAULT_WAREHOUSE_PATH
    """The DuckDB file every component reads and writes; relative paths start at the repo."""
    pmo_duckdb_memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT
    """DuckDB's memory_limit in dbt builds: above it DuckDB spills to disk instead of growing
    (its own default, 80 % of RAM, lets a build at millions of issues take several GiB)."""


def warehouse_path() -> Path:
    """The warehouse file as an absolute path (relative settings are taken from the repo root)."""
    configured = resolve_configuration(WarehouseSettings()).pmo_warehouse_path
    path = Path(configured or DEFAULT_WAREHOUSE_PATH)  # set but empty counts as unset
    return path if path.is_absolute() else REPO_ROOT / path


def duckdb_memory_limit() -> str:
    """DuckDB's memory_limit for dbt builds (a size DuckDB reads, such as ``3GB``)."""
    configured = resolve_configuration(WarehouseSettings()).pmo_duckdb_memory_limit
    return configured or DEFAULT_DUCKDB_MEMORY_LIMIT


def dlt_pipelines_dir(path: Path) -> Path:
    """dlt's working state lives beside the warehouse it describes: temp warehouse, temp state."""
    return path.parent / ".dlt_pipelines" / path.stem
