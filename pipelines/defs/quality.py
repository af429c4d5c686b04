"""Great Expectations suites and volume watches as asset checks.

A failed ``critical`` expectation gives an ERROR check, which is blocking: downstream assets
in the run are skipped, and declarative automation waits for it to pass. ``warning`` failures
and volume anomalies are WARN checks that never block, except a survey or register table that
shrinks beyond the limit (``quality.volume_drop``, blocking by default). A table nothing has
been delivered to yet passes and says so. Data Docs (HTML) are rebuilt beside the warehouse on
every validation, once the run's steps are done (``DataDocs``), and linked from the check's
metadata.
"""

from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
from dagster._core.storage.asset_check_execution_record import (
    COMPLETED_ASSET_CHECK_EXECUTION_RECORD_STATUSES as COMPLETED_STATUSES,
)

from connectors.gc_pause import gc_paused
from connectors.smartsheet.settings import SmartsheetSettings
from pipelines.defs.resources import DataDocs, Warehouse
from pipelines.preflight import jira_configured, spreadsheets_configured
from pipelines.settings import schema_writer, warehouse_pool
from quality.settings import BLOCK, quality_settings
from quality.tables import RAW_JIRA, RAW_SHEETS, RAW_SMARTSHEET, TABLE_SUITES, TableSuite
from quality.volume import VolumeChange

if TYPE_CHECKING:
    from quality.validate import ValidationSummary

CHECK_AUTOMATION = dg.AutomationCondition.eager()
# A run executes its ready steps by priority: a check that blocks nothing runs once the marts
# and the snapshot after them are done, so it never delays the KPIs it cannot hold back.
NON_BLOCKING_STEP_TAGS = {"dagster/priority": "-1"}


def quality_project_root(warehouse: Path) -> Path:
    """Great Expectations' file context (results, Data Docs) beside the warehouse file."""
    return warehouse.parent / "quality" / warehouse.stem


def nothing_delivered(schema: str) -> str:
    """Why a table has no rows yet, as the checks on it report it."""
    if schema == RAW_SHEETS:
        return "nothing landed yet" + ("" if spreadsheets_configured() else " (not configured)")
    if schema == RAW_JIRA:
        return "nothing loaded from Jira yet" + ("" if jira_configured() else " (not configured)")
    if schema == RAW_SMARTSHEET:
        configured = SmartsheetSettings.from_config().in_use
        return "nothing loaded from Smartsheet yet" + ("" if configured else " (not configured)")
    return "no rows yet: its sources have delivered nothing it counts"


def _suite_result(summary: "ValidationSummary", schema: str) -> dg.AssetCheckResult:
    if summary.rows == 0 and not summary.failures:
        return dg.AssetCheckResult(
            passed=True,
            description=nothing_delivered(schema),
            metadata={"suite": summary.suite, "rows": 0, "nothing_delivered": True},
        )
    metadata: dict[str, object] = {
        "suite": summary.suite,
        "rows": summary.rows,
        "expectations_evaluated": summary.evaluated,
        "expectations_failed": len(summary.failures),
        "failures": dg.MetadataValue.json([f.as_metadata() for f in summary.failures]),
    }
    if summary.docs_index:
        metadata["data_docs"] = dg.MetadataValue.path(str(summary.docs_index))
    blocking = bool(summary.blocking_failures)
    return dg.AssetCheckResult(
        passed=not summary.failures,
        severity=dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN,
        description="; ".join(f.describe() for f in summary.failures) or "all expectations hold",
        metadata=metadata,
    )


def build_suite_check(suite: TableSuite) -> dg.AssetChecksDefinition:
    """One blocking asset check that runs ``suite`` on its table."""

    @dg.asset_check(
        asset=dg.AssetKey([suite.schema, suite.table]),
        name=f"gx_{suite.table}",
        description=suite.description,
        blocking=True,
        additional_deps=[dg.AssetKey(list(table)) for table in suite.reads],
        automation_condition=CHECK_AUTOMATION,
        pool=warehouse_pool(schema_writer(suite.schema)),
    )
    def _suite_check(warehouse: Warehouse, data_docs: DataDocs) -> dg.AssetCheckResult:
        # Great Expectations, slow to import, is loaded by the first check that runs, not by
        # every code-location load; without collections walking the loaded code location.
        with gc_paused():
            from quality.validate import validate_table

        path = warehouse.database
        summary = validate_table(
            path, suite, quality_project_root(path), defer_docs=data_docs.defer
        )
        return _suite_result(summary, suite.schema)

    return _suite_check


def latest_evaluation(
    instance: dg.DagsterInstance, key: dg.AssetCheckKey
) -> dg.AssetCheckEvaluation | None:
    """The check's last completed evaluation in any run, if it ever completed one."""
    history = instance.event_log_storage.get_asset_check_execution_history(
        key, limit=1, status=COMPLETED_STATUSES
    )
    return next((record.event.dagster_event.event_specific_data for record in history), None)


def latest_evaluations(
    instance: dg.DagsterInstance, keys: list[dg.AssetCheckKey]
) -> dict[dg.AssetCheckKey, dg.AssetCheckEvaluation | None]:
    """``latest_evaluation`` of every check in ``keys``: one query for all, then one per check
    whose latest execution has not completed (planned or running in another run)."""
    latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(keys)
    evaluations: dict[dg.AssetCheckKey, dg.AssetCheckEvaluation | None] = {}
    for key in keys:
        record = latest.get(key)
        if record is None:
            evaluations[key] = None
        elif record.status in COMPLETED_STATUSES and record.event and record.event.dagster_event:
            evaluations[key] = record.event.dagster_event.event_specific_data
        else:
            evaluations[key] = latest_evaluation(instance, key)
    return evaluations


def stops_downstream(evaluation: dg.AssetCheckEvaluation) -> bool:
    """Whether a blocking check's evaluation holds back what reads its table: only a failure
    with ERROR severity does, as within a run. A WARN failure is reported, never waited on, so
    automation and the publish step follow the same rule as ``pmo refresh`` and the jobs."""
    return not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR


def _previous_rows(context: dg.AssetCheckExecutionContext) -> int | None:
    """Row count seen by this check's last completed evaluation, if any."""
    evaluation = latest_evaluation(context.instance, context.check_specs[0].key)
    rows = evaluation.metadata.get("rows") if evaluation else None
    return int(rows.value) if rows is not None else None


def drop_blocks(suite: TableSuite) -> bool:
    """Survey and register tables: losing most of their rows empties the customer and
    portfolio marts, so such a drop stops the run unless configured to warn."""
    return suite.schema == RAW_SHEETS and quality_settings().volume_drop == BLOCK


def build_volume_check(suite: TableSuite) -> dg.AssetChecksDefinition:
    """A check on a table's row count against the previous evaluation: WARN when it jumps,
    ERROR (blocking) when a survey or register table drops."""
    blocking = drop_blocks(suite)

    @dg.asset_check(
        asset=dg.AssetKey([suite.schema, suite.table]),
        name=f"volume_{suite.table}",
        description="Row count change since the last check stays within "
        "quality.volume_change_max_pct"
        + ("; a larger drop blocks (quality.volume_drop)." if blocking else "."),
        blocking=blocking,
        automation_condition=CHECK_AUTOMATION,
        pool=warehouse_pool(schema_writer(suite.schema)),
        op_tags=None if blocking else NON_BLOCKING_STEP_TAGS,
    )
    def _volume_check(
        context: dg.AssetCheckExecutionContext, warehouse: Warehouse
    ) -> dg.AssetCheckResult:
        rows = warehouse.row_counts({suite.table: (suite.schema, suite.table)})[suite.table]
        change = VolumeChange(
            _previous_rows(context), rows, quality_settings().volume_change_max_pct
        )
        stops = blocking and change.is_drop
        described = change.describe()
        if change.current == 0 and not change.previous:
            described = f"{nothing_delivered(suite.schema)}: {described}"
        elif stops:
            described = f"dropped beyond the limit, marts and publish held back: {described}"
        return dg.AssetCheckResult(
            passed=not change.is_anomaly,
            severity=dg.AssetCheckSeverity.ERROR if stops else dg.AssetCheckSeverity.WARN,
            description=described,
            metadata={"rows": change.current, "change_pct": change.change_pct},
        )

    return _volume_check


suite_checks = [build_suite_check(suite) for suite in TABLE_SUITES]
volume_checks = [
    build_volume_check(suite) for suite in TABLE_SUITES if suite.schema.startswith("raw_")
]
