"""Warehouse location and target, from dlt's configuration with repo-relative defaults.

dlt, dbt (through ``transforms/profiles.yml``) and Dagster all read ``PMO_WAREHOUSE_PATH``, so
setting it once points the whole pipeline at another file. It is a top-level dlt key: the
environment variable, or ``pmo_warehouse_path`` in ``.dlt/config.toml``.

``PMO_WAREHOUSE_TARGET`` chooses where the tables live: ``file`` (the default), that DuckDB
file; ``ducklake``, a DuckLake whose catalog is a PostgreSQL database (``PMO_LAKE_CATALOG``, a
secret) and whose data are Parquet files under ``PMO_LAKE_DATA_PATH``. In lake mode the
warehouse path still names where the run's own files live (dlt's state, the serving snapshot,
the report, the writer lock).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dlt.common.configuration import configspec, resolve_configuration
from dlt.common.configuration.specs import BaseConfiguration
from dlt.common.typing import TSecretStrValue

REPO_ROOT = Path(__file__).resolve().parent.parent
WAREHOUSE_PATH_ENV = "PMO_WAREHOUSE_PATH"
DEFAULT_WAREHOUSE_PATH = "warehouse/pmo.duckdb"
DEFAULT_DUCKDB_MEMORY_LIMIT = "3GB"
TARGET_FILE = "file"
TARGET_DUCKLAKE = "ducklake"
TARGETS = (TARGET_FILE, TARGET_DUCKLAKE)
DEFAULT_LAKE_DATA_PATH = "warehouse/lake"
# A URL scheme DuckDB reads itself (s3://, gs://, az://, ...): passed through to DATA_PATH.
URL_SEPARATOR = "://"


@configspec
class WarehouseSettings(BaseConfiguration):
    pmo_warehouse_path: str = DEFAULT_WAREHOUSE_PATH
    """The DuckDB file every component reads and writes; relative paths start at the repo."""
    pmo_duckdb_memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT
    """DuckDB's memory_limit in dbt builds: above it DuckDB spills to disk instead of growing
    (its own default, 80 % of RAM, lets a build at millions of issues take several GiB)."""
    pmo_warehouse_target: str = TARGET_FILE
    """``file``: the DuckDB file; ``ducklake``: a DuckLake with a PostgreSQL catalog."""
    pmo_lake_catalog: TSecretStrValue | None = None
    """The lake's PostgreSQL catalog: a libpq conninfo (``dbname=pmo host=...``) or a
    ``postgresql://`` URI; it may hold a password, so it is a secret."""
    pmo_lake_data_path: str = DEFAULT_LAKE_DATA_PATH
    """Where the lake's Parquet files go: a folder (relative to the repo) or a URL DuckDB reads."""


class WarehouseTargetError(ValueError):
    """The target settings name no warehouse this project can open."""


@dataclass(frozen=True)
class Lake:
    """A DuckLake: its catalog connection (secret: never in ``repr``) and its data path."""

    catalog: str
    data_path: str

    def __repr__(self) -> str:
        return f"Lake(catalog=<secret>, data_path={self.data_path!r})"


def warehouse_path() -> Path:
    """The warehouse file as an absolute path (relative settings are taken from the repo root)."""
    configured = resolve_configuration(WarehouseSettings()).pmo_warehouse_path
    path = Path(configured or DEFAULT_WAREHOUSE_PATH)  # set but empty counts as unset
    return path if path.is_absolute() else REPO_ROOT / path


def duckdb_memory_limit() -> str:
    """DuckDB's memory_limit for dbt builds (a size DuckDB reads, such as ``3GB``)."""
    configured = resolve_configuration(WarehouseSettings()).pmo_duckdb_memory_limit
    return configured or DEFAULT_DUCKDB_MEMORY_LIMIT


def warehouse_lake() -> Lake | None:
    """The lake the settings name in ``ducklake`` mode; None in ``file`` mode."""
    settings = resolve_configuration(WarehouseSettings())
    target = (settings.pmo_warehouse_target or TARGET_FILE).strip().lower()
    if target not in TARGETS:
        raise WarehouseTargetError(
            f"PMO_WAREHOUSE_TARGET is {target!r}: it takes {' or '.join(TARGETS)}"
        )
    if target == TARGET_FILE:
        return None
    if not settings.pmo_lake_catalog:
        raise WarehouseTargetError(
            "PMO_WAREHOUSE_TARGET is ducklake but PMO_LAKE_CATALOG is not set: give the"
            " PostgreSQL catalog's conninfo or postgresql:// URI in the environment or"
            " .dlt/secrets.toml"
        )
    return Lake(settings.pmo_lake_catalog, _data_path(settings.pmo_lake_data_path))


def _data_path(configured: str | None) -> str:
    """A URL as given; a folder made absolute from the repo, with the trailing slash DuckLake
    expects of a folder."""
    value = configured or DEFAULT_LAKE_DATA_PATH
    if URL_SEPARATOR in value:
        return value
    path = Path(value)
    return f"{path if path.is_absolute() else REPO_ROOT / path}/"


def dlt_pipelines_dir(path: Path) -> Path:
    """dlt's working state lives beside the warehouse it describes: temp warehouse, temp state."""
    return path.parent / ".dlt_pipelines" / path.stem
