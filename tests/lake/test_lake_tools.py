"""dlt and dbt reach the same lake as the pipeline's own connections, and neither carries the
catalog (a secret) anywhere it would be shown."""

from __future__ import annotations

from warehouse.lake_destination import catalog_credentials

DBT_ARGUMENTS = """
import os
from pipelines.defs.resources import Warehouse
print(Warehouse.configured().dbt_vars())
print(os.environ["PMO_LAKE_CATALOG"] == {catalog!r})
"""


def test_a_conninfo_catalog_becomes_the_url_dlt_attaches() -> None:
    credentials = catalog_credentials("dbname=pmo_lake host=/run/postgresql user=pmo port=5433")
    assert (
        credentials.to_url().render_as_string(hide_password=False)
        == "postgres://pmo@:5433/pmo_lake?host=%2Frun%2Fpostgresql"
    )


def test_a_uri_catalog_keeps_its_password_for_the_attach() -> None:
    credentials = catalog_credentials("postgresql://pmo:pw@db.example.com/pmo_lake")
    assert (
        credentials.to_url().render_as_string(hide_password=False)
        == "postgres://pmo:pw@/pmo_lake?host=db.example.com"
    )


def test_dbt_gets_the_lake_target_and_the_catalog_only_in_its_environment(
    run_in_lake, lake_catalog
) -> None:
    result = run_in_lake(DBT_ARGUMENTS.format(catalog=lake_catalog))
    assert result.returncode == 0, result.stderr
    arguments, catalog_exported = result.stdout.strip().splitlines()
    assert "'--target', 'lake'" in arguments
    assert lake_catalog not in arguments
    assert catalog_exported == "True"


def test_dlt_loads_merges_into_the_lake_the_pipeline_reads(run_in_lake) -> None:
    result = run_in_lake(
        "from pipelines.defs.resources import Warehouse\n"
        "from warehouse.connection import query\n"
        "from warehouse.settings import warehouse_path\n"
        "pipeline = Warehouse.configured().dlt_pipeline('probe', 'raw_probe')\n"
        "rows = [{'id': 1, 'v': 'a'}, {'id': 2, 'v': 'b'}]\n"
        "hints = dict(table_name='t', primary_key='id', write_disposition='merge')\n"
        "pipeline.run(rows, **hints)\n"
        "pipeline.run([{'id': 2, 'v': 'B'}, {'id': 3, 'v': 'c'}], **hints)\n"
        "print(query(warehouse_path(), 'select id, v from raw_probe.t order by id')"
        ".values.tolist())"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[[1, 'a'], [2, 'B'], [3, 'c']]"
