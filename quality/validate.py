"""Validate a table against its suite and summarise the result for humans and Dagster.

Two engines give the same Great Expectations results. ``validate_table`` evaluates the suite
inside DuckDB (:mod:`quality.pushdown`): the table never leaves the warehouse, which keeps the
checks cheap at a million issues. ``validate_frame`` runs GE's pandas engine on a DataFrame: for
ad-hoc checks and crafted tables, and as the reference the DuckDB translation is tested against.
With a ``project_root`` the result is stored in GE's file context there and Data Docs are
rebuilt for that suite and validation only (plus the index); the suite's results older than
``quality.validation_history_days`` are deleted with their pages. Without one nothing is written.
GE contexts are built once per process and reused by every check.

Data Docs are for people reading them later; the check's outcome is the summary. A caller may
therefore take the writing of the result and its pages to do later (``defer_docs``): the Dagster
checks hand it to the run's ``DataDocs`` resource, which writes once the run's steps are done,
so rendering never competes with the checks, dbt and the publish the KPIs wait for.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import great_expectations as gx
import pandas as pd
from great_expectations.core.expectation_suite import ExpectationSuite
from great_expectations.core.expectation_validation_result import (
    ExpectationSuiteValidationResult,
    ExpectationValidationResult,
)
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.data_context.types.resource_identifiers import (
    ExpectationSuiteIdentifier,
    ValidationResultIdentifier,
)
from great_expectations.render.renderer.site_builder import SiteBuilder

from quality.pushdown import escaped_for_data_docs, evaluate
from quality.references import References, WarehouseReferences
from quality.settings import quality_settings
from quality.suites import columns_of
from quality.tables import TableSuite
from warehouse.connection import connect

SAMPLE_SIZE = 5
DOCS_SITE = "local_site"
DOCS_INDEX_LIMIT = 50
"""Validation results the Data Docs index lists, newest first (about three runs of every
suite): GE reads each listed result whenever it rebuilds the index, that is on every check, so
an unbounded history would make every check slower. Older results stay in the store."""

logging.getLogger("great_expectations").setLevel(logging.WARNING)
logger = logging.getLogger(__name__)
DocsWrite = Callable[[], None]
"""Storing one validation's result and writing its Data Docs pages, to be done later."""


@dataclass(frozen=True)
class FailedExpectation:
    """One expectation that did not hold, with what was seen."""

    expectation: str
    column: str | None
    severity: str
    unexpected_count: int | None
    observed: Any
    sample: list[Any] = field(default_factory=list)
    expected: dict[str, Any] = field(default_factory=dict)
    """The expectation's own arguments (bounds, allowed values, pattern): what should hold."""
    note: str | None = None
    """The suite's word on what a failure means and what to do (the expectation's notes)."""

    def describe(self) -> str:
        """One line a terminal can print: what should hold, what was seen instead, and the
        suite's note on what that means."""
        where = f" on {self.column}" if self.column else ""
        wanted = ", ".join(f"{k}={_short(v)}" for k, v in self.expected.items())
        count = f", {self.unexpected_count} rows" if self.unexpected_count else ""
        seen = f"; observed {_short(self.observed)}" if self.observed is not None else ""
        return (
            f"{self.expectation}{where}{f' ({wanted})' if wanted else ''} "
            f"[{self.severity}{count}]{seen}; sample {_short(self.sample)}"
            + (f": {self.note}" if self.note else "")
        )

    def as_metadata(self) -> dict[str, Any]:
        return {
            "expectation": self.expectation,
            "column": self.column,
            "severity": self.severity,
            "expected": _plain(self.expected),
            "unexpected_count": self.unexpected_count,
            "observed": _plain(self.observed),
            "sample": self.sample,
            "note": self.note,
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
    """Run ``suite`` on ``frame`` with GE's pandas engine; with ``project_root``, keep the
    result and Data Docs there."""
    batch = _dataframe_batches().get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(suite, result_format="SUMMARY")
    return _summarise(suite, len(frame), result, project_root)


def validate_table(
    warehouse: Path,
    table_suite: TableSuite,
    project_root: Path | None = None,
    references: References | None = None,
    *,
    defer_docs: Callable[[DocsWrite], None] | None = None,
) -> ValidationSummary:
    """Run ``table_suite`` on its table inside DuckDB; with ``project_root``, keep the result
    and Data Docs there, written before this returns or, with ``defer_docs``, by the write it
    is handed. References default to the warehouse's own tables."""
    table = f'"{table_suite.schema}"."{table_suite.table}"'
    with connect(warehouse) as con:
        # Opened first: the reference queries' own connections then share this open database.
        suite = table_suite.build(references or WarehouseReferences(warehouse))
        con.execute("set enable_progress_bar = false")  # not into the run's compute logs
        _require_columns(con, table_suite, suite)
        rows, results = evaluate(con, table, suite.expectations, dict(table_suite.derived))
    result = ExpectationSuiteValidationResult(
        success=all(r.success for r in results),
        results=results,
        suite_name=suite.name,
        statistics=_statistics(results),
        meta={
            "great_expectations_version": gx.__version__,
            "active_batch_definition": {
                "datasource_name": "warehouse",
                "data_connector_name": "duckdb",
                "data_asset_name": suite.name,
                "batch_identifiers": {},
            },
            "batch_spec": {
                "data_asset_name": table_suite.name,
                "table": table,
                "derived": dict(table_suite.derived),
            },
        },
    )
    return _summarise(suite, rows, result, project_root, defer_docs)


def _require_columns(
    con: duckdb.DuckDBPyConnection, table_suite: TableSuite, suite: ExpectationSuite
) -> None:
    """Refuse, naming them, stored columns the suite checks that the table lacks (a broken
    contract); derived columns are computed while the table is checked."""
    present = {
        name
        for (name,) in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ?",
            [table_suite.schema, table_suite.table],
        ).fetchall()
    }
    computed = {name for name, _ in table_suite.derived}
    missing = [c for c in columns_of(suite) if c not in present | computed]
    if missing:
        raise LookupError(f"{table_suite.name} has no column {', '.join(missing)} to check")


@functools.cache
def _dataframe_batches() -> Any:
    """A whole-DataFrame batch definition in an in-memory context, set up once per process."""
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    asset = context.data_sources.add_pandas("warehouse").add_dataframe_asset("frame")
    return asset.add_batch_definition_whole_dataframe("frame")


@dataclass(frozen=True)
class _DocsWorkspace:
    """GE's file context under a project root and its Data Docs site builder, opened once: the
    site builder compiles its page templates on first use, which costs more than a check."""

    context: Any
    site: SiteBuilder


@functools.cache
def _workspace(project_root: Path) -> _DocsWorkspace:
    context = gx.get_context(mode="file", project_root_dir=str(project_root))
    config = context.variables.data_docs_sites[DOCS_SITE]
    index = config.get("site_index_builder") or {"class_name": "DefaultSiteIndexBuilder"}
    site = SiteBuilder(
        data_context=context,
        store_backend=config["store_backend"],
        site_name=DOCS_SITE,
        site_index_builder={**index, "validation_results_limit": DOCS_INDEX_LIMIT},
        show_how_to_buttons=config.get("show_how_to_buttons", True),
        runtime_environment={"root_directory": context.root_directory},
    )
    site.target_store.copy_static_assets()
    return _DocsWorkspace(context, site)


def _statistics(results: list[ExpectationValidationResult]) -> dict[str, Any]:
    passed = sum(1 for r in results if r.success)
    return {
        "evaluated_expectations": len(results),
        "successful_expectations": passed,
        "unsuccessful_expectations": len(results) - passed,
        "success_percent": 100.0 * passed / len(results) if results else None,
    }


def _summarise(
    suite: ExpectationSuite,
    rows: int,
    result: ExpectationSuiteValidationResult,
    project_root: Path | None,
    defer_docs: Callable[[DocsWrite], None] | None = None,
) -> ValidationSummary:
    failures = [_failure(r) for r in result.results if not r.success]
    # The validation's time, also when its result is stored later.
    run_id = RunIdentifier(run_time=datetime.datetime.now(datetime.UTC))
    docs = None
    if project_root and defer_docs:
        workspace = _workspace(project_root)
        # The link is the site's own index URL, whether or not the pages are written yet.
        docs = _docs_index(workspace)
        defer_docs(functools.partial(_record_or_log, workspace, suite, result, run_id))
    elif project_root:
        docs = _record(_workspace(project_root), suite, result, run_id)
    return ValidationSummary(suite.name, rows, len(result.results), failures, docs)


def _record_or_log(
    workspace: _DocsWorkspace,
    suite: ExpectationSuite,
    result: ExpectationSuiteValidationResult,
    run_id: RunIdentifier,
) -> None:
    """``_record`` done later: a failure there is logged, the check's outcome stands (it was
    decided from the result, not from its pages)."""
    try:
        _record(workspace, suite, result, run_id)
    except Exception:
        logger.exception(
            "Data Docs of %s not written under %s", suite.name, workspace.context.root_directory
        )


def _record(
    workspace: _DocsWorkspace,
    suite: ExpectationSuite,
    result: ExpectationSuiteValidationResult,
    run_id: RunIdentifier,
) -> Path:
    """Store the result of the validation ``run_id`` names and rebuild the Data Docs pages of
    this suite and validation only."""
    result.meta.update(run_id=run_id, validation_time=run_id.run_time)
    suite_id = ExpectationSuiteIdentifier(name=suite.name)
    key = ValidationResultIdentifier(suite_id, run_id, f"warehouse-{suite.name}")
    workspace.context.suites.add_or_update(suite)
    workspace.context.validation_results_store.set(key, escaped_for_data_docs(result))
    history = datetime.timedelta(days=quality_settings().validation_history_days)
    _forget_before(workspace, suite_id, run_id.run_time - history)
    # SiteBuilder.build minus copying the static assets again (done once, in _workspace).
    for section in workspace.site.site_section_builders.values():
        section.build(resource_identifiers=[key, suite_id])
    workspace.site.site_index_builder.build()
    return _docs_index(workspace)


def _docs_index(workspace: _DocsWorkspace) -> Path:
    """The Data Docs index page, where the site builder writes it (written or not yet)."""
    return Path(workspace.site.get_resource_url(only_if_exists=False).removeprefix("file://"))


def _forget_before(
    workspace: _DocsWorkspace, suite_id: ExpectationSuiteIdentifier, cutoff: datetime.datetime
) -> None:
    """Delete the suite's stored results and Data Docs pages of validations before ``cutoff``,
    and the folders they leave empty (GE's own clean-up leaves every run's folder behind)."""
    results = workspace.context.validation_results_store.store_backend
    pages = workspace.site.target_store.store_backends[ValidationResultIdentifier]
    # Page keys lead with their site section: ("validations", *result key).
    for store, section in ((results, ()), (pages, ("validations",))):
        for key in store.list_keys(prefix=(*section, *suite_id.to_tuple())):
            result_key = ValidationResultIdentifier.from_tuple(key[len(section) :])
            if result_key.run_id.run_time >= cutoff:
                continue
            folder = Path(store.get_url_for_key(key).removeprefix("file://")).parent
            store.remove_key(key)
            with contextlib.suppress(OSError):  # not empty: another result of that run time
                folder.rmdir()


# Expectation arguments that say where or how to evaluate, not what should hold.
NOT_EXPECTED_VALUES = {
    "column",
    "column_list",
    "column_A",
    "column_B",
    "batch_id",
    "result_format",
    "catch_exceptions",
    "meta",
    "notes",
    "rendered_content",
    "severity",
    "condition_parser",
}
SHORT_TEXT = 120


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
        expected={
            k: _plain(v)
            for k, v in kwargs.items()
            if k not in NOT_EXPECTED_VALUES and v is not None and v is not False
        },
        note="; ".join([config.notes] if isinstance(config.notes, str) else config.notes or [])
        or None,
    )


def _short(value: Any) -> str:
    """A value cut to one readable piece of a line (long value sets stay in the metadata)."""
    text = str(_plain(value))
    return text if len(text) <= SHORT_TEXT else text[: SHORT_TEXT - 1] + "…"


def _plain(value: Any) -> Any:
    """Make a value JSON-friendly for Dagster metadata (timestamps in a sampled pair too)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
