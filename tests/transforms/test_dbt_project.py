"""The dbt project as a whole: builds green on sandbox data, lands models in their layer's
schema, tests every KPI formula and documents every mart column down to DuckDB comments."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import TRANSFORMS_DIR

TEST_RESOURCES = ("test", "unit_test")


def mart_nodes(manifest: dict) -> list[dict]:
    """The manifest nodes of the mart models."""
    return [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "marts"
    ]


def test_build_runs_every_model_and_test_without_failure(sandbox_warehouse):
    statuses = {result["status"] for result in sandbox_warehouse.run_results["results"]}
    assert statuses <= {"success", "pass"}


def test_every_mart_has_a_unit_test_of_its_formula(sandbox_warehouse):
    manifest = sandbox_warehouse.manifest
    tested = {test["model"] for test in manifest["unit_tests"].values()}
    untested = {node["name"] for node in mart_nodes(manifest)} - tested
    assert untested == set()


def test_every_mart_key_has_a_uniqueness_test(sandbox_warehouse):
    manifest = sandbox_warehouse.manifest
    tested = {
        node["attached_node"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test"
        and node["test_metadata"]["name"]
        in ("unique", "unique_combination_of_columns", "valid_rows")
    }
    unkeyed = {node["unique_id"] for node in mart_nodes(manifest)} - tested
    assert unkeyed == set()


# Views over the incremental Jira history tables: they keep the live issues (and the transitions
# join the status dimension, the lifecycle computes the var-dependent bug flag) on every read, so
# a deleted issue, a recategorised status or a var change applies at once without rebuilding the
# history.
VIEWS_OVER_THE_STATUS_HISTORY = {
    "int_jira__status_transitions",
    "int_jira__status_intervals",
    "int_jira__issue_lifecycle",
}


def test_models_land_in_their_layer_schema_without_prefix(sandbox_warehouse):
    relations = sandbox_warehouse.query(
        "select table_schema, table_name, table_type from information_schema.tables "
        "where table_schema in ('staging', 'intermediate', 'marts') "
        "or table_schema like 'main_%'"
    )
    expected = {"stg_": ("staging", "VIEW"), "int_": ("intermediate", "BASE TABLE")}
    expected["mart"] = ("marts", "BASE TABLE")
    for row in relations.itertuples():
        layer = expected[row.table_name[:4]]
        if row.table_name in VIEWS_OVER_THE_STATUS_HISTORY:
            layer = ("intermediate", "VIEW")
        assert (row.table_schema, row.table_type) == layer, row


def test_mart_column_descriptions_reach_duckdb_comments(sandbox_warehouse):
    undocumented = sandbox_warehouse.query(
        "select table_name, column_name from duckdb_columns() "
        "where schema_name = 'marts' and coalesce(comment, '') = ''"
    )
    assert undocumented.empty, undocumented


def test_dbt_run_by_hand_sends_no_usage_statistics(tmp_path):
    """dagster-dbt turns dbt's usage events off for Dagster runs; the project does for
    everyone else (dbt by hand, the benchmarks)."""
    environment = {k: v for k, v in os.environ.items() if k != "DBT_SEND_ANONYMOUS_USAGE_STATS"}
    environment["PMO_WAREHOUSE_PATH"] = str(tmp_path / "pmo.duckdb")
    target = tmp_path / "target"
    dbt = Path(sys.executable).with_name("dbt")
    parse = [str(dbt), "parse", "--quiet", "--target-path", str(target)]
    subprocess.run(parse, cwd=TRANSFORMS_DIR, env=environment, check=True)
    metadata = json.loads((target / "manifest.json").read_text())["metadata"]
    assert metadata["send_anonymous_usage_stats"] is False
