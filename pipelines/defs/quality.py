"""Great Expectations suites as blocking asset checks on the raw tables.

A failed ``critical`` expectation gives an ERROR check, which stops every downstream asset in
the run (and declarative automation will not build on it); ``warning`` failures are reported
with WARN severity and let the run continue.
"""

from __future__ import annotations

import dagster as dg

from pipelines.settings import DUCKDB_POOL
from quality.suites import TABLE_SUITES, TableSuite
from quality.validate import ValidationSummary, validate_frame
from warehouse.connection import read_table
from warehouse.settings import warehouse_path


def _check_result(summary: ValidationSummary) -> dg.AssetCheckResult:
    severity = (
        dg.AssetCheckSeverity.ERROR if summary.blocking_failures else dg.AssetCheckSeverity.WARN
    )
    return dg.AssetCheckResult(
        passed=not summary.failures,
        severity=severity,
        description=("; ".join(f.describe() for f in summary.failures) or "all expectations hold"),
        metadata={
            "suite": summary.suite,
            "rows": summary.rows,
            "expectations_evaluated": summary.evaluated,
            "expectations_failed": len(summary.failures),
            "failures": dg.MetadataValue.json(
                [
                    {
                        "expectation": f.expectation,
                        "column": f.column,
                        "severity": f.severity,
                        "unexpected_count": f.unexpected_count,
                        "observed": f.observed,
                        "sample": f.sample,
                    }
                    for f in summary.failures
                ]
            ),
        },
    )


def build_suite_check(suite: TableSuite) -> dg.AssetChecksDefinition:
    """One blocking asset check that runs ``suite`` on its table."""

    @dg.asset_check(
        asset=dg.AssetKey([suite.schema, suite.table]),
        name=f"gx_{suite.table}",
        description=suite.build.__doc__,
        blocking=True,
        pool=DUCKDB_POOL,
    )
    def _suite_check() -> dg.AssetCheckResult:
        frame = read_table(warehouse_path(), suite.schema, suite.table)
        return _check_result(validate_frame(frame, suite.build()))

    return _suite_check


suite_checks = [build_suite_check(suite) for suite in TABLE_SUITES]
