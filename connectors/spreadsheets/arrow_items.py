"""Raw-table column blocks as pyarrow tables, the items the table resources yield.

dlt writes arrow items straight to load files instead of normalising them row by row, which
made a 100,000-response survey (about a million narrow ``survey_answers`` rows) load slower
than pandas could merely read it. The columns mirror the resource hints exactly, including
dlt's own ``_dlt_load_id`` / ``_dlt_id``, which dlt adds to arrow items only when configured to.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from dlt.common.utils import uniq_id_base64

from connectors.spreadsheets.columns import Columns, Repeated, block_length
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
"""Rows per yielded table: bounds the size of each item dlt writes."""


def arrow_schema(table: RawTable) -> pa.Schema:
    """The table's declared columns, ``NOT NULL`` where the destination column is."""
    required = table.required_columns()
    return pa.schema(
        pa.field(name, ARROW_TYPES[column["data_type"]], nullable=name not in required)
        for name, column in table.hints()["columns"].items()
    )


def arrow_batches(
    table: RawTable, blocks: list[Columns], load_id: str | None
) -> Iterator[pa.Table]:
    """``blocks`` (a column a block lacks is null) as tables of at most ``BATCH_ROWS`` rows."""
    schema = arrow_schema(table)
    record_schema = pa.schema(field for field in schema if field.name not in DLT_COLUMNS)
    tables = [_block_table(block, record_schema) for block in blocks]
    rows = pa.concat_tables(tables) if tables else record_schema.empty_table()
    for start in range(0, rows.num_rows, BATCH_ROWS):
        batch = rows.slice(start, BATCH_ROWS)
        load_ids = pa.repeat(pa.scalar(load_id, pa.string()), batch.num_rows)
        columns = [*batch.columns, load_ids, row_ids(batch.num_rows)]
        yield pa.Table.from_arrays(columns, schema=schema)


def _block_table(block: Columns, schema: pa.Schema) -> pa.Table:
    length = block_length(block)
    return pa.Table.from_arrays(
        [_arrow_column(block.get(field.name, Repeated(None, length)), field) for field in schema],
        schema=schema,
    )


def _arrow_column(values: list[Any] | Repeated, field: pa.Field) -> pa.Array:
    if isinstance(values, Repeated):
        return pa.repeat(pa.scalar(values.value, field.type), values.length)
    return pa.array(values, field.type)


def row_ids(count: int) -> pa.Array:
    """Unique ``_dlt_id`` values: a random prefix per batch plus the row number.

    As unique as dlt's own random ids, at a fraction of the cost of a million of them.
    """
    numbers = pc.cast(pa.array(range(count), pa.int64()), pa.string())
    return pc.binary_join_element_wise(uniq_id_base64(10), numbers, "")
