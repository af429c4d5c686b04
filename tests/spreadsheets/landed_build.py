"""A landing folder loaded by the spreadsheet connector with a real dlt pipeline into a fresh
warehouse, the other sources' raw tables created empty: what the spreadsheet oracles build
their marts from."""

from __future__ import annotations

from pathlib import Path

import dlt
import duckdb

from connectors.spreadsheets import spreadsheet_source
from tests.transforms.conftest import TRANSFORMS_DIR

RAW_CONTRACT = TRANSFORMS_DIR / "scripts" / "raw_contract.sql"


def load_landing(landing: Path, warehouse: Path, pipeline_name: str) -> None:
    """Load ``landing`` into ``warehouse`` (dlt's state beside it) and create the raw tables
    no workbook holds."""
    dlt.pipeline(
        pipeline_name,
        destination=dlt.destinations.duckdb(str(warehouse)),
        dataset_name="raw_spreadsheets",
        pipelines_dir=str(warehouse.parent / "dlt"),
    ).run(spreadsheet_source(landing_url=str(landing), pseudonymisation_key="oracle-key"))
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute(RAW_CONTRACT.read_text())
