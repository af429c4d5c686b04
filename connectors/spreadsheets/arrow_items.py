"""Raw-table records as pyarrow tables, the items the table resources yield.

dlt writes arrow items straight to load files instead of normalising them row by row, which
made a 100,000-response survey (about a million narrow ``survey_answers`` rows) load slower
than pandas could merely read it. The columns mirror the resource hints exactly, including
dlt's own ``_dlt_load_id`` / ``_dlt_id``, which dlt adds to arrow items only when configured to.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
from dlt.common.normalizers.utils import generate_dlt_ids

from connectors.spreadsheets.parsing import Record
from connectors.spreadsheets.tables import DLT_COLUMNS, RawTable

ARROW_TYPES = {
    "text": pa.string(),
    "bigint": pa.int64(),
    "double": pa.float64(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "bool": pa.bool_(),
}
BATCH_ROWS = 100_000
"""Rows per yielded table: bounds the extra memory of the arrow copy of a large file."""


def arrow_schema(table: RawTable) -> pa.Schema:
    """The table's declared columns, ``NOT NULL`` where the destination column is."""
    required = table.required_columns()
    return pa.schema(
        pa.field(name, ARROW_TYPES[column["data_type"]], nullable=name not in required)
        for name, column in table.hints()["columns"].items()
    )


def arrow_batches(
    table: RawTable, records: list[Record], load_id: str | None
) -> Iterator[pa.Table]:
    """``records`` (a missing key is null) as tables of at most ``BATCH_ROWS`` rows."""
    schema = arrow_schema(table)
    record_fields = [field for field in schema if field.name not in DLT_COLUMNS]
    for start in range(0, len(records), BATCH_ROWS):
        batch = records[start : start + BATCH_ROWS]
        columns = [pa.array([row.get(f.name) for row in batch], f.type) for f in record_fields]
        load_ids = pa.repeat(pa.scalar(load_id, pa.string()), len(batch))
        row_ids = pa.array(generate_dlt_ids(len(batch)), pa.string())
        yield pa.Table.from_arrays([*columns, load_ids, row_ids], schema=schema)
