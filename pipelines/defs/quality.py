"""Great Expectations suites and volume watches as asset checks.

A failed ``critical`` expectation gives an ERROR check, which is blocking: downstream assets
in the run are skipped, and declarative automation waits for it to pass. ``warning`` failures
and volume anomalies are WARN checks that never block. Data Docs (HTML) are rebuilt beside the
warehouse on every validation and linked from the check's metadata.
"""

from pathlib import Path
from typing import TYPE_CHECKING

import dagster as dg
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

from pipelines.settings import DUCKDB_POOL
from quality.settings import quality_settings
from quality.tables import TABLE_SUITES, TableSuite
from quality.volume import VolumeChange
from warehouse.connection import query
from warehouse.settings import warehouse_path

if TYPE_CHECKING:
    from quality.validate import ValidationSummary

CHECK_AUTOMATION = dg.AutomationCondition.eager()


def quality_project_root(warehouse: Path) -> Path:
    """Great Expectations' file context (results, Data Docs) beside the warehouse file."""
    return warehouse.parent / "quality" / warehouse.stem


def _suite_result(summary: "ValidationSummary") -> dg.AssetCheckResult:
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
        pool=DUCKDB_POOL,
    )
    def _suite_check() -> dg.AssetCheckResult:
        # Great Expectations (~2 s to import) is loaded by the first check that runs, not by
        # every code-location load.
        from quality.validate import validate_table

        path = warehouse_path()
        return _suite_result(validate_table(path, suite, quality_project_root(path)))

    return _suite_check


def _previous_rows(context: dg.AssetCheckExecutionContext) -> int | None:
    """Row count seen by this check's last completed evaluation, if any."""
    history = context.instance.event_log_storage.get_asset_check_execution_history(
        context.check_specs[0].key,
        limit=1,
        status={AssetCheckExecutionRecordStatus.SUCCEEDED, AssetCheckExecutionRecordStatus.FAILED},
    )
    for record in history:
        rows = record.event.dagster_event.event_specific_data.metadata.get("rows")
        if rows is not None:
            return int(rows.value)
    return None


def build_volume_check(suite: TableSuite) -> dg.AssetChecksDefinition:
    """A WARN check when a table's row count jumps against the previous evaluation."""

    @dg.asset_check(
        asset=dg.AssetKey([suite.schema, suite.table]),
        name=f"volume_{suite.table}",
        description="Row count change since the last check stays within "
        "quality.volume_change_max_pct.",
        automation_condition=CHECK_AUTOMATION,
        pool=DUCKDB_POOL,
    )
    def _volume_check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        rows = query(
            warehouse_path(), f'select count(*) as n from "{suite.schema}"."{suite.table}"'
        )
        change = VolumeChange(
            _previous_rows(context), int(rows["n"][0]), quality_settings().volume_change_max_pct
        )
        return dg.AssetCheckResult(
            passed=not change.is_anomaly,
            severity=dg.AssetCheckSeverity.WARN,
            description=change.describe(),
            metadata={"rows": change.current, "change_pct": change.change_pct},
        )

    return _volume_check


suite_checks = [build_suite_check(suite) for suite in TABLE_SUITES]
volume_checks = [
    build_volume_check(suite) for suite in TABLE_SUITES if suite.schema.startswith("raw_")
]
