"""Validate a pandas DataFrame against a suite and summarise the result for humans and Dagster.

Great Expectations validates DataFrames read from DuckDB rather than querying DuckDB itself:
its DuckDB SQL path is fragile, and the tables we validate fit in memory. With a
``project_root`` the validation runs through a file-backed checkpoint that also rebuilds the
HTML Data Docs there; without one it stays in memory (unit tests, ad-hoc checks).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import great_expectations as gx
import pandas as pd
from great_expectations.core.expectation_suite import ExpectationSuite
from great_expectations.data_context.types.base import ProgressBarsConfig

SAMPLE_SIZE = 5
BATCH = "table"

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

    def as_metadata(self) -> dict[str, Any]:
        return {
            "expectation": self.expectation,
            "column": self.column,
            "severity": self.severity,
            "unexpected_count": self.unexpected_count,
            "observed": _plain(self.observed),
            "sample": self.sample,
        }


@dataclass(frozen=True)
class ValidationSummary:
    """What a suite found in one table."""

    suite: str
    rows: int
    evaluated: int
    failures: list[FailedExpectation]
    docs_index: Path | None = None

    @property
    def blocking_failures(self) -> list[FailedExpectation]:
        return [f for f in self.failures if f.severity == "critical"]

    @property
    def passed(self) -> bool:
        return not self.blocking_failures


def validate_frame(
    frame: pd.DataFrame, suite: ExpectationSuite, project_root: Path | None = None
) -> ValidationSummary:
    """Run ``suite`` on ``frame``; with ``project_root``, keep results and Data Docs there."""
    if project_root is None:
        context = gx.get_context(mode="ephemeral")
    else:
        context = gx.get_context(mode="file", project_root_dir=str(project_root))
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch_definition = _batch_definition(context, suite.name)
    validation = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(
            name=suite.name, data=batch_definition, suite=context.suites.add_or_update(suite)
        )
    )
    actions = [gx.checkpoint.UpdateDataDocsAction(name="data_docs")] if project_root else []
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=suite.name,
            validation_definitions=[validation],
            actions=actions,
            result_format="SUMMARY",
        )
    )
    outcome = checkpoint.run(batch_parameters={"dataframe": frame})
    (result,) = outcome.run_results.values()
    failures = [_failure(r) for r in result.results if not r.success]
    docs = _docs_index(context) if project_root else None
    return ValidationSummary(suite.name, len(frame), len(result.results), failures, docs)


def _batch_definition(context: Any, asset_name: str) -> Any:
    source = context.data_sources.add_or_update_pandas("warehouse")
    try:
        asset = source.get_asset(asset_name)
    except LookupError:
        asset = source.add_dataframe_asset(asset_name)
    try:
        return asset.get_batch_definition(BATCH)
    except KeyError:
        return asset.add_batch_definition_whole_dataframe(BATCH)


def _docs_index(context: Any) -> Path | None:
    sites = context.get_docs_sites_urls()
    url = sites[0]["site_url"] if sites else None
    return Path(url.removeprefix("file://")) if url else None


def _failure(result: Any) -> FailedExpectation:
    config = result.expectation_config
    details = result.result or {}
    kwargs = config.kwargs
    columns = kwargs.get("column_list") or [
        c for c in (kwargs.get("column_A"), kwargs.get("column_B")) if c
    ]
    return FailedExpectation(
        expectation=config.type,
        column=kwargs.get("column") or ",".join(columns) or None,
        severity=str(getattr(config.severity, "value", config.severity) or "critical"),
        unexpected_count=details.get("unexpected_count"),
        observed=details.get("observed_value"),
        sample=[_plain(v) for v in details.get("partial_unexpected_list", [])[:SAMPLE_SIZE]],
    )


def _plain(value: Any) -> Any:
    """Make a value JSON-friendly for Dagster metadata."""
    if isinstance(value, (dict, list, str, int, float, bool)) or value is None:
        return value
    return str(value)
