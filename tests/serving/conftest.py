"""Fixtures for BI serving: the snapshot the end-to-end pipeline run published, a small
synthetic warehouse for publish races, and the KPI report opened in headless Chromium."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pandas as pd
import pytest

from warehouse.publishing.paths import (
    kpi_report_path,
    serving_database_path,
    serving_dir,
    serving_manifest_path,
)
from warehouse.publishing.tables import ServingTable, load_manifest, serving_tables
from warehouse.settings import REPO_ROOT

from .browser import CHROMIUM, headless_page
from .synthetic import SYNTHETIC_TABLES, build_synthetic_marts

DBT_MANIFEST = REPO_ROOT / "transforms" / "target" / "manifest.json"
README_SCREENSHOT = REPO_ROOT / "docs" / "img" / "kpi_report.png"
# `PMO_UPDATE_SCREENSHOT=1 make test` refreshes the README's screenshot; plain runs leave the
# tree clean.
UPDATE_SCREENSHOT = os.environ.get("PMO_UPDATE_SCREENSHOT") == "1"


@dataclass(frozen=True)
class PublishedServing:
    """What the pipeline's serving assets wrote for the sandbox, with the run that wrote it."""

    warehouse: Path
    folder: Path
    database: Path
    manifest: dict[str, Any]
    tables: list[ServingTable]
    run: dg.ExecuteInProcessResult
    sandbox: Any

    def query(self, sql: str, database: Path | None = None) -> pd.DataFrame:
        """Run ``sql`` on the serving snapshot (or another database) read-only."""
        with duckdb.connect(str(database or self.database), read_only=True) as con:
            return con.sql(sql).df()

    def materialization(self, key: dg.AssetKey) -> dg.AssetMaterialization:
        """The asset's materialisation in the run."""
        (event,) = [e for e in self.run.get_asset_materialization_events() if e.asset_key == key]
        return event.step_materialization_data.materialization


@pytest.fixture(scope="session")
def published(pipeline_run) -> PublishedServing:
    """The serving folder beside the end-to-end run's temporary warehouse, after its 2nd run."""
    assert pipeline_run.second.success, "the end-to-end pipeline run failed"
    warehouse = pipeline_run.warehouse
    return PublishedServing(
        warehouse=warehouse,
        folder=serving_dir(warehouse),
        database=serving_database_path(warehouse),
        manifest=json.loads(serving_manifest_path(warehouse).read_text()),
        tables=serving_tables(load_manifest(DBT_MANIFEST)),
        run=pipeline_run.second,
        sandbox=pipeline_run.sandbox,
    )


@dataclass(frozen=True)
class RenderedReport:
    """The KPI report as headless Chromium saw it."""

    console_errors: list[str]
    chart_containers: int
    rendered_charts: int
    tiles: dict[str, str]
    quarter: str
    screenshot: Path


@pytest.fixture(scope="session")
def rendered_report(
    published: PublishedServing, tmp_path_factory: pytest.TempPathFactory
) -> RenderedReport:
    """Open the report in a real browser once; keep a screenshot (and a copy for the README)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: `apt-get install chromium` (the Makefile does)")
    root = tmp_path_factory.mktemp("browser")
    with headless_page(root / "profile") as page:
        page.open(kpi_report_path(published.warehouse).as_uri())
        report = RenderedReport(
            console_errors=page.errors,
            chart_containers=page.evaluate("document.querySelectorAll('.chart').length"),
            rendered_charts=page.evaluate(
                "Array.from(document.querySelectorAll('.chart .js-plotly-plot'))"
                ".filter(plot => plot.querySelector('svg.main-svg')).length"
            ),
            tiles=dict(
                page.evaluate(
                    "Array.from(document.querySelectorAll('[data-kpi]'))"
                    ".map(t => [t.dataset.kpi, t.querySelector('.value').textContent])"
                )
            ),
            quarter=page.evaluate("document.getElementById('scorecard-quarter').textContent"),
            screenshot=page.screenshot(root / "kpi_report.png"),
        )
    if UPDATE_SCREENSHOT:
        shutil.copyfile(report.screenshot, README_SCREENSHOT)
    return report


@pytest.fixture(scope="module")
def synthetic_warehouse(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[int], tuple[Path, list[ServingTable]]]:
    """Build (or rebuild) a small warehouse whose marts have ``rows`` and twice as many."""
    warehouse = tmp_path_factory.mktemp("synthetic") / "pmo.duckdb"

    def build(rows: int) -> tuple[Path, list[ServingTable]]:
        return build_synthetic_marts(warehouse, rows), SYNTHETIC_TABLES

    return build
