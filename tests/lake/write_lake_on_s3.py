"""Writes the lake the settings name, as the pipeline does, and prints what it reads back (one
JSON line): a table through the pipeline's connection, rows through dlt's ducklake destination
(``warehouse/lake_destination.py``). Run by lake mode's interpreter with dlt's working folder
as its argument (``written_lake_on_s3`` in ``tests/lake/conftest.py``)."""

from __future__ import annotations

import json
import sys

import dlt

from warehouse.connection import execute, query
from warehouse.lake_destination import lake_destination
from warehouse.settings import warehouse_lake, warehouse_path

if __name__ == "__main__":
    execute(warehouse_path(), "create schema marts; create table marts.t as select 42 as answer")
    dlt.pipeline(
        pipeline_name="s3_probe",
        destination=lake_destination(warehouse_lake()),
        dataset_name="raw_probe",
        pipelines_dir=sys.argv[1],
    ).run([{"id": 1}, {"id": 2}, {"id": 3}], table_name="items")
    read = {
        "answer": query(warehouse_path(), "select answer from marts.t")["answer"].tolist(),
        "ids": query(warehouse_path(), "select id from raw_probe.items order by id")["id"].tolist(),
    }
    print(json.dumps(read))
