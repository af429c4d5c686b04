"""On an install with one source only, a KPI whose inputs have not arrived is null (or has no
row), never 0, and the scorecard's composite names the pillars it lacks; the KPIs of the
source in use still equal the oracle computed in plain Python from the sandbox objects.

Jira-only: Jira configured, no workbook landed. Spreadsheets-only: every workbook landed,
Jira not configured. The missing source's raw tables exist empty, as the ingestion declares
them (transforms/scripts/raw_contract.sql)."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

from warehouse.publishing.snapshot import PUBLISH_INFO
from warehouse.report.kpi_report import SERVING_TABLES_READ, build_kpi_report

from .conftest import TRANSFORMS_DIR, BuiltWarehouse
from .kpi_oracle import DAY, Oracle, percentile

PILLARS = ("customer", "delivery", "strategy", "capability")
DELIVERY_KPIS = ("on_time_rate_pct", "sprint_predictability_pct", "cycle_time_p50_days")
WORKBOOK_KPIS = (
    "value_delivery_rate_pct",
    "csat_mean",
    "nps",
    "aligned_work_share_pct",
    "benefits_realisation_pct",
    "maturity_mean_level",
)
ALIGNMENT_MARTS = (
    "mart_strategic_alignment_quarterly",
    "mart_strategic_alignment_summary_quarterly",
)
MIN_CELL = 5


def scorecard(warehouse: BuiltWarehouse) -> pd.DataFrame:
    frame = warehouse.query("select * from marts.mart_pmo_value_scorecard_quarterly")
    frame["quarter_start"] = pd.to_datetime(frame["quarter_start"]).dt.date
    return frame.set_index("quarter_start").sort_index()


def quarter_of(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def composite_truth(row: pd.Series) -> float | None:
    """Weighted mean of the pillar scores present (weights: var scorecard_weights)."""
    weights = yaml.safe_load((TRANSFORMS_DIR / "dbt_project.yml").read_text())["vars"][
        "scorecard_weights"
    ]
    present = {p: row[f"{p}_score"] for p in PILLARS if pd.notna(row[f"{p}_score"])}
    if not present:
        return None
    return sum(weights[p] * s for p, s in present.items()) / sum(weights[p] for p in present)


def missing_pillars_truth(row: pd.Series) -> tuple[int, str | None]:
    missing = [p for p in PILLARS if pd.isna(row[f"{p}_score"])]
    return len(missing), ", ".join(missing) or None


def assert_composite_names_what_it_lacks(frame: pd.DataFrame) -> None:
    for quarter, row in frame.iterrows():
        count, names = missing_pillars_truth(row)
        assert row["pillars_missing"] == count, quarter
        assert (None if pd.isna(row["missing_pillars"]) else row["missing_pillars"]) == names
        assert row["composite_score"] == pytest.approx(composite_truth(row)), quarter


def delivery_truth(oracle: Oracle) -> dict[date, dict[str, float | None]]:
    """On-time rate and median cycle time of the issues first done in each quarter."""
    groups = defaultdict(list)
    for flow in oracle.flows():
        done = flow.first_entered("done")
        if done is not None:
            groups[quarter_of(done.date())].append((flow, done))
    truth = {}
    for quarter, flows in groups.items():
        due = [(flow.issue.due_date, done) for flow, done in flows if flow.issue.due_date]
        cycle = [
            (done - started).total_seconds() / DAY
            for flow, done in flows
            if (started := flow.first_entered("indeterminate")) is not None and started <= done
        ]
        truth[quarter] = {
            "on_time_rate_pct": 100 * sum(done.date() <= d for d, done in due) / len(due)
            if due
            else None,
            "cycle_time_p50_days": percentile(cycle, 0.5),
        }
    return truth


# -- Jira-only ----------------------------------------------------------------------------


def test_jira_only_has_no_aligned_share_or_strategy_pillar(jira_only_warehouse):
    frame = scorecard(jira_only_warehouse)
    assert not frame.empty
    assert frame["aligned_work_share_pct"].isna().all()
    assert frame["strategy_score"].isna().all()


def test_jira_only_workbook_kpis_are_null_not_0(jira_only_warehouse):
    frame = scorecard(jira_only_warehouse)
    assert frame[list(WORKBOOK_KPIS)].isna().all().all()
    assert frame[["customer_score", "capability_score"]].isna().all().all()


def test_jira_only_alignment_marts_have_no_rows(jira_only_warehouse):
    for mart in ALIGNMENT_MARTS:
        assert jira_only_warehouse.query(f"select * from marts.{mart}").empty, mart


def test_jira_only_composite_is_delivery_and_names_the_three_missing_pillars(
    jira_only_warehouse,
):
    frame = scorecard(jira_only_warehouse)
    assert_composite_names_what_it_lacks(frame)
    assert (frame["missing_pillars"] == "customer, strategy, capability").all()


def test_jira_only_delivery_kpis_per_quarter_equal_the_oracle(jira_only_warehouse):
    frame = scorecard(jira_only_warehouse)
    truth = delivery_truth(Oracle(jira_only_warehouse.site))
    assert set(truth) <= set(frame.index)
    for quarter, row in frame.iterrows():
        expected = truth.get(quarter, {"on_time_rate_pct": None, "cycle_time_p50_days": None})
        for kpi, value in expected.items():
            shown = None if pd.isna(row[kpi]) else row[kpi]
            assert shown == pytest.approx(value, abs=2e-3), (quarter, kpi)


def test_jira_only_report_shows_no_aligned_share_and_a_composite_without_three_pillars(
    jira_only_warehouse, tmp_path: Path
):
    serving = tmp_path / "serving.duckdb"
    with duckdb.connect(str(serving)) as con:
        con.execute(f"attach '{jira_only_warehouse.path}' as built (read_only)")
        con.execute(f"create table {PUBLISH_INFO} as select 1 as unpublished where false")
        for name in set(SERVING_TABLES_READ) - {PUBLISH_INFO}:
            con.execute(f'create table "{name}" as select * from built.marts."mart_{name}"')
    page = build_kpi_report(serving, tmp_path / "report.html").path.read_text()

    def tile(kpi: str) -> str:
        return re.search(rf'data-kpi="{kpi}">(.*?)</div></div>', page, re.S).group(1)

    assert '<div class="value">—</div>' in tile("aligned_work_share_pct")
    assert "without customer, strategy, capability" in tile("composite_score")


# -- spreadsheets-only --------------------------------------------------------------------


def test_spreadsheets_only_delivery_kpis_and_pillar_are_null_not_0(spreadsheets_only_warehouse):
    frame = scorecard(spreadsheets_only_warehouse)
    assert not frame.empty
    assert frame[[*DELIVERY_KPIS, "delivery_score", "aligned_work_share_pct"]].isna().all().all()


def test_spreadsheets_only_composite_names_the_missing_pillars(spreadsheets_only_warehouse):
    frame = scorecard(spreadsheets_only_warehouse)
    assert_composite_names_what_it_lacks(frame)
    assert frame["missing_pillars"].str.contains("delivery").all()


def test_spreadsheets_only_value_delivery_rate_per_quarter_equals_the_oracle(
    spreadsheets_only_warehouse,
):
    answers = defaultdict(list)
    for wave, rows in spreadsheets_only_warehouse.portfolio.survey_waves.items():
        quarter = date(int(wave[:4]), 3 * int(wave[-1]) - 2, 1)
        answers[quarter] += [r["overall_value"] for r in rows if r["overall_value"] is not None]
    frame = scorecard(spreadsheets_only_warehouse)
    for quarter, row in frame.iterrows():
        values = answers.get(quarter, [])
        expected = (
            100 * sum(v >= 4 for v in values) / len(values) if len(values) >= MIN_CELL else None
        )
        shown = None if pd.isna(row["value_delivery_rate_pct"]) else row["value_delivery_rate_pct"]
        assert shown == pytest.approx(expected), quarter


def test_spreadsheets_only_projects_have_no_scope_or_earned_value(spreadsheets_only_warehouse):
    health = spreadsheets_only_warehouse.query("select * from marts.mart_portfolio_health")
    assert len(health) == len(spreadsheets_only_warehouse.portfolio.projects)
    columns = ["scope_basis", "scope_done_pct", "earned_value", "cost_performance_index"]
    assert health[columns].isna().all().all()
