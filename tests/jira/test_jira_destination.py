"""The production Jira pipeline loads with the DuckDB settings the benchmark measures."""

from pathlib import Path

from connectors.jira.settings import DUCKDB_LOAD_CONFIG
from pipelines.defs.ingestion import JIRA_PIPELINE
from pipelines.defs.resources import Warehouse


def test_the_jira_warehouse_connection_carries_the_load_settings(tmp_path: Path) -> None:
    warehouse = Warehouse(path=str(tmp_path / "warehouse.duckdb"))
    with warehouse.dlt_pipeline(*JIRA_PIPELINE).sql_client() as client:
        for setting, value in DUCKDB_LOAD_CONFIG.items():
            assert client.execute_sql(f"select current_setting('{setting}')") == [(value,)]
