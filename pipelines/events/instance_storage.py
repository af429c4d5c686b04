"""The Dagster instance's SQLite storage, with event writes that do not wait for the disk.

Dagster's SQLite event log opens a new connection for every event it stores and commits it
with SQLite's default ``synchronous=FULL``: each event waits for an fsync of the write-ahead
log, and closing the connection (the last one on the file) checkpoints and fsyncs the database
again. A run stores an event per planned asset, per step, per materialisation and per check:
at a million issues those disk waits were seconds of every webhook's latency.

Here each process keeps one open connection per recently used shard (a run's file, the index)
and commits with ``synchronous=NORMAL``, which SQLite documents as safe in WAL mode (Dagster
creates every shard in WAL mode): a crash of the process loses nothing committed, a power cut
may lose the last events but never corrupts a file. Checkpoints happen as SQLite schedules them.
Everything else (files, layout, schema, run and schedule storage) is Dagster's own, so an
instance written by the stock storage is read by this one and the reverse.

Configured in ``.dagster/dagster.yaml`` (``storage: custom``).
"""

from __future__ import annotations

import contextlib
import os
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as db
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._core.storage.sqlite_storage import (
    DagsterSqliteStorage,
    SqliteStorageConfig,
    _event_logs_directory,
)
from dagster._serdes import ConfigurableClassData

# A run worker writes its run's shard and the index; the daemon and the webserver read many
# runs' shards: connections to the least recently used ones are closed past this many.
OPEN_SHARDS = 8


def _tell_watchers(path: str) -> None:
    """Touch a run's file: the webserver follows a run's events by watching that file, and
    with the connection kept open they stay in its write-ahead log until a checkpoint."""
    with contextlib.suppress(FileNotFoundError):
        os.utime(path)


def _write_without_fsync(connection: Any, _record: Any) -> None:
    connection.execute("pragma synchronous = normal")


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log, with connections kept open and ``synchronous=NORMAL``."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        self._engines: OrderedDict[str, db.engine.Engine] = OrderedDict()
        super().__init__(base_dir, inst_data)

    def _engine(self, shard: str) -> db.engine.Engine:
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        engine = db.create_engine(
            self.conn_string_for_shard(shard),
            pool_size=1,
            max_overflow=4,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
        )
        db.event.listen(engine, "connect", _write_without_fsync)
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        while len(self._engines) > OPEN_SHARDS:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[db.engine.Connection]:
        with self._db_lock, self._engine(shard).connect() as conn, conn.begin():
            yield conn

    def store_event(self, event: EventLogEntry) -> None:
        super().store_event(event)
        _tell_watchers(self.path_for_shard(event.run_id))

    def dispose(self) -> None:
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()
        super().dispose()


class PmoSqliteStorage(DagsterSqliteStorage):
    """Dagster's default SQLite storage under ``base_dir``, with the pooled event log."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        super().__init__(base_dir, inst_data)
        self._event_log_storage = PooledSqliteEventLogStorage(_event_logs_directory(base_dir))

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData, config_value: SqliteStorageConfig
    ) -> PmoSqliteStorage:
        return cls.from_local(inst_data=inst_data, **config_value)
