"""Warehouse location and target, from dlt's configuration with repo-relative defaults.

dlt, dbt (through ``transforms/profiles.yml``) and Dagster all read ``PMO_WAREHOUSE_PATH``, so
setting it once points the whole pipeline at another file. It is a top-level dlt key: the
environment variable, or ``pmo_warehouse_path`` in ``.dlt/config.toml``.

``PMO_WAREHOUSE_TARGET`` chooses where the tables live: ``file`` (the default), that DuckDB
file; ``ducklake``, a DuckLake whose catalog is a PostgreSQL database (``PMO_LAKE_CATALOG``, a
secret) and whose data are Parquet files under ``PMO_LAKE_DATA_PATH``. In lake mode the
warehouse path still names where the run's own files live (dlt's state, the serving snapshot,
the report, the writer lock).

A data path on S3 (``s3://``) or an S3-compatible store (``PMO_LAKE_S3_ENDPOINT``) takes the
usual AWS variables, ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY`` (secrets),
``AWS_SESSION_TOKEN`` and ``AWS_REGION``; without a key, DuckDB's AWS credential chain finds
the credentials (profile, SSO, instance or container role).
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
DEFAULT_S3_REGION = "us-east-1"  # DuckDB's own
# A URL scheme DuckDB reads itself (s3://, gs://, az://, ...): passed through to DATA_PATH.
URL_SEPARATOR = "://"
S3_SCHEME = "s3://"
PLAIN_HTTP = "http://"


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
    pmo_lake_s3_endpoint: str | None = None
    """An S3-compatible store (MinIO, Ceph) holding an ``s3://`` data path: its URL,
    ``https://host[:port]`` or ``http://`` for one without TLS; unset: AWS."""
    aws_access_key_id: TSecretStrValue | None = None
    """The S3 data path's access key (``AWS_ACCESS_KEY_ID``); unset: DuckDB's credential chain."""
    aws_secret_access_key: TSecretStrValue | None = None
    """That key's secret (``AWS_SECRET_ACCESS_KEY``)."""
    aws_session_token: TSecretStrValue | None = None
    """Temporary credentials' session token, with their key (``AWS_SESSION_TOKEN``)."""
    aws_region: str = DEFAULT_S3_REGION
    """The S3 data path's bucket's region (``AWS_REGION``): requests are signed for it."""


class WarehouseTargetError(ValueError):
    """The target settings name no warehouse this project can open."""


@dataclass(frozen=True)
class S3Storage:
    """Where and how to reach an ``s3://`` data path: an access key (secret: never in
    ``repr``), or none for DuckDB's AWS credential chain; AWS, or the store at ``endpoint``."""

    key_id: str | None = None
    secret: str | None = None
    session_token: str | None = None
    region: str = DEFAULT_S3_REGION
    endpoint: str | None = None

    def __repr__(self) -> str:
        key = "<secret>" if self.key_id else "credential chain"
        return f"S3Storage(key={key}, region={self.region!r}, endpoint={self.endpoint!r})"

    @property
    def endpoint_host(self) -> str | None:
        """The endpoint as DuckDB takes it: host and port, without the scheme."""
        return self.endpoint.split(URL_SEPARATOR, 1)[-1].rstrip("/") if self.endpoint else None

    @property
    def use_ssl(self) -> bool:
        return not (self.endpoint or "").lower().startswith(PLAIN_HTTP)

    @property
    def url_style(self) -> str:
        """S3-compatible stores serve buckets as paths; AWS as host names (DuckDB's default)."""
        return "path" if self.endpoint else "vhost"


@dataclass(frozen=True)
class Lake:
    """A DuckLake: its catalog connection (secret: never in ``repr``), its data path and, for a
    data path on S3, how to reach it."""

    catalog: str
    data_path: str
    s3: S3Storage | None = None

    def __repr__(self) -> str:
        return f"Lake(catalog=<secret>, data_path={self.data_path!r}, s3={self.s3!r})"

    def secrets(self) -> dict[str, str]:
        """Each secret value this lake holds, with the name of its setting (for masking)."""
        named = {"PMO_LAKE_CATALOG": self.catalog}
        if self.s3:
            named |= {
                "AWS_ACCESS_KEY_ID": self.s3.key_id,
                "AWS_SECRET_ACCESS_KEY": self.s3.secret,
                "AWS_SESSION_TOKEN": self.s3.session_token,
            }
        return {value: name for name, value in named.items() if value}


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
    data_path = _data_path(settings.pmo_lake_data_path)
    return Lake(settings.pmo_lake_catalog, data_path, _s3_storage(settings, data_path))


def _s3_storage(settings: WarehouseSettings, data_path: str) -> S3Storage | None:
    """The S3 settings of a data path on S3; None for any other."""
    if not data_path.lower().startswith(S3_SCHEME):
        return None
    if bool(settings.aws_access_key_id) != bool(settings.aws_secret_access_key):
        raise WarehouseTargetError(
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together: set both for an access"
            " key, or neither for DuckDB's AWS credential chain"
        )
    return S3Storage(
        key_id=settings.aws_access_key_id or None,
        secret=settings.aws_secret_access_key or None,
        session_token=settings.aws_session_token or None,
        region=settings.aws_region or DEFAULT_S3_REGION,
        endpoint=settings.pmo_lake_s3_endpoint or None,
    )


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
