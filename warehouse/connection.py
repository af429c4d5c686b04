"""Opening the warehouse: readers read a table into pandas without holding the file open."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd


def read_table(path: Path, schema: str, table: str) -> pd.DataFrame:
    """The whole table as a DataFrame, dlt's bookkeeping columns left out."""
    with duckdb.connect(str(path), read_only=True) as con:
        frame = con.sql(f'select * from "{schema}"."{table}"').df()
    return frame.drop(columns=[c for c in frame.columns if c.startswith("_dlt_")])


def query(path: Path, sql: str) -> pd.DataFrame:
    """Run a read-only query and return its result."""
    with duckdb.connect(str(path), read_only=True) as con:
        return con.sql(sql).df()
