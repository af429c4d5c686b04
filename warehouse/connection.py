"""Opening the warehouse from inside the pipeline process.

Connections here use DuckDB's default configuration on purpose: dbt's adapter (row counts)
keeps a read-write connection open in the same process, and DuckDB refuses a second connection
to one file with a different configuration. Other processes (BI tools) read the serving
snapshot, never this file. Connections are closed at once so the file is never held.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
import pandas as pd


def read_table(
    path: Path,
    schema: str,
    table: str,
    columns: Sequence[str] | None = None,
    derived: Sequence[tuple[str, str]] = (),
) -> pd.DataFrame:
    """The table (or only ``columns`` of it, plus ``derived`` ``(name, sql)`` expressions) as a
    DataFrame, dlt's bookkeeping columns left out."""
    selected = ", ".join(
        [*(f'"{c}"' for c in columns or ["*"]), *(f'{sql} as "{name}"' for name, sql in derived)]
    ).replace('"*"', "*")
    with duckdb.connect(str(path)) as con:
        frame = con.sql(f'select {selected} from "{schema}"."{table}"').df()
    return frame.drop(columns=[c for c in frame.columns if c.startswith("_dlt_")])


def query(path: Path, sql: str) -> pd.DataFrame:
    """Run a query and return its result."""
    with duckdb.connect(str(path)) as con:
        return con.sql(sql).df()


def execute(path: Path, sql: str) -> None:
    """Run statements that change the warehouse (the caller runs in the DuckDB pool)."""
    with duckdb.connect(str(path)) as con:
        con.execute(sql)
