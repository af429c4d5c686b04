"""Raw ingestion: the dlt sources as Dagster assets, one per warehouse table.

Asset keys are ``[dataset, table]`` (``raw_jira/issues``), the same keys dbt gives its sources,
so the graph runs straight from each loaded table to the models that read it.

dagster-dlt needs a source object to enumerate the assets when the definitions load, before any
configuration is known. That source is built with empty settings and never runs (no request is
made before extraction); each run builds the real one, whose settings dlt resolves from the
environment and ``.dlt/*.toml`` at that moment.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import dagster as dg
import dlt
from dagster_dlt import DagsterDltResource, DagsterDltTranslator, dlt_assets
from dagster_dlt.translator import DltResourceTranslatorData
from dlt.extract import DltSource

from connectors.jira import jira_source
from connectors.jira.settings import DUCKDB_LOAD_CONFIG
from connectors.smartsheet import smartsheet_source
from connectors.smartsheet.settings import SETTING_NAMES as SMARTSHEET_SETTINGS
from connectors.spreadsheets import spreadsheet_source
from pipelines.defs.freshness import nightly_sla
from pipelines.defs.resources import Warehouse
from pipelines.lake_conflicts import write_conflicts_retried
from pipelines.preflight import jira_configured, smartsheet_configured, spreadsheets_configured
from pipelines.settings import warehouse_pool

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


JIRA_PIPELINE = ("pmo_jira", "raw_jira", DUCKDB_LOAD_CONFIG)
# A run tagged ``pmo/jira_refresh: drop_data`` truncates and reloads the Jira tables in one load
# (the weekly reconciliation); any other run is incremental. Only the Jira load reads it: the
# dbt build after it is the ordinary one.
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
# The sources with empty settings: never run, they declare the assets and the tables' columns.
JIRA_DECLARED = jira_source(base_url=None, email=None, api_token=None, pat=None, projects=None)
SPREADSHEETS_DECLARED = spreadsheet_source(landing_url="", pseudonymisation_key="")
SMARTSHEET_DECLARED = smartsheet_source(access_token=None, pseudonymisation_key=None)
DLT_OWN_COLUMNS = {"_dlt_load_id": "text", "_dlt_id": "text"}


def declared_tables(source: DltSource) -> dict[str, dict[str, str]]:
    """Each table the source's resources declare, with its columns' dlt data types (columns
    declared without a type, like a bare primary key, are text)."""
    tables = {}
    for resource in source.resources.values():
        schema = resource.compute_table_schema()
        columns = {name: c.get("data_type") or "text" for name, c in schema["columns"].items()}
        if columns:
            tables[schema["name"]] = {**columns, **DLT_OWN_COLUMNS}
    return tables


def create_missing_tables(warehouse: Warehouse, dataset: str, source: DltSource) -> list[str]:
    """Create, empty, every table ``source`` declares that the warehouse does not hold yet,
    and add to the tables it holds every declared column they lack.

    Every source is optional: before its first delivery (no workbook landed, Jira not
    configured, a site without boards) its tables exist with their full column contract and
    no rows, so the checks, the models and the marts after them build, empty. The columns
    come from the dlt resources' own declarations (one contract); dlt adopts the tables on
    the source's first real load and adds any column it lacks. A warehouse loaded by an
    older release gets the columns added since then here (null in its old rows): dlt itself
    alters a table only when it writes to it, and an unchanged source file is not read again.
    """
    existing = warehouse.query(
        "select table_name, column_name from information_schema.columns"
        f" where table_schema = '{dataset}'",
    )
    held: dict[str, set[str]] = {}
    for table, column in zip(existing["table_name"], existing["column_name"], strict=True):
        held.setdefault(table, set()).add(column)
    declared = declared_tables(source)
    missing = {t: c for t, c in declared.items() if t not in held}
    lacking = {
        t: {name: kind for name, kind in c.items() if name not in held[t]}
        for t, c in declared.items()
        if t in held
    }
    warehouse.execute(contract_ddl(dataset, missing) + added_columns_ddl(dataset, lacking))
    return sorted(missing)


def added_columns_ddl(dataset: str, tables: dict[str, dict[str, str]]) -> str:
    """DuckDB DDL adding ``tables``' columns (name -> column -> dlt type) to existing tables."""
    return "".join(
        f'alter table "{dataset}"."{table}" add column if not exists '
        f"{_column_ddl(table, name, kind)};\n"
        for table, columns in tables.items()
        for name, kind in columns.items()
    )


@cache
def _duckdb_type_mapper() -> Any:
    """dlt's DuckDB type mapper, built once: it costs ~2 ms and is asked for every column."""
    return dlt.destinations.duckdb().capabilities().get_type_mapper()


def _column_ddl(table: str, name: str, kind: str) -> str:
    """A column's name and the type dlt itself gives it in DuckDB."""
    sql_type = _duckdb_type_mapper().to_destination_type(
        {"name": name, "data_type": kind}, {"name": table}
    )
    return f'"{name}" {sql_type}'


def contract_ddl(dataset: str, tables: dict[str, dict[str, str]]) -> str:
    """DuckDB DDL for empty ``tables`` (name -> column -> dlt type) with the types dlt itself
    gives these columns."""
    statements = [f'create schema if not exists "{dataset}";']
    statements += [
        f'create table if not exists "{dataset}"."{table}" (\n    '
        + ",\n    ".join(_column_ddl(table, name, kind) for name, kind in columns.items())
        + "\n);"
        for table, columns in tables.items()
    ]
    return "\n".join(statements) + "\n"


@dataclass(frozen=True)
class OptionalSource:
    """A source an install may leave out: its dataset, declared tables, and the setting that
    turns it on."""

    dataset: str
    declared: DltSource
    configured: Callable[[], bool]
    setting: str

    def load(
        self, context: dg.AssetExecutionContext, warehouse: Warehouse, run: Callable[[], Any]
    ) -> Iterator[Any]:
        """The dlt load's events then the declared tables it did not create, empty; for a
        source this install does not use, only those tables, and each asset says why."""
        configured = self.configured()
        if configured:
            with write_conflicts_retried(context):
                yield from run()
        created = ", ".join(create_missing_tables(warehouse, self.dataset, self.declared))
        if configured:
            if created:
                context.log.info(f"{self.dataset}: nothing delivered yet for {created}: empty")
            return
        note = f"not configured ({self.setting} is not set): nothing loaded, its tables stay empty"
        context.log.info(f"{self.dataset}: {note}; created {created or 'no table'}")
        for key in sorted(context.selected_asset_keys):
            yield dg.MaterializeResult(
                asset_key=key, metadata={"source": note, "dagster/row_count": 0}
            )


JIRA = OptionalSource(JIRA_PIPELINE[1], JIRA_DECLARED, jira_configured, "SOURCES__JIRA__BASE_URL")
SPREADSHEETS = OptionalSource(
    SPREADSHEETS_PIPELINE[1],
    SPREADSHEETS_DECLARED,
    spreadsheets_configured,
    "SOURCES__SPREADSHEETS__LANDING_URL",
)
SMARTSHEET = OptionalSource(
    "raw_smartsheet",
    SMARTSHEET_DECLARED,
    smartsheet_configured,
    SMARTSHEET_SETTINGS["access_token"],
)
RAW_CONTRACT_HEADER = """\
-- Empty raw tables shaped like the connectors' declared columns, for tests, benchmarks and
-- local development before the connectors have loaded anything. Idempotent. Generated from
-- the dlt resources by transforms/scripts/raw_contract.py: do not edit by hand.
"""


def raw_contract_sql() -> str:
    """Every table the sources declare, empty: the text of transforms/scripts/raw_contract.sql."""
    return RAW_CONTRACT_HEADER + "\n".join(
        contract_ddl(source.dataset, declared_tables(source.declared))
        for source in (JIRA, SPREADSHEETS, SMARTSHEET)
    )


@dlt_assets(
    dlt_source=JIRA_DECLARED,
    dlt_pipeline=Warehouse.configured().dlt_pipeline(*JIRA_PIPELINE),
    name="jira_raw",
    dagster_dlt_translator=RawTableTranslator(system="jira"),
    pool=warehouse_pool(JIRA.dataset),
)
def jira_raw(
    context: dg.AssetExecutionContext, dlt_resource: DagsterDltResource, warehouse: Warehouse
) -> Iterator[Any]:
    """Jira projects, statuses, fields, issues and their complete changelogs, incrementally
    (or reloaded in full when the run is tagged ``pmo/jira_refresh: drop_data``)."""
    yield from JIRA.load(
        context,
        warehouse,
        lambda: dlt_resource.run(
            context=context,
            dlt_source=jira_source(),
            dlt_pipeline=warehouse.dlt_pipeline(*JIRA_PIPELINE),
            **_jira_refresh(context),
        ),
    )


@dlt_assets(
    dlt_source=SPREADSHEETS_DECLARED,
    dlt_pipeline=Warehouse.configured().dlt_pipeline(*SPREADSHEETS_PIPELINE),
    name="spreadsheets_raw",
    dagster_dlt_translator=RawTableTranslator(system="excel"),
    pool=warehouse_pool(SPREADSHEETS.dataset),
)
def spreadsheets_raw(
    context: dg.AssetExecutionContext, dlt_resource: DagsterDltResource, warehouse: Warehouse
) -> Iterator[Any]:
    """PMO surveys, service catalogue, needs, maturity and portfolio registers, with quarantine."""
    yield from SPREADSHEETS.load(
        context,
        warehouse,
        lambda: dlt_resource.run(
            context=context,
            dlt_source=spreadsheet_source(),
            dlt_pipeline=warehouse.dlt_pipeline(*SPREADSHEETS_PIPELINE),
            # Survey answers are many narrow rows: parquet load files are ~60x faster than
            # inserts.
            loader_file_format="parquet",
        ),
    )
