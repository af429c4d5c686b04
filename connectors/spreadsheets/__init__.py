"""dlt source for the PMO's spreadsheets: surveys, maturity, catalogue and portfolio registers.

Settings: ``SpreadsheetSettings`` (``settings.py``), resolved by dlt from env, ``config.toml`` or
``secrets.toml``; each is described in docs/configuration.md.

One resource per raw table of docs/raw-tables.md. Plain dlt: no Dagster imports here.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain

import dlt
import pyarrow as pa
from dlt.sources import DltResource

from connectors.spreadsheets.arrow_items import arrow_batches
from connectors.spreadsheets.helpers import BatchPerLoad, LandingBatch
from connectors.spreadsheets.parsing import ParseOptions
from connectors.spreadsheets.readers import ReadLimits
from connectors.spreadsheets.settings import (
    DAY_FIRST,
    DEFAULT_TIMEZONE,
    DELETED_FILES,
    FILE_GLOB,
    MASK_COMMENT_EMAILS,
    MAX_COMPRESSION_RATIO,
    MAX_FILE_BYTES,
    MAX_SHEET_CELLS,
    MAX_UNCOMPRESSED_BYTES,
    REQUIRE_RESPONDENT,
    SpreadsheetSettings,
)
from connectors.spreadsheets.tables import RAW_TABLES, RawTable

__all__ = ["RAW_TABLES", "spreadsheet_source"]


@dlt.source(
    name="spreadsheets", section="spreadsheets", max_table_nesting=0, spec=SpreadsheetSettings
)
def spreadsheet_source(
    landing_url: str = dlt.config.value,
    pseudonymisation_key: str = dlt.secrets.value,
    file_glob: str = FILE_GLOB,
    max_file_bytes: int = MAX_FILE_BYTES,
    max_uncompressed_bytes: int = MAX_UNCOMPRESSED_BYTES,
    max_sheet_cells: int = MAX_SHEET_CELLS,
    default_timezone: str = DEFAULT_TIMEZONE,
    day_first: bool | None = DAY_FIRST,
    require_respondent: bool = REQUIRE_RESPONDENT,
    deleted_files: str = DELETED_FILES,
    mask_comment_emails: bool = MASK_COMMENT_EMAILS,
) -> list[DltResource]:
    """All PMO workbooks under ``landing_url``; unchanged files are skipped by content hash.

    Remote URLs (s3://, gs://, az://) authenticate through fsspec's default credential
    chain (environment, instance profile); install the matching fsspec package.
    """
    batches = BatchPerLoad(
        lambda: LandingBatch(
            landing_url,
            file_glob,
            ReadLimits(
                max_file_bytes, max_uncompressed_bytes, MAX_COMPRESSION_RATIO, max_sheet_cells
            ),
            ParseOptions(
                pseudonymisation_key,
                timezone=default_timezone,
                day_first=day_first,
                require_respondent=require_respondent,
                mask_comment_emails=mask_comment_emails,
            ),
            deleted_files,
        )
    )
    return [_table_resource(batches, table) for table in RAW_TABLES.values()]


def _table_resource(batches: BatchPerLoad, table: RawTable) -> DltResource:
    def rows() -> Iterator[pa.Table]:
        seen = dlt.current.resource_state().setdefault("files", {})
        batch = batches.current()
        for parsed in chain(batch.changed_files(seen), batch.removed_files(seen)):
            blocks = parsed.tables.pop(table.name, [])  # each table's rows are read once
            yield from arrow_batches(table, blocks, batches.load_id)

    return dlt.resource(rows, name=table.name, **table.hints())
