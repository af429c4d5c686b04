"""dlt's ``ducklake`` destination and dbt's environment on the lake the settings name.

dlt's own DuckLake client splits a merge into MERGE (update and insert) and a separate DELETE,
the only forms DuckLake accepts, and attaches the lake on every connection it opens; its
extensions autoload from where ``prepare_lake`` installed them (never the network).
"""

from __future__ import annotations

import os
from typing import Any

import dlt
from dlt.common.configuration.specs.connection_string_credentials import (
    ConnectionStringCredentials,
)
from dlt.destinations.impl.ducklake.configuration import DuckLakeCredentials
from psycopg2.extensions import parse_dsn

from warehouse.connection import LAKE_ALIAS, LAKE_METADATA_SCHEMA, prepare_lake
from warehouse.settings import Lake

# libpq's keywords that have a place of their own in a URL; every other one (host too, which
# may be a socket folder) goes to its query string, where libpq reads it back.
CATALOG_ENV = "PMO_LAKE_CATALOG"
URL_FIELDS = {"user": "username", "password": "password", "dbname": "database", "port": "port"}


def lake_destination(lake: Lake) -> Any:
    """dlt's ducklake destination on ``lake``, the lake prepared for dlt's own attach."""
    prepare_lake(lake)
    credentials = DuckLakeCredentials(
        ducklake_name=LAKE_ALIAS,
        metadata_schema=LAKE_METADATA_SCHEMA,
        catalog=catalog_credentials(lake.catalog),
        storage=lake.data_path,
    )
    return dlt.destinations.ducklake(credentials=credentials)


def catalog_credentials(catalog: str) -> ConnectionStringCredentials:
    """The catalog setting (a libpq conninfo or URI) as the credentials dlt renders into the
    attach URL."""
    fields = parse_dsn(catalog)
    native: dict[str, Any] = {"drivername": "postgres"}
    query = {}
    for key, value in fields.items():
        if key in URL_FIELDS:
            native[URL_FIELDS[key]] = int(value) if key == "port" else value
        else:
            query[key] = value
    native["query"] = query
    return ConnectionStringCredentials(native)


def lake_environment(lake: Lake) -> None:
    """Export the catalog as ``PMO_LAKE_CATALOG`` for the dbt processes this one starts
    (``transforms/profiles.yml`` reads it there: on dbt's command line it would be in every
    process listing and run log), the lake prepared for dbt's own attach."""
    prepare_lake(lake)
    os.environ[CATALOG_ENV] = lake.catalog
