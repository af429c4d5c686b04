"""Opening the warehouse from inside the pipeline process.

Connections here use DuckDB's default configuration on purpose: dbt's adapter (row counts)
keeps a read-write connection open in the same process, and DuckDB refuses a second connection
to one file with a different configuration. Other processes (BI tools) read the serving
snapshot, never this file. Connections are closed at once so the file is never held.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd


def query(path: Path, sql: str) -> pd.DataFrame:
    """Run a query and return its result."""
    with duckdb.connect(str(path)) as con:
        return con.sql(sql).df()


def execute(path: Path, sql: str) -> None:
    """Run statements that change the warehouse (the caller runs in the DuckDB pool)."""
    with duckdb.connect(str(path)) as con:
        con.execute(sql)
