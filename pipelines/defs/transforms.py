"""The dbt project as Dagster assets: staging, intermediate and KPI marts, dbt tests as checks."""

import os
import shutil
import sysconfig
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from pipelines.defs.automation import all_deps_blocking_checks_hold
from pipelines.defs.freshness import nightly_sla
from pipelines.settings import DUCKDB_POOL
from warehouse.connection import query
from warehouse.settings import REPO_ROOT, export_warehouse_path, warehouse_path

export_warehouse_path()


def put_interpreter_scripts_on_path() -> None:
    """Run this interpreter's ``dbt``, whatever PATH the ``pmo`` command was started with.

    cron, systemd and container entrypoints run ``.venv/bin/pmo`` without the venv on PATH,
    and dagster-dbt looks ``dbt`` up on PATH, both for its resource and for preparing the
    manifest. The interpreter's scripts folder goes first, so the dbt matching the installed
    dbt-core and dagster-dbt is used rather than another one found on PATH.
    """
    scripts = sysconfig.get_path("scripts")
    path = os.environ.get("PATH", "").split(os.pathsep)
    if path[:1] != [scripts]:
        os.environ["PATH"] = os.pathsep.join([scripts, *path])


put_interpreter_scripts_on_path()

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
PARTIAL_PARSE = "partial_parse.msgpack"

# Follow upstream updates, but never build on a table whose blocking checks failed with ERROR.
FOLLOW_VALID_UPSTREAMS = (
    dg.AutomationCondition.eager() & all_deps_blocking_checks_hold()
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


# Unit tests check the SQL, not the data: `make test` runs them (tests/transforms), production
# runs skip their ~5 s per build.
BUILD_ARGS = ["build", "--exclude-resource-type", "unit_test"]



def _row_counts(context: dg.AssetExecutionContext, events: list[Any]) -> dict[str, int]:
    """Row counts of the built relations, in one query once dbt has exited.

    Counted here rather than with dagster-dbt's ``fetch_row_counts``, whose in-process dbt
    adapter keeps a DuckDB connection open with another configuration than ours, and only
    once dbt has exited: its process holds the warehouse's write lock while it runs.
    """
    relations = {
        event.output_name: context.asset_key_for_output(event.output_name).path[-2:]
        for event in events
        if isinstance(event, dg.Output)
    }
    if not relations:
        return {}
    counts = " union all ".join(
        f'select \'{output}\' as output, count(*) as n from "{schema}"."{table}"'
        for output, (schema, table) in relations.items()
    )
    frame = query(warehouse_path(), counts)
    return dict(zip(frame["output"], frame["n"].astype(int), strict=True))


def _with_row_count(event: Any, counts: Mapping[str, int]) -> Any:
    """A model's output with its row count (Dagster plots ``dagster/row_count`` over time)."""
    if not isinstance(event, dg.Output) or event.output_name not in counts:
        return event
    return event.with_metadata({**event.metadata, "dagster/row_count": counts[event.output_name]})


def _keep_partial_parse(run_target: Path) -> None:
    """Hand this run's parse state to the next run.

    dagster-dbt gives every run its own target folder, seeded with the project's
    ``partial_parse.msgpack``; dbt re-parses everything when that file was written for another
    profile (another warehouse path), ~4 s per run. Copying the run's file back, atomically,
    lets later runs on the same warehouse parse only what changed.
    """
    produced = run_target / PARTIAL_PARSE
    if not produced.exists():
        return
    kept = DBT_PROJECT.project_dir / DBT_PROJECT.target_path / PARTIAL_PARSE
    staged = kept.with_name(f".{PARTIAL_PARSE}.{os.getpid()}")
    shutil.copyfile(produced, staged)
    os.replace(staged, kept)


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
    invocation = dbt.cli(BUILD_ARGS, context=context)
    events = list(invocation.stream())
    _keep_partial_parse(invocation.target_path)
    counts = _row_counts(context, events)
    for event in events:
        yield _with_row_count(event, counts)
