"""Publish the marts as a read-only serving snapshot that BI tools can always open.

DuckDB allows one writer process per file, so BI tools never open the working warehouse. Each
publish writes a complete new DuckDB file in the serving folder, in a storage format that
DuckDB 1.x drivers read, closes it and renames it over ``serving/pmo.duckdb``. The rename is
atomic on POSIX: a reader that opened the old file keeps reading the old snapshot until it
reconnects, a new reader gets the new one, nobody sees a half-written file. Parquet files (one
per table) and ``manifest.json`` follow; the manifest is replaced last and describes them.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from warehouse.serving_paths import (
    parquet_dir,
    serving_database_path,
    serving_dir,
    serving_manifest_path,
)
from warehouse.serving_tables import ServingTable, kpi_catalogue_rows

# The oldest storage format that keeps comments and every type the marts use: DuckDB >= 1.0
# (the version bundled by current Metabase, Superset, ODBC and JDBC drivers) opens it.
SERVING_STORAGE_VERSION = "v1.0.0"
SERVING_ALIAS = "serving"
# Types that old drivers map badly: 128-bit integers (sums of integers) and JSON (an extension
# type that needs the json extension loaded).
BI_TYPE_CASTS = {"HUGEINT": "BIGINT", "UHUGEINT": "BIGINT", "JSON": "VARCHAR"}
KPI_CATALOGUE = "kpi_catalogue"
PUBLISH_INFO = "publish_info"


@dataclass(frozen=True)
class PublishedTable:
    """One table of a published snapshot."""

    name: str
    kind: str
    rows: int
    columns: list[dict[str, str]]


@dataclass(frozen=True)
class Publication:
    """What one publish wrote."""

    database: Path
    manifest: Path
    published_at: datetime
    source_run: str
    tables: list[PublishedTable]

    @property
    def row_counts(self) -> dict[str, int]:
        return {table.name: table.rows for table in self.tables}


def publish_snapshot(
    warehouse: Path, tables: Sequence[ServingTable], source_run: str
) -> Publication:
    """Copy ``tables`` from ``warehouse`` into a new serving snapshot and swap it in."""
    target = serving_database_path(warehouse)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.{uuid.uuid4().hex}.publishing")
    published_at = datetime.now(UTC)
    try:
        with duckdb.connect(str(warehouse)) as con:
            con.execute(
                f"attach '{staging}' as {SERVING_ALIAS} "
                f"(storage_version '{SERVING_STORAGE_VERSION}')"
            )
            try:
                for table in tables:
                    _copy_table(con, table)
                _write_kpi_catalogue(con, tables)
                _write_publish_info(con, published_at, source_run)
                published = _describe(con, tables)
                _write_parquet(con, warehouse, published)
            finally:
                con.execute(f"detach {SERVING_ALIAS}")
        _durable_replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)
        staging.with_name(f"{staging.name}.wal").unlink(missing_ok=True)
    manifest = _write_manifest(warehouse, published, published_at, source_run)
    return Publication(target, manifest, published_at, source_run, published)


def _copy_table(con: duckdb.DuckDBPyConnection, table: ServingTable) -> None:
    columns = con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where database_name = current_database() and schema_name = ? and table_name = ? "
        "order by column_index",
        [table.source_schema, table.source_table],
    ).fetchall()
    if not columns:
        raise LookupError(f"{table.source_schema}.{table.source_table} is not in the warehouse")
    select = ", ".join(_bi_column(name, data_type) for name, data_type in columns)
    con.execute(
        f"create table {_serving(table.name)} as "
        f'select {select} from "{table.source_schema}"."{table.source_table}"'
    )
    _comment(con, f"table {_serving(table.name)}", table.description)
    for name, _ in columns:
        description = table.column_descriptions.get(name, "")
        _comment(con, f'column {_serving(table.name)}."{name}"', description)


def _bi_column(name: str, data_type: str) -> str:
    cast = BI_TYPE_CASTS.get(data_type)
    return f'"{name}"::{cast} as "{name}"' if cast else f'"{name}"'


def _write_kpi_catalogue(con: duckdb.DuckDBPyConnection, tables: Sequence[ServingTable]) -> None:
    rows = pa.Table.from_pylist(kpi_catalogue_rows(list(tables)))
    con.register("kpi_catalogue_rows", rows)
    con.execute(f"create table {_serving(KPI_CATALOGUE)} as select * from kpi_catalogue_rows")
    con.unregister("kpi_catalogue_rows")
    _comment(
        con,
        f"table {_serving(KPI_CATALOGUE)}",
        "One row per KPI table of this snapshot: the KPI, its grain, formula, source and "
        "caveats, from the dbt docs (docs/kpis.md).",
    )


def _write_publish_info(
    con: duckdb.DuckDBPyConnection, published_at: datetime, source_run: str
) -> None:
    """Row counts per table with the publish time and run: freshness and a consistency check."""
    names = [
        row[0]
        for row in con.execute(
            "select table_name from duckdb_tables() where database_name = ? order by table_name",
            [SERVING_ALIAS],
        ).fetchall()
    ]
    counts = " union all ".join(
        f"select '{name}' as table_name, count(*) as row_count from {_serving(name)}"
        for name in names
    )
    con.execute(
        f"create table {_serving(PUBLISH_INFO)} as "
        "select table_name, row_count, ?::timestamptz as published_at, ? as source_run "
        f"from ({counts})",
        [published_at, source_run],
    )
    _comment(
        con,
        f"table {_serving(PUBLISH_INFO)}",
        "When this snapshot was published, by which pipeline run, and each table's row count.",
    )


def _describe(
    con: duckdb.DuckDBPyConnection, tables: Sequence[ServingTable]
) -> list[PublishedTable]:
    kinds = {table.name: table.kind for table in tables}
    kinds |= {KPI_CATALOGUE: "catalogue", PUBLISH_INFO: "catalogue"}
    counts = dict(
        con.execute(f"select table_name, row_count from {_serving(PUBLISH_INFO)}").fetchall()
    )
    counts[PUBLISH_INFO] = len(counts)
    columns = con.execute(
        "select table_name, column_name, data_type, coalesce(comment, '') "
        "from duckdb_columns() where database_name = ? order by table_name, column_index",
        [SERVING_ALIAS],
    ).fetchall()
    return [
        PublishedTable(
            name=name,
            kind=kind,
            rows=int(counts[name]),
            columns=[
                {"name": column, "type": data_type, "description": comment}
                for table, column, data_type, comment in columns
                if table == name
            ],
        )
        for name, kind in kinds.items()
    ]


def _write_parquet(
    con: duckdb.DuckDBPyConnection, warehouse: Path, tables: Sequence[PublishedTable]
) -> None:
    """One Parquet file per table, each swapped in by rename; stale files removed."""
    folder = parquet_dir(warehouse)
    folder.mkdir(parents=True, exist_ok=True)
    for table in tables:
        staging = folder / f".{table.name}.parquet.publishing"
        con.execute(f"copy {_serving(table.name)} to '{staging}' (format parquet)")
        os.replace(staging, folder / f"{table.name}.parquet")
    current = {f"{table.name}.parquet" for table in tables}
    for stale in folder.glob("*.parquet"):
        if stale.name not in current:
            stale.unlink()


def _write_manifest(
    warehouse: Path, tables: Sequence[PublishedTable], published_at: datetime, source_run: str
) -> Path:
    manifest = serving_manifest_path(warehouse)
    folder = serving_dir(warehouse)
    document = {
        "published_at": published_at.isoformat(),
        "source_run": source_run,
        "database": serving_database_path(warehouse).name,
        "storage_version": SERVING_STORAGE_VERSION,
        "tables": [
            {
                "name": table.name,
                "kind": table.kind,
                "rows": table.rows,
                "parquet": (parquet_dir(warehouse) / f"{table.name}.parquet")
                .relative_to(folder)
                .as_posix(),
                "columns": table.columns,
            }
            for table in tables
        ],
    }
    staging = manifest.with_name(f".{manifest.name}.publishing")
    staging.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    os.replace(staging, manifest)
    return manifest


def _durable_replace(source: Path, target: Path) -> None:
    """Flush ``source`` to disk, then rename it over ``target`` and flush the folder entry."""
    with source.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(source, target)
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def _serving(name: str) -> str:
    return f'{SERVING_ALIAS}.main."{name}"'


def _comment(con: duckdb.DuckDBPyConnection, target: str, text: str) -> None:
    if text:
        quoted = text.replace("'", "''")
        con.execute(f"comment on {target} is '{quoted}'")
