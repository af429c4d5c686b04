"""Opening the warehouse from inside the pipeline process, in either target.

File mode opens the DuckDB file. Lake mode (``warehouse.settings.warehouse_lake``) opens an
in-memory DuckDB, attaches the DuckLake as ``lake`` and makes it the default database, so the
same ``schema.table`` SQL runs in both. A data path on S3 gets DuckDB's S3 secret first, scoped to
that path, in memory only (never DuckDB's persistent secrets, which it stores unencrypted).

File connections use DuckDB's default configuration on purpose: dbt's adapter (row counts)
keeps a read-write connection open in the same process, and DuckDB refuses a second connection
to one file with a different configuration. Other processes (BI tools) read the serving
snapshot, never this file. Connections are closed at once so the file is never held.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from warehouse.extensions import LAKE_EXTENSIONS, S3_EXTENSIONS, install_lake_extensions
from warehouse.settings import Lake, S3Storage, warehouse_lake

LAKE_ALIAS = "lake"
# The catalog database's schema holding DuckLake's tables, named in every attach (ours, dbt's,
# dlt's, whose own default is the lake's name) so that all of them open the same lake.
LAKE_METADATA_SCHEMA = "public"
INLINING_OPTION = "data_inlining_row_limit"
STORAGE_SECRET = "pmo_lake_storage"


class LakeAttachError(RuntimeError):
    """The lake could not be attached; the message names the catalog setting, not its value."""


class PastStateUnavailableError(RuntimeError):
    """The warehouse as of a past time was asked for and cannot be read."""


@contextmanager
def connect(path: Path, as_of: datetime | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse the settings target: the file at ``path``, or the lake;
    with ``as_of``, the lake read-only as its last snapshot at or before that time."""
    lake = warehouse_lake()
    if as_of is not None and lake is None:
        raise PastStateUnavailableError(
            "the warehouse as of a past time needs lake mode (PMO_WAREHOUSE_TARGET=ducklake, "
            "docs/configuration.md): a DuckDB file keeps only its latest state"
        )
    with duckdb.connect(":memory:" if lake else str(path)) as con:
        if lake:
            attach_lake(con, lake, as_of)
        yield con


def attach_lake(con: duckdb.DuckDBPyConnection, lake: Lake, as_of: datetime | None = None) -> None:
    """Attach ``lake`` as ``lake`` and use it: unqualified names resolve in the lake. With
    ``as_of``, its snapshot of that time, read-only (DuckLake's time travel)."""
    install_lake_extensions(con, LAKE_EXTENSIONS + (S3_EXTENSIONS if lake.s3 else ()))
    snapshot = f", snapshot_time {_literal(as_of.isoformat())}" if as_of else ""
    try:
        if lake.s3:
            con.execute(storage_secret_sql(lake.data_path, lake.s3))
        con.execute(
            f"attach {_literal(lake_attach_url(lake))} as {LAKE_ALIAS} "
            f"(data_path {_literal(lake.data_path)}, "
            f"metadata_schema {_literal(LAKE_METADATA_SCHEMA)}{snapshot})"
        )
    except duckdb.InvalidInputException as error:
        if as_of and "No snapshot found" in str(error):
            raise PastStateUnavailableError(
                f"the lake has no snapshot at or before {as_of.isoformat()}: it did not exist "
                "yet, or its snapshots of then were expired (PMO_LAKE_SNAPSHOT_DAYS)"
            ) from None
        raise LakeAttachError(_masked(error, lake)) from None
    except duckdb.Error as error:
        raise LakeAttachError(_masked(error, lake)) from None
    con.execute(f"use {LAKE_ALIAS}")
    if as_of is None:
        _without_inlining(con)


def _masked(error: duckdb.Error, lake: Lake) -> str:
    """DuckDB quotes the whole connection string, password included, in its messages; each
    secret value is replaced by its setting's name."""
    message = str(error)
    for value, name in lake.secrets().items():
        message = message.replace(value, f"<{name}>")
    return message


def storage_secret_sql(data_path: str, s3: S3Storage) -> str:
    """DuckDB's S3 secret for the lake's data path (secret: the statement holds the key): the
    access key when given, else DuckDB's AWS credential chain."""
    if s3.key_id:
        credentials = {"key_id": s3.key_id, "secret": s3.secret, "session_token": s3.session_token}
        provider = "config"
    else:
        credentials, provider = {}, "credential_chain"
    options = {
        **credentials,
        "region": s3.region,
        "endpoint": s3.endpoint_host,
        "url_style": s3.url_style,
        "scope": data_path,
    }
    values = "".join(f", {key} {_literal(value)}" for key, value in options.items() if value)
    return (
        f"create or replace secret {STORAGE_SECRET} (type s3, provider {provider}, "
        f"use_ssl {str(s3.use_ssl).lower()}{values})"
    )


def prepare_lake(lake: Lake) -> None:
    """Get the lake ready for processes that attach it themselves (dlt, dbt): its extensions
    installed for this environment, its catalog created, its options set."""
    with duckdb.connect(":memory:") as con:
        attach_lake(con, lake)


def _without_inlining(con: duckdb.DuckDBPyConnection) -> None:
    """Every table's rows in Parquet files, none inlined into the catalog: DuckLake reserves
    the column name ``row_id`` (a Smartsheet row's id in ``raw_smartsheet``) while inlining is
    on. The option is the catalog's, stored once for every process attaching it."""
    row = con.execute(
        "select value from ducklake_options(?) where option_name = ?",
        [LAKE_ALIAS, INLINING_OPTION],
    ).fetchone()
    if not row or row[0] != "0":
        con.execute(f"call {LAKE_ALIAS}.set_option('{INLINING_OPTION}', 0)")


def lake_attach_url(lake: Lake) -> str:
    """The ATTACH path of a DuckLake with a PostgreSQL catalog (secret: it holds the
    catalog's connection)."""
    return f"ducklake:postgres:{lake.catalog}"


def query(path: Path, sql: str) -> pd.DataFrame:
    """Run a query and return its result."""
    with connect(path) as con:
        return con.sql(sql).df()


def execute(path: Path, sql: str) -> None:
    """Run statements that change the warehouse (the caller runs in the DuckDB pool)."""
    with connect(path) as con:
        con.execute(sql)


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
