"""The dbt project as Dagster assets: staging, intermediate and KPI marts, dbt tests as checks."""

import json
import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliInvocation,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from pipelines.defs.automation import FOLLOW_VALID_UPSTREAMS
from pipelines.defs.freshness import nightly_sla
from pipelines.defs.headlines import BuiltModel, built_model_metadata, declared_headlines
from pipelines.defs.resources import DBT_PROJECT, DBT_TARGET_DIR, Warehouse
from pipelines.housekeeping import FAILED_MARKER
from pipelines.lake_conflicts import write_conflicts_retried
from pipelines.settings import DBT_WRITER, warehouse_pool
from warehouse.publishing.paths import kpi_report_path

MARTS_GROUP = "kpi_marts"
# Built in a step of their own (pipelines/defs/quarantine.py): they read only the landing, so
# the quarantine stays visible while a Jira check holds back the other models.
QUALITY_MODELS = "path:models/quality"
PARTIAL_PARSE = "partial_parse.msgpack"
# dbt's event saying why it parses the whole project rather than what changed.
FULL_PARSE_EVENT = "UnableToPartialParse"
# A failed dbt invocation's target folder is marked with FAILED_MARKER and kept, the newest few.
FAILED_FOLDERS_KEPT = 5
# Its materialisation links the HTML KPI report, which headlines the scorecard.
SCORECARD_MODEL = "mart_pmo_value_scorecard_quarterly"


class PmoDbtTranslator(DagsterDbtTranslator):
    """Groups models by layer, follows valid upstreams, holds marts to the nightly SLA."""

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        if spec.group_name == MARTS_GROUP:
            # A malformed headline declaration stops the code location loading, naming the
            # mart, rather than the nightly run after dbt has built it.
            declared_headlines(manifest["nodes"][unique_id])
            return spec.replace_attributes(freshness_policy=self._marts_freshness)
        return spec

    @cached_property
    def _marts_freshness(self) -> dg.FreshnessPolicy:
        """Read once: dagster-dbt asks for a mart's spec several times per code-location load
        (every run worker loads it), and each read resolves the dlt configuration again."""
        return nightly_sla()

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


def _built_models(
    context: dg.AssetExecutionContext,
    warehouse: Warehouse,
    manifest: Mapping[str, Any],
    events: list[Any],
) -> dict[str, BuiltModel]:
    """The models this run built, by output name, with the row counts of the tables among
    them in one query.

    Counted here rather than with dagster-dbt's ``fetch_row_counts``, whose in-process dbt
    adapter keeps a DuckDB connection open with another configuration than ours, and only
    once dbt has exited: its process holds the warehouse's write lock while it runs. Views are
    not counted: counting one runs its query (the status transitions over the whole
    changelog), seconds of every run for a figure nobody reads from a view.
    """
    outputs = [event for event in events if isinstance(event, dg.Output)]
    nodes = {
        event.output_name: manifest["nodes"][event.metadata["unique_id"].value] for event in outputs
    }
    relations = {name: tuple(context.asset_key_for_output(name).path[-2:]) for name in nodes}
    counts = warehouse.row_counts(
        {name: relations[name] for name, node in nodes.items() if not _is_view(node)}
    )
    return {
        name: BuiltModel(relation=relations[name], node=node, rows=counts.get(name))
        for name, node in nodes.items()
    }


def _is_view(node: Mapping[str, Any]) -> bool:
    return node.get("config", {}).get("materialized") == "view"


def _with_metadata(event: Any, metadata: Mapping[str, Mapping[str, Any]]) -> Any:
    """A model's output with its row count, column types and headlines (Dagster plots the
    numbers over time)."""
    if not isinstance(event, dg.Output) or event.output_name not in metadata:
        return event
    return event.with_metadata({**event.metadata, **metadata[event.output_name]})


def _kpi_report_link(warehouse: Warehouse) -> dict[str, dg.MetadataValue]:
    """Where the HTML KPI report of this warehouse is published (the serving step renders it
    from the scorecard after this run's snapshot)."""
    report = kpi_report_path(warehouse.database)
    return {
        "kpi_report": dg.MetadataValue.url(report.as_uri()),
        "kpi_report_path": dg.MetadataValue.path(str(report)),
    }


def _keep_partial_parse(run_target: Path) -> None:
    """Hand this run's parse state to the next run.

    dagster-dbt gives every run its own target folder, seeded with the project's
    ``partial_parse.msgpack``; dbt re-parses everything when that file was written with other
    variables (another warehouse path, ``Warehouse.dbt_vars``). Copying the run's file back,
    atomically, lets later runs on the same warehouse parse only what changed.
    """
    produced = run_target / PARTIAL_PARSE
    if not produced.exists():
        return
    kept = DBT_TARGET_DIR / PARTIAL_PARSE
    staged = kept.with_name(f".{PARTIAL_PARSE}.{os.getpid()}")
    shutil.copyfile(produced, staged)
    os.replace(staged, kept)


def _full_parse_reasons(run_target: Path) -> list[str]:
    """Why dbt parsed the whole project in this run, from its log (none: it parsed what
    changed). A full parse costs the run seconds of CPU (see ``_keep_partial_parse``)."""
    log = run_target / "dbt.log"
    if not log.exists():
        return []
    with log.open() as lines:
        events = [json.loads(line) for line in lines if FULL_PARSE_EVENT in line]
    return [
        event["data"]["reason"] for event in events if event["info"]["name"] == FULL_PARSE_EVENT
    ]


@contextmanager
def run_folder_removed(invocation: DbtCliInvocation) -> Iterator[DbtCliInvocation]:
    """The dbt invocation, its target folder removed once the block ends, unless it failed.

    dagster-dbt gives every invocation a folder of its own under ``transforms/target`` (the
    seeded parse state, ``dbt.log``, compiled SQL, 2-16 MB) and never removes it: a deployment
    running on events filled its disk. Nothing reads it once the events are streamed: dbt's
    lines are in the run's compute log. A failed invocation's folder stays
    (``keep_failed_folder``): dagster-dbt's error sends the operator to its ``dbt.log``. Only
    this invocation's folder goes; another run's, maybe still being written, stays.
    """
    try:
        yield invocation
    except BaseException:
        keep_failed_folder(invocation.target_path)
        raise
    shutil.rmtree(invocation.target_path, ignore_errors=True)


def keep_failed_folder(run_target: Path) -> None:
    """Mark a failed invocation's folder kept, and remove the kept folders beside it but the
    ``FAILED_FOLDERS_KEPT`` newest: failures repeating on every event stay a few megabytes."""
    if not run_target.is_dir():
        return
    (run_target / FAILED_MARKER).touch()
    kept = sorted(
        (
            (marked_at(marker), marker.parent)
            for marker in run_target.parent.glob(f"*/{FAILED_MARKER}")
        ),
        reverse=True,
    )
    for _, folder in kept[FAILED_FOLDERS_KEPT:]:
        shutil.rmtree(folder, ignore_errors=True)


def marked_at(marker: Path) -> float:
    """When a folder was marked failed (0 if another process has just removed it)."""
    try:
        return marker.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def dbt_build(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse
) -> tuple[DbtCliInvocation, list[Any]]:
    """``dbt build`` of the asset's selection on ``warehouse``: the invocation and its events,
    its parse state handed to the next run and its target folder removed."""
    with (
        write_conflicts_retried(context),
        run_folder_removed(
            dbt.cli([*BUILD_ARGS, *warehouse.dbt_vars()], context=context)
        ) as invocation,
    ):
        events = list(invocation.stream())
        _keep_partial_parse(invocation.target_path)
        for reason in _full_parse_reasons(invocation.target_path):
            context.log.info(f"dbt parsed the whole project: {reason}")
    return invocation, events


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    project=DBT_PROJECT,
    exclude=QUALITY_MODELS,
    dagster_dbt_translator=PmoDbtTranslator(
        settings=DagsterDbtTranslatorSettings(enable_source_tests_as_checks=True)
    ),
    pool=warehouse_pool(DBT_WRITER),
)
def pmo_dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse
) -> Iterator[Any]:
    """Build the dbt models and run their tests (reported as asset checks); each model's
    materialisation carries its column types, a table's its row count and, for a KPI mart,
    its headlines."""
    invocation, events = dbt_build(context, dbt, warehouse)
    built = _built_models(context, warehouse, invocation.manifest, events)
    metadata = built_model_metadata(context, warehouse, built)
    for output_name, model in built.items():
        if model.node["name"] == SCORECARD_MODEL:
            metadata[output_name].update(_kpi_report_link(warehouse))
    for event in events:
        yield _with_metadata(event, metadata)
