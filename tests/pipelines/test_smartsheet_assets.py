"""Smartsheet in Dagster: loaded into `raw_smartsheet` and checked when configured; without it,
its tables exist empty and every asset says it is not configured."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster_dlt import DagsterDltResource

from connectors.smartsheet.settings import SETTING_NAMES
from pipelines.defs.quality import suite_checks
from pipelines.defs.resources import DataDocs, Warehouse
from pipelines.defs.smartsheet import smartsheet_raw
from sandbox.smartsheet.emulator import SmartsheetEmulator
from sandbox.smartsheet.portfolio import GANTT, generate_portfolio

TOKEN = "demo-token"
TABLES = {"sheets", "columns", "rows", "summary_fields", "cell_history"}
SMARTSHEET_CHECKS = [c for c in suite_checks if c.check_key.asset_key.path[0] == "raw_smartsheet"]


@dataclass(frozen=True)
class Materialised:
    result: dg.ExecuteInProcessResult
    warehouse: Path

    def metadata(self, table: str) -> dict:
        (event,) = [
            m
            for m in self.result.get_asset_materialization_events()
            if m.asset_key == dg.AssetKey(["raw_smartsheet", table])
        ]
        return {k: v.value for k, v in event.materialization.metadata.items()}

    def rows(self, table: str) -> int:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(f'select count(*) from raw_smartsheet."{table}"').fetchone()[0]


def materialise(directory: Path, env: pytest.MonkeyPatch, checks: bool) -> Materialised:
    warehouse = directory / "pmo.duckdb"
    env.setenv("SOURCES__SMARTSHEET__PSEUDONYMISATION_KEY", "test-key")
    result = dg.materialize(
        [smartsheet_raw, *(SMARTSHEET_CHECKS if checks else [])],
        resources={
            "dlt_resource": DagsterDltResource(),
            "warehouse": Warehouse(path=str(warehouse)),
            "data_docs": DataDocs(),
        },
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    return Materialised(result, warehouse)


@pytest.fixture(scope="module")
def not_configured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Materialised]:
    with pytest.MonkeyPatch.context() as env:
        for name in SETTING_NAMES.values():
            env.delenv(name, raising=False)
        yield materialise(tmp_path_factory.mktemp("no_smartsheet"), env, checks=False)


@pytest.fixture(scope="module")
def configured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Materialised]:
    """A small Gantt portfolio loaded through Dagster, with the raw tables' GX checks."""
    portfolio = generate_portfolio(projects=2, tasks_per_sheet=12, layout=GANTT)
    with (
        SmartsheetEmulator(portfolio, access_token=TOKEN) as emulator,
        pytest.MonkeyPatch.context() as env,
    ):
        env.setenv(SETTING_NAMES["access_token"], TOKEN)
        env.setenv(SETTING_NAMES["base_url"], emulator.base_url)
        env.setenv(SETTING_NAMES["requests_per_minute"], "0")
        yield materialise(tmp_path_factory.mktemp("smartsheet"), env, checks=True)


def test_unconfigured_smartsheet_creates_its_tables_empty(not_configured: Materialised) -> None:
    assert not_configured.result.success
    assert {t: not_configured.rows(t) for t in TABLES} == dict.fromkeys(TABLES, 0)


def test_unconfigured_smartsheet_assets_say_why(not_configured: Materialised) -> None:
    for table in TABLES:
        metadata = not_configured.metadata(table)
        assert "not configured" in metadata["source"]
        assert metadata["dagster/row_count"] == 0


def test_configured_smartsheet_loads_every_table(configured: Materialised) -> None:
    assert configured.result.success
    assert configured.rows("sheets") > 0
    assert configured.rows("rows") > 0


def test_the_row_count_is_in_the_assets_metadata(configured: Materialised) -> None:
    assert configured.metadata("rows")["dagster/row_count"] == configured.rows("rows")


def test_every_raw_smartsheet_table_has_a_gx_check_and_it_passes(
    configured: Materialised,
) -> None:
    evaluations = configured.result.get_asset_check_evaluations()
    assert {e.asset_key.path[1] for e in evaluations} == TABLES
    failed = {e.check_name: e.description for e in evaluations if not e.passed}
    assert not failed
