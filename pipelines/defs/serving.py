"""BI serving: publish the KPI marts as a read-only snapshot, then render the KPI report.

The snapshot depends on every mart and the dimensions BI users join to (read from the dbt
manifest, so new marts are published without touching this file), and on the quarantine
summary. In a run, blocking checks upstream (Great Expectations suites, volume drops, the
quarantine share, dbt tests of severity error) stop it; under declarative automation it only
starts once every upstream blocking check has passed or only warned. And whichever job runs
it (an event-driven run reloads one source and re-checks only that source), it publishes only
when no blocking check upstream failed with ERROR at its latest evaluation, in any run
(``stops_downstream``, the rule automation follows too). When it does not
run, the last good snapshot stays where BI tools read it.
"""

import dagster as dg

import pipelines.defs.quality as quality_checks
from pipelines.defs.automation import FOLLOW_VALID_UPSTREAMS
from pipelines.defs.quality import latest_evaluation, latest_evaluations, stops_downstream
from pipelines.defs.quarantine import QUARANTINE_BY_FILE, quarantine_share_within_limit
from pipelines.defs.resources import DBT_PROJECT, Warehouse
from pipelines.defs.transforms import pmo_dbt_models
from pipelines.settings import SERVING_WRITER, warehouse_pool
from warehouse.publishing.paths import kpi_report_path, parquet_dir, serving_database_path
from warehouse.publishing.snapshot import SERVING_STORAGE_VERSION, publish_snapshot
from warehouse.publishing.tables import load_manifest, serving_tables
from warehouse.report.kpi_report import build_kpi_report

SERVING_GROUP = "serving"
SNAPSHOT_KEY = dg.AssetKey(["serving", "snapshot"])
KPI_REPORT_KEY = dg.AssetKey(["serving", "kpi_report"])
SERVING_TABLES = serving_tables(load_manifest(DBT_PROJECT.manifest_path))


def blocking_checks() -> list[dg.AssetCheckKey]:
    """Every blocking check of the code location; all guard tables the snapshot is built from.

    Listed from the definitions rather than from the run's job, whose graph holds only the
    checks it selected (an event-driven run selects those of the source it reloads).
    """
    guarded = [
        *quality_checks.suite_checks,
        *quality_checks.volume_checks,
        quarantine_share_within_limit,
        pmo_dbt_models,
    ]
    keys = {spec.key for checks in guarded for spec in checks.check_specs if spec.blocking}
    return sorted(keys, key=lambda key: key.to_user_string())


def failing_blocking_checks(instance: dg.DagsterInstance) -> list[str]:
    """Blocking checks whose latest evaluation, in any run, failed with ERROR severity, as
    ``asset:check: what it saw``; a check that never ran has stopped nothing."""
    return [
        f"{key.to_user_string()}: {evaluation.description or 'failed'}"
        for key, evaluation in latest_evaluations(instance, blocking_checks()).items()
        if evaluation and stops_downstream(evaluation)
    ]


@dg.asset(
    key=SNAPSHOT_KEY,
    deps=[
        *(dg.AssetKey([table.source_schema, table.source_table]) for table in SERVING_TABLES),
        QUARANTINE_BY_FILE,
    ],
    group_name=SERVING_GROUP,
    kinds={"duckdb", "parquet"},
    pool=warehouse_pool(SERVING_WRITER),
    automation_condition=FOLLOW_VALID_UPSTREAMS,
)
def serving_snapshot(
    context: dg.AssetExecutionContext, warehouse: Warehouse
) -> dg.MaterializeResult:
    """Read-only DuckDB snapshot (DuckDB 1.x readable) + Parquet + manifest for BI tools."""
    failing = failing_blocking_checks(context.instance)
    if failing:
        raise dg.Failure(
            "not published, the previous snapshot stays: blocking check(s) failed at their "
            "latest evaluation: " + "; ".join(failing),
            metadata={"failing_checks": dg.MetadataValue.json(failing)},
            allow_retries=False,
        )
    publication = publish_snapshot(warehouse.database, SERVING_TABLES, source_run=context.run_id)
    return dg.MaterializeResult(
        metadata={
            "database": dg.MetadataValue.path(str(publication.database)),
            "manifest": dg.MetadataValue.path(str(publication.manifest)),
            "parquet_dir": dg.MetadataValue.path(str(parquet_dir(warehouse.database))),
            "storage_version": SERVING_STORAGE_VERSION,
            "published_at": dg.MetadataValue.timestamp(publication.published_at),
            "tables": len(publication.tables),
            "row_counts": dg.MetadataValue.json(publication.row_counts),
            "dagster/row_count": sum(publication.row_counts.values()),
        }
    )


def data_warnings(instance: dg.DagsterInstance) -> dict[str, str]:
    """Workbook -> warning, from the quarantine check's latest evaluation when it failed but
    only warned (``quality.quarantine_over_limit = warn``): the snapshot was published with
    those rows left out, and the report must say so next to the KPIs they feed."""
    evaluation = latest_evaluation(instance, quarantine_share_within_limit.check_key)
    if evaluation is None or evaluation.passed or stops_downstream(evaluation):
        return {}
    touched = evaluation.metadata.get("workbooks_touched")
    message = f"data warning: {evaluation.description}"
    return {workbook: message for workbook in (touched.value if touched else [])}


@dg.asset(
    key=KPI_REPORT_KEY,
    deps=[SNAPSHOT_KEY],
    group_name=SERVING_GROUP,
    kinds={"plotly", "html"},
    automation_condition=dg.AutomationCondition.eager(),
)
def kpi_report(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    """Self-contained HTML KPI dashboard; headline KPIs as metadata, plotted over time; what
    each section still awaits and which KPIs carry a data warning."""
    report = build_kpi_report(
        serving_database_path(warehouse.database),
        kpi_report_path(warehouse.database),
        data_warnings(context.instance),
    )
    return dg.MaterializeResult(
        metadata={
            "report": dg.MetadataValue.path(str(report.path)),
            "report_url": dg.MetadataValue.url(report.path.as_uri()),
            "quarter": report.quarter or "none",
            "benchmark_class": report.benchmark_class or "none",
            "awaiting": dg.MetadataValue.json(report.awaiting),
            "kpis_with_data_warning": dg.MetadataValue.json(report.warned),
            **{name: dg.MetadataValue.float(value) for name, value in report.headline.items()},
        }
    )
