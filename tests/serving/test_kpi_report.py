"""The KPI report in a real headless browser: it loads cleanly and shows the sandbox's numbers.

Expected figures are recomputed here from the sandbox generator's own survey rows and from the
serving snapshot's monthly marts, not taken from the scorecard the report renders.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipelines.defs.serving import KPI_REPORT_KEY
from sandbox.workbooks import build_portfolio
from warehouse.publishing.paths import kpi_report_path
from warehouse.report.kpi_report import SERVING_TABLES_READ, build_kpi_report

from .conftest import PublishedServing


@pytest.fixture(scope="module")
def latest_wave(published: PublishedServing) -> pd.DataFrame:
    """The generated responses of the sandbox's latest survey wave."""
    portfolio = build_portfolio([project.key for project in published.sandbox.site.projects])
    wave = max(portfolio.survey_waves)
    return pd.DataFrame(portfolio.survey_waves[wave]).assign(wave=wave)


def test_report_loads_without_console_errors(rendered_report):
    assert rendered_report.console_errors == []


def test_every_chart_is_drawn(rendered_report):
    assert rendered_report.chart_containers >= 10
    assert rendered_report.rendered_charts == rendered_report.chart_containers


def test_scorecard_headlines_the_latest_survey_quarter(rendered_report, latest_wave):
    assert rendered_report.quarter == latest_wave["wave"].iloc[0]


def test_scorecard_shows_the_sandbox_value_delivery_rate(rendered_report, latest_wave):
    rate = 100 * (latest_wave["overall_value"] >= 4).mean()
    assert rendered_report.tiles["value_delivery_rate_pct"] == f"{rate:.1f}%"


def test_scorecard_shows_the_sandbox_nps(rendered_report, latest_wave):
    score = latest_wave["likelihood_to_recommend"]
    nps = 100 * ((score >= 9).mean() - (score <= 6).mean())
    assert rendered_report.tiles["nps"] == f"{nps:.1f}"


def test_scorecard_shows_the_sandbox_csat(rendered_report, latest_wave):
    ratings = latest_wave.filter(regex=r"\|satisfaction$").stack()
    assert rendered_report.tiles["csat_mean"] == f"{ratings.mean():.2f}"


def test_scorecard_shows_the_quarters_on_time_rate_from_the_monthly_mart(
    rendered_report, published
):
    months = published.query(
        "select sum(done_on_time) as on_time, sum(done_with_due_date) as due "
        "from delivery_on_time_monthly "
        "where month_start >= (select max(quarter_start) from pmo_value_scorecard_quarterly)"
    )
    rate = 100 * months["on_time"][0] / months["due"][0]
    assert rendered_report.tiles["on_time_rate_pct"] == f"{rate:.1f}%"


def test_headline_kpis_are_float_metadata_of_the_report(published):
    metadata = published.materialization(KPI_REPORT_KEY).metadata
    latest = published.query(
        "select * from pmo_value_scorecard_quarterly order by quarter_start desc limit 1"
    ).iloc[0]
    for kpi in ("value_delivery_rate_pct", "csat_mean", "nps", "composite_score"):
        assert metadata[kpi].value == pytest.approx(latest[kpi]), kpi


def test_report_is_linked_from_its_metadata(published):
    metadata = published.materialization(KPI_REPORT_KEY).metadata
    assert metadata["report"].path == str(kpi_report_path(published.warehouse))


def test_report_needs_no_network(published):
    page = kpi_report_path(published.warehouse).read_text()
    assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']?https?:""", page)


def test_screenshot_is_saved_as_png(rendered_report):
    image = rendered_report.screenshot.read_bytes()
    assert image.startswith(b"\x89PNG") and len(image) > 50_000


def test_report_renders_before_any_kpi_has_data(published, tmp_path: Path):
    empty = tmp_path / "empty.duckdb"
    with duckdb.connect(str(empty)) as con:
        con.execute(f"attach '{published.database}' as snapshot (read_only)")
        for name in SERVING_TABLES_READ:
            con.execute(f'create table "{name}" as select * from snapshot."{name}" limit 0')
    report = build_kpi_report(empty, tmp_path / "report.html")
    assert (report.quarter, report.headline) == (None, {})
    assert "no data yet" in report.path.read_text()


def test_report_shows_no_caveat_when_the_scorecard_is_sure(published, tmp_path: Path):
    report = build_kpi_report(published.database, tmp_path / "report.html")
    assert report.warned == []


def test_a_scorecard_caveat_flags_the_tiles_of_its_kpis(published, tmp_path: Path):
    caveated = tmp_path / "caveated.duckdb"
    caveated.write_bytes(published.database.read_bytes())
    with duckdb.connect(str(caveated)) as con:
        con.execute(
            "update pmo_value_scorecard_quarterly set csat_ratings_of_uncatalogued_services = 3 "
            "where quarter_start = (select max(quarter_start) from pmo_value_scorecard_quarterly)"
        )
    report = build_kpi_report(caveated, tmp_path / "report.html")
    assert set(report.warned) == {"csat_mean", "composite_score"}
    assert "3 ratings of services the catalogue does not list" in report.path.read_text()
