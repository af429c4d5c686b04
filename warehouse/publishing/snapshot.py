"""Publish the marts as a read-only serving snapshot that BI tools can always open.

DuckDB allows one writer process per file, so BI tools never open the working warehouse. Each
publish writes a complete release (a DuckDB file in a storage format that DuckDB 1.x drivers
read, one Parquet file per table and ``manifest.json``) into a hidden folder under
``serving/releases/``, flushes it to disk and renames the folder to its release name. Only then
does one atomic rename of a symlink switch ``serving/current`` to it: the snapshot, its Parquet
files and the manifest change together, and a publish that fails on the way (a full disk, a
crash) leaves the previous release whole and current. The stable paths BI tools open
(``serving/pmo.duckdb``, ``serving/parquet/``, ``serving/manifest.json``) are relative
symlinks through ``current``: a reader that opened the old file keeps reading it (an open file
outlives its unlinking), a new reader gets the new release.

Publishes of one serving folder take turns under a lock on ``releases/`` that the kernel drops
when its holder dies; so whatever a publish finds staged there was left by a writer that is
gone (a killed run) and is removed, with the release before the current one.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from warehouse.connection import connect
from warehouse.publishing.paths import (
    CURRENT_LINK_NAME,
    MANIFEST_NAME,
    PARQUET_DIR_NAME,
    RELEASE_ENTRIES,
    RELEASES_DIR_NAME,
    SERVING_DATABASE_NAME,
    serving_dir,
)
from warehouse.publishing.tables import ServingTable, kpi_catalogue_rows

# The oldest storage format that keeps comments and every type the marts use: DuckDB >= 1.0
# (the version bundled by current Metabase, Superset, ODBC and JDBC drivers) opens it.
SERVING_STORAGE_VERSION = "v1.0.0"
SERVING_ALIAS = "serving"
# Types that old drivers map badly: 128-bit integers (sums of integers) and JSON (an extension
# type that needs the json extension loaded).
BI_TYPE_CASTS = {"HUGEINT": "BIGINT", "UHUGEINT": "BIGINT", "JSON": "VARCHAR"}
KPI_CATALOGUE = "kpi_catalogue"
PUBLISH_INFO = "publish_info"
STAGING_SUFFIX = ".publishing"
# Staging names of the single-file layout before releases (a run killed before the upgrade).
LEGACY_STAGING = (
    f".{SERVING_DATABASE_NAME}.*{STAGING_SUFFIX}*",
    f".{MANIFEST_NAME}{STAGING_SUFFIX}",
)
PUBLISH_LOCK_TIMEOUT_SECONDS = 600.0
LOCK_POLL_SECONDS = 0.1

logger = logging.getLogger(__name__)


class PublishInProgressError(RuntimeError):
    """Another live process is publishing into the same serving folder."""


@dataclass(frozen=True)
class PublishedTable:
    """One table of a published snapshot."""

    name: str
    kind: str
    rows: int
    columns: list[dict[str, str]]


@dataclass(frozen=True)
class Provenance:
    """Where a release's rows come from: the run that published them and when, and the past
    time of the lake they were read at (``None``: the warehouse as it is)."""

    published_at: datetime
    source_run: str
    as_of: datetime | None = None


@dataclass(frozen=True)
class Publication:
    """What one publish wrote, and what it removed that interrupted publishes had left."""

    database: Path
    manifest: Path
    published_at: datetime
    source_run: str
    tables: list[PublishedTable]
    release: Path
    removed: list[str] = field(default_factory=list)
    """Names of what interrupted publishes had left in the serving folder."""

    @property
    def row_counts(self) -> dict[str, int]:
        return {table.name: table.rows for table in self.tables}


def publish_snapshot(
    warehouse: Path,
    tables: Sequence[ServingTable],
    source_run: str,
    as_of: datetime | None = None,
    folder: Path | None = None,
) -> Publication:
    """Copy ``tables`` from ``warehouse`` into a new release of the serving ``folder`` (by
    default the one beside the warehouse, where BI tools look) and make it the current one.
    With ``as_of``, the tables as the lake held them then (a quarter's close): lake mode only."""
    folder = folder or serving_dir(warehouse)
    releases = folder / RELEASES_DIR_NAME
    releases.mkdir(parents=True, exist_ok=True)
    published_at = datetime.now(UTC)
    release = releases / f"{published_at:%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex[:8]}"
    staging = _staging(release)
    provenance = Provenance(published_at, source_run, as_of)
    with _publish_lock(releases):
        removed = _remove_leftovers(folder)
        try:
            staging.mkdir()
            published = _write_release(warehouse, tables, release, provenance)
            os.rename(staging, release)
            _fsync_folder(releases)
            _switch_current(folder, release)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            if _live_release(folder) != release:
                shutil.rmtree(release, ignore_errors=True)
            raise
        _link_stable_paths(folder)
    return Publication(
        folder / SERVING_DATABASE_NAME,
        folder / MANIFEST_NAME,
        published_at,
        source_run,
        published,
        release,
        removed,
    )


def _staging(release: Path) -> Path:
    """Where ``release`` is written before it is renamed to its name."""
    return release.with_name(f".{release.name}{STAGING_SUFFIX}")


def _write_release(
    warehouse: Path, tables: Sequence[ServingTable], release: Path, provenance: Provenance
) -> list[PublishedTable]:
    """The snapshot, its Parquet files and the manifest in ``release``'s staging folder,
    flushed to disk."""
    folder = _staging(release)
    with connect(warehouse, provenance.as_of) as con:
        con.execute(
            f"attach {_literal(folder / SERVING_DATABASE_NAME)} as {SERVING_ALIAS} "
            f"(storage_version '{SERVING_STORAGE_VERSION}')"
        )
        try:
            with _one_commit(con):
                for table in tables:
                    _copy_table(con, table)
                _write_kpi_catalogue(con, tables)
                _write_publish_info(con, provenance)
            published = _describe(con, tables)
            _write_parquet(con, folder / PARQUET_DIR_NAME, published)
        finally:
            con.execute(f"detach {SERVING_ALIAS}")  # checkpoints: fails on a full disk
    _write_manifest(folder, release.name, published, provenance)
    _fsync_tree(folder)
    return published


@contextmanager
def _one_commit(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """The block's statements committed together: the tables and their ~400 comments, each of
    which, committed alone, flushed DuckDB's write-ahead log (half the publish at 1M issues).
    A full disk fails a statement or the commit ("Failed to commit: ... No space left"); the
    transaction is then rolled back, else the detach after it would fail too and report an
    aborted transaction instead of the disk."""
    con.begin()
    try:
        yield
        con.commit()
    except BaseException:
        with suppress(duckdb.Error):
            con.rollback()
        raise


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


def _write_publish_info(con: duckdb.DuckDBPyConnection, provenance: Provenance) -> None:
    """Row counts per table with the publish time and run: freshness and a consistency check;
    ``as_of``, the past time of the warehouse the rows are from (null: its latest state)."""
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
        "select table_name, row_count, ?::timestamptz as published_at, ? as source_run, "
        f"?::timestamptz as as_of from ({counts})",
        [provenance.published_at, provenance.source_run, provenance.as_of],
    )
    _comment(
        con,
        f"table {_serving(PUBLISH_INFO)}",
        "When this snapshot was published, by which pipeline run, each table's row count, and "
        "the past time of the warehouse it shows (as_of; null: the warehouse as it was then).",
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
    con: duckdb.DuckDBPyConnection, folder: Path, tables: Sequence[PublishedTable]
) -> None:
    """One Parquet file per table."""
    folder.mkdir()
    for table in tables:
        con.execute(
            f"copy {_serving(table.name)} to {_literal(folder / f'{table.name}.parquet')} "
            "(format parquet)"
        )


def _write_manifest(
    folder: Path,
    release: str,
    tables: Sequence[PublishedTable],
    provenance: Provenance,
) -> None:
    """Paths in the manifest are relative to it: they hold in the release and through the
    stable paths alike; ``release`` names the folder to pin for reads across several files."""
    document = {
        "published_at": provenance.published_at.isoformat(),
        "source_run": provenance.source_run,
        "as_of": provenance.as_of.isoformat() if provenance.as_of else None,
        "release": f"{RELEASES_DIR_NAME}/{release}",
        "database": SERVING_DATABASE_NAME,
        "storage_version": SERVING_STORAGE_VERSION,
        "tables": [
            {
                "name": table.name,
                "kind": table.kind,
                "rows": table.rows,
                "parquet": f"{PARQUET_DIR_NAME}/{table.name}.parquet",
                "columns": table.columns,
            }
            for table in tables
        ],
    }
    (folder / MANIFEST_NAME).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


@contextmanager
def _publish_lock(releases: Path) -> Iterator[None]:
    """Hold the serving folder's publish lock (a ``flock`` on ``releases/``, dropped by the
    kernel when the holder dies, so a killed run never blocks the next publish)."""
    handle = os.open(releases, os.O_RDONLY)
    try:
        deadline = time.monotonic() + PUBLISH_LOCK_TIMEOUT_SECONDS
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise PublishInProgressError(
                        f"another process is still publishing into {releases.parent}"
                    ) from None
                time.sleep(LOCK_POLL_SECONDS)
        yield
    finally:
        os.close(handle)


def _remove_leftovers(folder: Path) -> list[str]:
    """Remove what no live writer owns (the caller holds the publish lock): releases other
    than the current one, staging folders of killed publishes and the single-file layout's
    staging files. Returns the names of what interrupted publishes had left."""
    live = _live_release(folder)
    stale = [path for path in (folder / RELEASES_DIR_NAME).iterdir() if path != live]
    stale += [path for pattern in LEGACY_STAGING for path in folder.glob(pattern)]
    stale += list(folder.glob(".*.link"))  # links _replace_with_link had not renamed yet
    legacy_parquet = folder / PARQUET_DIR_NAME
    if legacy_parquet.is_dir() and not legacy_parquet.is_symlink():
        stale += list(legacy_parquet.glob(f".*{STAGING_SUFFIX}"))
    for path in stale:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    interrupted = [p.name for p in stale if p.name.startswith(".")]
    if interrupted:
        logger.warning("removed what interrupted publishes left: %s", ", ".join(interrupted))
    return interrupted


def _live_release(folder: Path) -> Path | None:
    link = folder / CURRENT_LINK_NAME
    return folder / RELEASES_DIR_NAME / Path(os.readlink(link)).name if link.is_symlink() else None


def _switch_current(folder: Path, release: Path) -> None:
    """Point ``current`` at ``release`` with one atomic rename of a new symlink over it."""
    _replace_with_link(folder / CURRENT_LINK_NAME, Path(RELEASES_DIR_NAME) / release.name)


def _link_stable_paths(folder: Path) -> None:
    """Make the paths BI tools open symlinks through ``current`` (once; also replaces the
    files of the single-file layout)."""
    for name in RELEASE_ENTRIES:
        path, target = folder / name, Path(CURRENT_LINK_NAME) / name
        if not (path.is_symlink() and Path(os.readlink(path)) == target):
            _replace_with_link(path, target)


def _replace_with_link(path: Path, target: Path) -> None:
    """Atomically make ``path`` a symlink to ``target``; a real folder there (the old
    ``parquet/``) is moved aside first, as rename cannot replace a folder by a link."""
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.link")
    temporary.symlink_to(target)
    try:
        if path.is_dir() and not path.is_symlink():
            aside = path.parent / RELEASES_DIR_NAME / f".{path.name}.{uuid.uuid4().hex}.old"
            os.rename(path, aside)
            shutil.rmtree(aside)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_folder(path.parent)


def _fsync_tree(folder: Path) -> None:
    """Flush every file under ``folder``, then the folders' entries."""
    for root, _, files in os.walk(folder, topdown=False):
        for name in files:
            with open(os.path.join(root, name), "rb") as handle:
                os.fsync(handle.fileno())
        _fsync_folder(Path(root))


def _fsync_folder(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _literal(path: Path) -> str:
    """A path as an SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


def _serving(name: str) -> str:
    return f'{SERVING_ALIAS}.main."{name}"'


def _comment(con: duckdb.DuckDBPyConnection, target: str, text: str) -> None:
    if text:
        quoted = text.replace("'", "''")
        con.execute(f"comment on {target} is '{quoted}'")
