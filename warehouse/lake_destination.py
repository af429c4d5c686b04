"""dlt's ``ducklake`` destination and dbt's environment on the lake the settings name.

dlt's own DuckLake client splits a merge into MERGE (update and insert) and a separate DELETE,
the only forms DuckLake accepts, and attaches the lake on every connection it opens; its
extensions autoload from where ``prepare_lake`` installed them (never the network). A data path
on S3 reaches dlt with its credentials, from which dlt creates the same S3 secret on each of its
connections, and reaches dbt through its environment.
"""

from __future__ import annotations

import os
from typing import Any

import dlt
from dlt.common.configuration.specs import AwsCredentials
from dlt.common.configuration.specs.connection_string_credentials import (
    ConnectionStringCredentials,
)
from dlt.common.storages.configuration import FilesystemConfiguration
from dlt.destinations.impl.ducklake.configuration import DuckLakeCredentials
from psycopg2.extensions import parse_dsn

from warehouse.connection import LAKE_ALIAS, LAKE_METADATA_SCHEMA, prepare_lake
from warehouse.settings import Lake, S3Storage

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
        storage=storage_configuration(lake),
    )
    return dlt.destinations.ducklake(credentials=credentials)


def storage_configuration(lake: Lake) -> str | FilesystemConfiguration:
    """The data path as dlt's storage: with its S3 credentials when on S3 (none given: dlt
    finds them through botocore's chain and hands DuckDB its credential chain)."""
    if lake.s3 is None:
        return lake.data_path
    return FilesystemConfiguration(bucket_url=lake.data_path, credentials=_aws(lake.s3))


def _aws(s3: S3Storage) -> AwsCredentials:
    credentials = AwsCredentials()
    credentials.aws_access_key_id = s3.key_id
    credentials.aws_secret_access_key = s3.secret
    credentials.aws_session_token = s3.session_token
    credentials.region_name = s3.region
    credentials.endpoint_url = s3.endpoint
    credentials.s3_url_style = s3.url_style
    return credentials


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
    """Export the catalog as ``PMO_LAKE_CATALOG``, and an S3 data path's settings, for the dbt
    processes this one starts (``transforms/profiles.yml`` reads them there: on dbt's command
    line they would be in every process listing and run log), the lake prepared for dbt's own
    attach. Settings read from ``.dlt/secrets.toml`` reach dbt this way too."""
    prepare_lake(lake)
    os.environ[CATALOG_ENV] = lake.catalog
    if lake.s3:
        os.environ.update(_s3_environment(lake.s3))


def _s3_environment(s3: S3Storage) -> dict[str, str]:
    """The S3 settings that are set, under the names ``transforms/profiles.yml`` reads."""
    named = {
        "AWS_ACCESS_KEY_ID": s3.key_id,
        "AWS_SECRET_ACCESS_KEY": s3.secret,
        "AWS_SESSION_TOKEN": s3.session_token,
        "AWS_REGION": s3.region,
        "PMO_LAKE_S3_ENDPOINT": s3.endpoint,
    }
    return {name: value for name, value in named.items() if value}
