"""Opening the warehouse from inside the pipeline process, in either target.

File mode opens the DuckDB file. Lake mode (``warehouse.settings.warehouse_lake``) opens an
in-memory DuckDB, attaches the DuckLake as ``lake`` and makes it the default database, so the
same ``schema.table`` SQL runs in both.

File connections use DuckDB's default configuration on purpose: dbt's adapter (row counts)
keeps a read-write connection open in the same process, and DuckDB refuses a second connection
to one file with a different configuration. Other processes (BI tools) read the serving
snapshot, never this file. Connections are closed at once so the file is never held.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd

from warehouse.extensions import install_lake_extensions
from warehouse.settings import Lake, warehouse_lake

LAKE_ALIAS = "lake"


class LakeAttachError(RuntimeError):
    """The lake could not be attached; the message names the catalog setting, not its value."""


@contextmanager
def connect(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse the settings target: the file at ``path``, or the lake."""
    lake = warehouse_lake()
    with duckdb.connect(":memory:" if lake else str(path)) as con:
        if lake:
            attach_lake(con, lake)
        yield con


def attach_lake(con: duckdb.DuckDBPyConnection, lake: Lake) -> None:
    """Attach ``lake`` as ``lake`` and use it: unqualified names resolve in the lake."""
    install_lake_extensions(con)
    try:
        con.execute(
            f"attach {_literal(lake_attach_url(lake))} as {LAKE_ALIAS} "
            f"(data_path {_literal(lake.data_path)})"
        )
    except duckdb.Error as error:
        # DuckDB quotes the whole connection string, password included, in its message.
        masked = str(error).replace(lake.catalog, "<PMO_LAKE_CATALOG>")
        raise LakeAttachError(masked) from None
    con.execute(f"use {LAKE_ALIAS}")


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
