"""Validate a pandas DataFrame against a suite and summarise the result for humans and Dagster.

Great Expectations validates DataFrames read from DuckDB rather than querying DuckDB itself:
its DuckDB SQL path is fragile, and the tables we validate fit in memory.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import great_expectations as gx
import pandas as pd
from great_expectations.core.expectation_suite import ExpectationSuite
from great_expectations.data_context.types.base import ProgressBarsConfig

SAMPLE_SIZE = 5

logging.getLogger("great_expectations").setLevel(logging.WARNING)


@dataclass(frozen=True)
class FailedExpectation:
    """One expectation that did not hold, with what was seen."""

    expectation: str
    column: str | None
    severity: str
    unexpected_count: int | None
    observed: Any
    sample: list[Any] = field(default_factory=list)

    def describe(self) -> str:
        where = f" on {self.column}" if self.column else ""
        count = f", {self.unexpected_count} rows" if self.unexpected_count else ""
        return f"{self.expectation}{where} ({self.severity}{count}); sample {self.sample}"


@dataclass(frozen=True)
class ValidationSummary:
    """What a suite found in one table."""

    suite: str
    rows: int
    evaluated: int
    failures: list[FailedExpectation]

    @property
    def blocking_failures(self) -> list[FailedExpectation]:
        return [f for f in self.failures if f.severity == "critical"]

    @property
    def passed(self) -> bool:
        return not self.blocking_failures


def validate_frame(frame: pd.DataFrame, suite: ExpectationSuite) -> ValidationSummary:
    """Run ``suite`` on ``frame`` in an ephemeral context (nothing is written to disk)."""
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas("warehouse")
        .add_dataframe_asset(suite.name)
        .add_batch_definition_whole_dataframe("table")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    result = batch.validate(context.suites.add(suite), result_format="SUMMARY")
    failures = [_failure(r) for r in result.results if not r.success]
    return ValidationSummary(suite.name, len(frame), len(result.results), failures)


def _failure(result: Any) -> FailedExpectation:
    config = result.expectation_config
    details = result.result or {}
    kwargs = config.kwargs
    column = kwargs.get("column") or ",".join(
        kwargs.get("column_list")
        or [c for c in (kwargs.get("column_A"), kwargs.get("column_B")) if c]
    )
    return FailedExpectation(
        expectation=config.type,
        column=column or None,
        severity=str(getattr(config.severity, "value", config.severity) or "critical"),
        unexpected_count=details.get("unexpected_count"),
        observed=details.get("observed_value"),
        sample=[_plain(v) for v in details.get("partial_unexpected_list", [])[:SAMPLE_SIZE]],
    )


def _plain(value: Any) -> Any:
    """Make a sample value JSON-friendly for Dagster metadata."""
    if isinstance(value, (dict, list, str, int, float, bool)) or value is None:
        return value
    return str(value)
