"""KPI headlines and column types as Dagster shows them: the end-to-end run's latest
materialisations read through Dagster's GraphQL, and the declarations in the marts' yml."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest
from dagster._core.workspace.context import WorkspaceProcessContext
from dagster._core.workspace.load_target import EmptyWorkspaceTarget
from dagster_graphql.test.utils import execute_dagster_graphql

from pipelines.defs.headlines import (
    MISSING_KEY,
    NO_ROWS,
    BuiltModel,
    built_model_metadata,
    declared_headlines,
    is_kpi_mart,
)
from pipelines.defs.resources import DBT_PROJECT, Warehouse
from warehouse.publishing.paths import kpi_report_path

LATEST_MATERIALIZATIONS = """
query LatestMaterializations {
  assetsOrError {
    ... on AssetConnection {
      nodes {
        key { path }
        assetMaterializations(limit: 1) {
          metadataEntries {
            label
            ... on FloatMetadataEntry { floatValue }
            ... on UrlMetadataEntry { url }
            ... on TextMetadataEntry { text }
            ... on TableSchemaMetadataEntry { schema { columns { name type description } } }
          }
        }
      }
    }
  }
}
"""
MARTS_SCHEMA = "marts"
SCORECARD = f"{MARTS_SCHEMA}/mart_pmo_value_scorecard_quarterly"


def manifest_nodes() -> list[dict[str, Any]]:
    """The models of the manifest the code location loads."""
    nodes = json.loads(DBT_PROJECT.manifest_path.read_text())["nodes"].values()
    return [node for node in nodes if node["resource_type"] == "model"]


def kpi_marts() -> list[dict[str, Any]]:
    return [node for node in manifest_nodes() if is_kpi_mart(node)]


def asset_key(node: dict[str, Any]) -> str:
    return f"{node['schema']}/{node['name']}"


def marts_on_disk(recorded: dg.DagsterInstance, run_id: str, root: Path) -> dg.DagsterInstance:
    """A persistent instance holding the marts' materialisations ``recorded`` (in memory) holds
    of a run: Dagster's GraphQL serves only instances another process could open, and the
    end-to-end run stays in memory (on disk it takes far longer)."""
    instance = dg.DagsterInstance.local_temp(str(root))
    materializations = recorded.get_records_for_run(
        run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION, limit=100_000
    )
    for record in materializations.records:
        if record.asset_key and record.asset_key.path[0] == MARTS_SCHEMA:
            instance.store_event(record.event_log_entry)
    return instance


@pytest.fixture(scope="module")
def latest(pipeline_run, tmp_path_factory) -> dict[str, dict[str, dict[str, Any]]]:
    """Mart asset key -> metadata label -> entry, of each mart's latest materialisation, as
    Dagster's GraphQL serves them after the end-to-end run."""
    run_id = pipeline_run.second.run_id
    instance = marts_on_disk(pipeline_run.instance, run_id, tmp_path_factory.mktemp("dagster"))
    with WorkspaceProcessContext(instance, EmptyWorkspaceTarget()) as workspace:
        result = execute_dagster_graphql(
            workspace.create_request_context(), LATEST_MATERIALIZATIONS
        )
    return {
        "/".join(node["key"]["path"]): {
            entry["label"]: entry for entry in node["assetMaterializations"][0]["metadataEntries"]
        }
        for node in result.data["assetsOrError"]["nodes"]
        if node["assetMaterializations"]
    }


def test_every_kpi_mart_declares_a_headline() -> None:
    undeclared = [node["name"] for node in kpi_marts() if not declared_headlines(node)]
    assert not undeclared, f"KPI marts without meta.headlines in their yml: {undeclared}"


def test_every_kpi_marts_latest_materialisation_carries_its_headlines_as_floats(latest) -> None:
    assert kpi_marts()
    for node in kpi_marts():
        entries = latest[asset_key(node)]
        floats = [label for label, entry in entries.items() if "floatValue" in entry]
        declared = declared_headlines(node)
        why = entries.get(MISSING_KEY, {}).get("text")
        assert any(headline.names(label) for headline in declared for label in floats), (
            f"{node['name']}: no float headline ({why})"
        )


def test_a_headline_is_the_marts_own_number_for_its_latest_period(latest, pipeline_run) -> None:
    with duckdb.connect(str(pipeline_run.warehouse), read_only=True) as con:
        (composite,) = con.execute(
            "select composite_score from marts.mart_pmo_value_scorecard_quarterly "
            "order by quarter_start desc limit 1"
        ).fetchone()
    assert latest[SCORECARD]["composite_score"]["floatValue"] == pytest.approx(composite)


def test_every_mart_shows_its_column_types_and_descriptions(latest) -> None:
    marts = [node for node in manifest_nodes() if node["schema"] == MARTS_SCHEMA]
    assert marts
    for node in marts:
        schema = latest[asset_key(node)]["dagster/column_schema"]["schema"]
        columns = {column["name"]: column for column in schema["columns"]}
        assert all(column["type"] not in ("", "?") for column in columns.values()), node["name"]
        assert {name: columns.get(name, {}).get("description") for name in node["columns"]} == {
            name: column["description"] or None for name, column in node["columns"].items()
        }


def test_the_scorecard_links_the_kpi_report(latest, pipeline_run) -> None:
    url = latest[SCORECARD]["kpi_report"]["url"]
    assert url == kpi_report_path(pipeline_run.warehouse).as_uri()
    assert kpi_report_path(pipeline_run.warehouse).is_file()


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    """A warehouse with one KPI mart, empty until a test adds rows."""
    warehouse = Warehouse(path=str(tmp_path / "pmo.duckdb"))
    warehouse.execute(
        "create schema marts; "
        "create table marts.mart_example "
        "(month_start date, project_key varchar, issues_done integer, nps double)"
    )
    return warehouse


def example_mart(warehouse: Warehouse) -> BuiltModel:
    (rows,) = warehouse.row_counts({"mart": ("marts", "mart_example")}).values()
    headlines = [
        {"name": "months", "sql": "count(*)"},
        {"name": "issues_done", "sql": "sum(issues_done)", "latest": "month_start"},
        {"name": "nps", "sql": "max(nps)", "latest": "month_start"},
        {"name": "project_issues", "sql": "sum(issues_done)", "by": "project_key"},
    ]
    node = {"resource_type": "model", "name": "mart_example", "columns": {}}
    node["meta"] = {"kpi": "Example", "headlines": headlines}
    return BuiltModel(relation=("marts", "mart_example"), node=node, rows=rows)


def headline_metadata(warehouse: Warehouse, rows: str | None = None) -> dict[str, Any]:
    """The example mart's metadata once ``rows`` (SQL values) are in it."""
    if rows:
        warehouse.execute(f"insert into marts.mart_example values {rows}")
    metadata = built_model_metadata(
        dg.build_asset_context(), warehouse, {"mart": example_mart(warehouse)}
    )
    return metadata["mart"]


def test_an_empty_mart_has_no_headline_and_says_why(warehouse: Warehouse) -> None:
    metadata = headline_metadata(warehouse)
    assert not [value for value in metadata.values() if isinstance(value, dg.FloatMetadataValue)]
    assert NO_ROWS in metadata[MISSING_KEY]


def test_a_null_headline_is_left_out_and_named(warehouse: Warehouse) -> None:
    metadata = headline_metadata(
        warehouse, "('2026-08-01', 'A', 3, 10), ('2026-09-01', 'A', 4, null)"
    )
    assert metadata["months"] == dg.MetadataValue.float(2.0)
    assert metadata["issues_done"] == dg.MetadataValue.float(4.0)
    assert "nps" not in metadata
    assert metadata[MISSING_KEY].startswith("nps:")


def test_a_headline_by_project_gives_each_project_its_number(warehouse: Warehouse) -> None:
    metadata = headline_metadata(
        warehouse,
        "('2026-09-01', 'A', 3, 10), ('2026-09-01', 'B', 4, 20), ('2026-08-01', 'B', 1, 0)",
    )
    assert metadata["project_issues/A"] == dg.MetadataValue.float(3.0)
    assert metadata["project_issues/B"] == dg.MetadataValue.float(5.0)
    assert "project_issues" not in metadata


def test_a_malformed_declaration_names_the_mart() -> None:
    node = {"name": "mart_example", "meta": {"headlines": [{"name": "Bad Name", "sql": "1"}]}}
    with pytest.raises(ValueError, match="mart_example"):
        declared_headlines(node)


def built_models_metadata(pipeline_run) -> dict[str, dict[str, Any]]:
    """Model name -> metadata of its materialisation in the end-to-end run's second run."""
    records = pipeline_run.instance.get_records_for_run(
        pipeline_run.second.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION, limit=10_000
    ).records
    return {
        record.asset_key.path[-1]: record.event_log_entry.asset_materialization.metadata
        for record in records
    }


def models_materialised_as(materialized: str) -> list[str]:
    nodes = manifest_nodes()
    return [node["name"] for node in nodes if node["config"]["materialized"] == materialized]


def test_a_built_tables_materialisation_carries_its_row_count(pipeline_run) -> None:
    built = built_models_metadata(pipeline_run)
    tables = [name for name in models_materialised_as("table") if name in built]
    assert tables
    assert all("dagster/row_count" in built[name] for name in tables)


def test_a_built_view_is_not_counted(pipeline_run) -> None:
    """Counting a view runs its query over the whole history, in every run."""
    built = built_models_metadata(pipeline_run)
    views = [name for name in models_materialised_as("view") if name in built]
    assert views
    assert not any("dagster/row_count" in built[name] for name in views)
