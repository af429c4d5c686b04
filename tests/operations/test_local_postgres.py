"""The test PostgreSQL server comes from a package and gives each test a database of its own."""

from __future__ import annotations

import psycopg2

from sandbox.postgres import create_database


def test_a_created_database_accepts_connections_and_starts_empty(postgres) -> None:
    uri = create_database(postgres, "smoke")
    with psycopg2.connect(uri) as connection, connection.cursor() as cursor:
        cursor.execute(
            "select count(*) from information_schema.tables where table_schema = 'public'"
        )
        assert cursor.fetchone() == (0,)


def test_creating_a_database_again_starts_it_empty(postgres) -> None:
    uri = create_database(postgres, "again")
    with psycopg2.connect(uri) as connection, connection.cursor() as cursor:
        cursor.execute("create table kept (id int)")
    uri = create_database(postgres, "again")
    with psycopg2.connect(uri) as connection, connection.cursor() as cursor:
        cursor.execute("select count(*) from information_schema.tables where table_name = 'kept'")
        assert cursor.fetchone() == (0,)
