"""The forecast marts of the end-to-end pipeline run (dbt through Dagster) equal the plain
Python oracle (tests/forecast/oracle.py) on the same sandbox."""

from __future__ import annotations

from itertools import pairwise

import duckdb
import pandas as pd
import pytest

from sandbox.workbooks import build_portfolio

from .oracle import forecasts_shown, latest_forecasts


@pytest.fixture(scope="module")
def forecast_marts(pipeline_run) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(pipeline_run.warehouse), read_only=True) as con:
        return {
            name: con.sql(f"select * from marts.{name}").df()
            for name in ("mart_delivery_forecast", "mart_delivery_forecast_trend")
        }


@pytest.fixture(scope="module")
def oracle(pipeline_run) -> dict[tuple[str, str, str], dict]:
    site = pipeline_run.sandbox.site
    register = build_portfolio([project.key for project in site.projects]).projects
    return latest_forecasts(site, register)


def test_latest_forecast_equals_the_oracle_for_every_project_and_epic(forecast_marts, oracle):
    assert forecasts_shown(forecast_marts["mart_delivery_forecast"]) == oracle


def test_the_sandbox_has_forecasts_of_both_kinds_and_a_project_without_one(oracle):
    kinds = {kind for (kind, _, _), row in oracle.items() if row["p85_date"] is not None}
    assert kinds == {"project", "epic"}
    assert any(row["no_forecast_reason"] for row in oracle.values())


def test_the_trend_holds_the_latest_forecast_and_the_weeks_before(forecast_marts):
    trend, latest = (
        forecast_marts["mart_delivery_forecast_trend"],
        forecast_marts["mart_delivery_forecast"],
    )
    days = sorted(trend["as_of_date"].unique())
    assert len(days) == 8
    assert all((later - earlier).days == 7 for earlier, later in pairwise(days))
    assert set(latest["as_of_date"]) == {days[-1]}
