"""Writes the lake the settings name, as the pipeline does, and prints what it reads back (one
JSON line): a table through the pipeline's connection, rows through its dlt pipeline. Run by
lake mode's interpreter (``written_lake_on_s3`` in ``tests/lake/conftest.py``)."""

from __future__ import annotations

import json

from pipelines.defs.resources import Warehouse
from warehouse.connection import execute, query
from warehouse.settings import warehouse_path

if __name__ == "__main__":
    execute(warehouse_path(), "create schema marts; create table marts.t as select 42 as answer")
    Warehouse.configured().dlt_pipeline("s3_probe", "raw_probe").run(
        [{"id": 1}, {"id": 2}, {"id": 3}], table_name="items"
    )
    read = {
        "answer": query(warehouse_path(), "select answer from marts.t")["answer"].tolist(),
        "ids": query(warehouse_path(), "select id from raw_probe.items order by id")["id"].tolist(),
    }
    print(json.dumps(read))
