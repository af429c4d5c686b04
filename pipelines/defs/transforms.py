"""The dbt project as Dagster assets: staging, intermediate and KPI marts, dbt tests as checks."""

from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from pipelines.defs.freshness import nightly_sla
from pipelines.settings import DUCKDB_POOL
from warehouse.connection import query
from warehouse.settings import REPO_ROOT, export_warehouse_path, warehouse_path

export_warehouse_path()

DBT_PROJECT = DbtProject(
    project_dir=REPO_ROOT / "transforms", profiles_dir=REPO_ROOT / "transforms"
)


def _manifest_is_stale(project: DbtProject) -> bool:
    """True when a model, macro or setting changed after the manifest was written."""
    if not project.manifest_path.exists():
        return True
    built = project.manifest_path.stat().st_mtime
    sources = [project.project_dir / d for d in ("models", "macros", "seeds", "tests")]
    files = [f for d in sources if d.exists() for f in d.rglob("*") if f.is_file()]
    files.append(project.project_dir / "dbt_project.yml")
    return any(f.stat().st_mtime > built for f in files)


if _manifest_is_stale(DBT_PROJECT):
    DBT_PROJECT.preparer.prepare(DBT_PROJECT)


MARTS_GROUP = "kpi_marts"

# Follow upstream updates, but never build on a table whose blocking checks failed.
FOLLOW_VALID_UPSTREAMS = (
    dg.AutomationCondition.eager() & dg.AutomationCondition.all_deps_blocking_checks_passed()
).with_label("eager_after_blocking_checks")


class PmoDbtTranslator(DagsterDbtTranslator):
    """Groups models by layer, follows valid upstreams, holds marts to the nightly SLA."""

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        if spec.group_name == MARTS_GROUP:
            return spec.replace_attributes(freshness_policy=nightly_sla())
        return spec

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        layer = fqn[1] if len(fqn) > 2 else None
        return {"staging": "staging", "intermediate": "intermediate", "marts": MARTS_GROUP}.get(
            layer or "", "transforms"
        )

    def get_automation_condition(
        self, dbt_resource_props: Mapping[str, Any]
    ) -> dg.AutomationCondition | None:
        return FOLLOW_VALID_UPSTREAMS


def _with_row_count(context: dg.AssetExecutionContext, event: Any) -> Any:
    """Add the relation's row count to a model's output.

    Counted here rather than with dagster-dbt's ``fetch_row_counts``, whose in-process dbt
    adapter keeps a DuckDB connection open with another configuration than ours, and only
    once dbt has exited: its process holds the warehouse's write lock while it runs.
    """
    if not isinstance(event, dg.Output):
        return event
    schema, table = context.asset_key_for_output(event.output_name).path[-2:]
    rows = query(warehouse_path(), f'select count(*) as n from "{schema}"."{table}"')["n"][0]
    return event.with_metadata({**event.metadata, "dagster/row_count": int(rows)})


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    project=DBT_PROJECT,
    dagster_dbt_translator=PmoDbtTranslator(
        settings=DagsterDbtTranslatorSettings(enable_source_tests_as_checks=True)
    ),
    pool=DUCKDB_POOL,
)
def pmo_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    """Build the dbt models and run their tests (reported as asset checks) with row counts."""
    events = list(dbt.cli(["build"], context=context).stream())
    for event in events:
        yield _with_row_count(context, event)
