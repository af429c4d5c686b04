"""Fixtures: a small synthetic Smartsheet portfolio served over real HTTP, and dlt pipelines
loading it into temporary DuckDB files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dlt
import pytest
from dlt.common.pipeline import LoadInfo

from connectors.jira.settings import SETTING_NAMES as JIRA_SETTINGS
from connectors.smartsheet import smartsheet_source
from connectors.smartsheet.settings import SETTING_NAMES as SMARTSHEET_SETTINGS
from connectors.spreadsheets.settings import SpreadsheetSettings
from sandbox.smartsheet.emulator import SmartsheetEmulator
from sandbox.smartsheet.portfolio import GANTT, Portfolio, generate_portfolio
from tests.jira.conftest import reader

TOKEN = "demo-token"
KEY = "test-pseudonymisation-key"
# Fast retries, and no client-side throttle (the emulator has no per-minute limit).
FAST = {"backoff_factor": 0.01, "max_retry_delay": 0.2, "max_attempts": 4, "requests_per_minute": 0}
TABLES = ("sheets", "columns", "rows", "summary_fields", "cell_history")
Query = Callable[[str], list[tuple[Any, ...]]]


def only_sources(monkeypatch: pytest.MonkeyPatch, **given: str) -> None:
    """The environment of an install configured with `given` settings (environment names)
    alone: every other source setting unset."""
    spreadsheets = [
        f"SOURCES__SPREADSHEETS__{name.upper()}"
        for name in SpreadsheetSettings.get_resolvable_fields()
    ]
    for name in (*JIRA_SETTINGS.values(), *SMARTSHEET_SETTINGS.values(), *spreadsheets):
        monkeypatch.delenv(name, raising=False)
    for name, value in given.items():
        monkeypatch.setenv(name, value)


def small_portfolio() -> Portfolio:
    """4 plans of 24 tasks, one per Jira sandbox project."""
    return generate_portfolio(projects=4, tasks_per_sheet=24, layout=GANTT)


@pytest.fixture
def portfolio() -> Portfolio:
    """A fresh portfolio per test: tests edit and delete its rows."""
    return small_portfolio()


@pytest.fixture
def emulator(portfolio: Portfolio) -> Iterator[SmartsheetEmulator]:
    with SmartsheetEmulator(portfolio, access_token=TOKEN) as server:
        yield server


def settings(emulator: SmartsheetEmulator, **overrides: Any) -> dict[str, Any]:
    """Source arguments for the emulator's account, scoped by its first workspace."""
    return {
        "access_token": TOKEN,
        "pseudonymisation_key": KEY,
        "base_url": emulator.base_url,
        "workspace_ids": str(emulator.portfolio.workspaces[0].id),
        **FAST,
        **overrides,
    }


def raw_pipeline(name: str, directory: Path) -> dlt.Pipeline:
    return dlt.pipeline(
        pipeline_name=name,
        destination=dlt.destinations.duckdb(str(directory / f"{name}.duckdb")),
        dataset_name="raw_smartsheet",
        pipelines_dir=str(directory / f"{name}_dlt"),
    )


@pytest.fixture
def pipeline(tmp_path: Path) -> dlt.Pipeline:
    return raw_pipeline("smartsheet_test", tmp_path)


@pytest.fixture
def load(pipeline: dlt.Pipeline, emulator: SmartsheetEmulator) -> Callable[..., LoadInfo]:
    """Run the source against the emulator; keyword arguments override settings."""

    def run(**overrides: Any) -> LoadInfo:
        return pipeline.run(smartsheet_source(**settings(emulator, **overrides)))

    return run


@pytest.fixture
def query(tmp_path: Path) -> Query:
    """Read the test pipeline's warehouse (a short-lived read-only connection)."""
    return reader(tmp_path / "smartsheet_test.duckdb")


def table_contents(query: Query, table: str) -> set[tuple[Any, ...]]:
    """A table's rows without dlt's bookkeeping columns, for comparing two loads."""
    columns = [
        name
        for (name,) in query(
            "select column_name from information_schema.columns where table_schema = "
            f"'raw_smartsheet' and table_name = '{table}' and column_name not like '\\_dlt%' "
            "escape '\\' order by column_name"
        )
    ]
    return set(query(f"select {', '.join(columns)} from raw_smartsheet.{table}"))
