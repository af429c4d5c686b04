"""Raw ingestion: the dlt sources as Dagster assets, one per warehouse table.

Asset keys are ``[dataset, table]`` (``raw_jira/issues``), the same keys dbt gives its sources,
so the graph runs straight from each loaded table to the models that read it.

dagster-dlt needs a source object to enumerate the assets when the definitions load, before any
configuration is known. That source is built with empty settings and never runs (no request is
made before extraction); each run builds the real one, whose settings dlt resolves from the
environment and ``.dlt/*.toml`` at that moment.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import dagster as dg
import dlt
from dagster_dlt import DagsterDltResource, DagsterDltTranslator, dlt_assets
from dagster_dlt.translator import DltResourceTranslatorData
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials

from connectors.jira import jira_source
from connectors.jira.settings import DUCKDB_LOAD_CONFIG
from connectors.spreadsheets import spreadsheet_source
from pipelines.defs.freshness import nightly_sla
from pipelines.settings import DUCKDB_POOL
from warehouse.settings import dlt_pipelines_dir, warehouse_path

INGESTION_GROUP = "ingestion"


@dataclass
class RawTableTranslator(DagsterDltTranslator):
    """Keys each dlt resource as ``[dataset, table]`` in the ingestion group."""

    system: str = "dlt"

    def get_asset_spec(self, data: DltResourceTranslatorData) -> dg.AssetSpec:
        spec = super().get_asset_spec(data)
        return spec.replace_attributes(
            key=dg.AssetKey([data.pipeline.dataset_name, str(data.resource.table_name)]),
            deps=[],
            group_name=INGESTION_GROUP,
            kinds={"dlt", "duckdb", self.system},
            freshness_policy=nightly_sla(),
            description=_resource_doc(data) or f"{self.system} {data.resource.name} (dlt).",
        )


def _resource_doc(data: DltResourceTranslatorData) -> str | None:
    """The resource function's docstring (dagster-dlt finds it only for single-step resources)."""
    function = getattr(data.resource._pipe, "gen", None)  # private, as dagster-dlt reads it
    return getattr(function, "__doc__", None)


def raw_pipeline(
    pipeline_name: str, dataset_name: str, duckdb_config: dict[str, Any] | None = None
) -> dlt.Pipeline:
    """A dlt pipeline into the configured warehouse (resolved when called, not at import),
    with the source's DuckDB settings for the load."""
    path = warehouse_path()
    credentials = DuckDbCredentials(str(path), global_config=duckdb_config)
    return dlt.pipeline(
        pipeline_name=pipeline_name,
        destination=dlt.destinations.duckdb(credentials),
        dataset_name=dataset_name,
        pipelines_dir=str(dlt_pipelines_dir(path)),
    )


JIRA_PIPELINE = ("pmo_jira", "raw_jira", DUCKDB_LOAD_CONFIG)
# A run tagged ``pmo/jira_refresh: drop_data`` truncates and reloads the Jira tables in one load
# (the weekly reconciliation); any other run is incremental.
JIRA_REFRESH_TAG = "pmo/jira_refresh"
JIRA_REFRESH_MODES = ("drop_data",)


def _jira_refresh(context: dg.AssetExecutionContext) -> dict[str, str]:
    """dlt's ``refresh`` argument as the run's tag asks for it, refusing unknown modes."""
    mode = context.run.tags.get(JIRA_REFRESH_TAG)
    if mode is None:
        return {}
    if mode not in JIRA_REFRESH_MODES:
        raise dg.Failure(f"run tag {JIRA_REFRESH_TAG}={mode!r}: use one of {JIRA_REFRESH_MODES}")
    return {"refresh": mode}


SPREADSHEETS_PIPELINE = ("pmo_spreadsheets", "raw_spreadsheets")


@dlt_assets(
    dlt_source=jira_source(base_url=None, email=None, api_token=None, pat=None, projects=None),
    dlt_pipeline=raw_pipeline(*JIRA_PIPELINE),
    name="jira_raw",
    dagster_dlt_translator=RawTableTranslator(system="jira"),
    pool=DUCKDB_POOL,
)
def jira_raw(context: dg.AssetExecutionContext, dlt_resource: DagsterDltResource) -> Iterator[Any]:
    """Jira projects, statuses, fields, issues and their complete changelogs, incrementally
    (or reloaded in full when the run is tagged ``pmo/jira_refresh: drop_data``)."""
    yield from dlt_resource.run(
        context=context,
        dlt_source=jira_source(),
        dlt_pipeline=raw_pipeline(*JIRA_PIPELINE),
        **_jira_refresh(context),
    )


@dlt_assets(
    dlt_source=spreadsheet_source(landing_url="", pseudonymisation_key=""),
    dlt_pipeline=raw_pipeline(*SPREADSHEETS_PIPELINE),
    name="spreadsheets_raw",
    dagster_dlt_translator=RawTableTranslator(system="excel"),
    pool=DUCKDB_POOL,
)
def spreadsheets_raw(
    context: dg.AssetExecutionContext, dlt_resource: DagsterDltResource
) -> Iterator[Any]:
    """PMO surveys, service catalogue, needs, maturity and portfolio registers, with quarantine."""
    yield from dlt_resource.run(
        context=context,
        dlt_source=spreadsheet_source(),
        dlt_pipeline=raw_pipeline(*SPREADSHEETS_PIPELINE),
        # Survey answers are many narrow rows: parquet load files are ~60x faster than inserts.
        loader_file_format="parquet",
    )
