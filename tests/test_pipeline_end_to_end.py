"""The demo pipeline, materialised through Dagster into a temporary DuckDB, twice.

Expected KPI values are computed here from the generated sandbox itself (the Jira site's
domain objects and the survey workbooks read with openpyxl), never from the pipeline's output.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from warehouse.connection import query

pytestmark = pytest.mark.slow


def expected_throughput(site) -> pd.DataFrame:
    """Issues and story points per project and month of each issue's first move to done; a
    month whose done issues nobody estimated has no story points (not 0)."""
    totals: dict[tuple[str, str], list] = defaultdict(lambda: [0, None])
    for issue in site.issues.values():
        if issue.issue_type.subtask:
            continue
        done_at = issue.first_done_at or (
            issue.created if issue.status_category_key == "done" else None
        )
        if done_at is None:
            continue
        cell = totals[(issue.project.key, done_at.strftime("%Y-%m"))]
        cell[0] += 1
        if issue.story_points is not None:
            cell[1] = (cell[1] or 0.0) + issue.story_points
    rows = [(p, m, n, sp) for (p, m), (n, sp) in totals.items()]
    frame = pd.DataFrame(rows, columns=["project_key", "month", "issues_done", "story_points_done"])
    return frame.sort_values(["project_key", "month"]).reset_index(drop=True)


def expected_csat(landing: Path) -> pd.DataFrame:
    """Mean satisfaction and share of 4-5 ratings per service and wave, from the workbooks."""
    ratings: dict[tuple[str, str], list[int]] = defaultdict(list)
    for path in sorted(landing.glob("value_survey_*.xlsx")):
        sheet = openpyxl.load_workbook(path, read_only=True)["Responses"]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows)
        wave_at = header.index("Wave")
        for row in rows:
            for column, value in zip(header, row, strict=False):
                if column.endswith(" satisfaction") and value is not None:
                    ratings[(column.removesuffix(" satisfaction"), row[wave_at])].append(value)
    records = [
        (service, wave, len(r), sum(r) / len(r), 100 * sum(v >= 4 for v in r) / len(r))
        for (service, wave), r in ratings.items()
    ]
    columns = ["service_id", "wave", "responses", "csat_mean", "csat_pct_4_plus"]
    return pd.DataFrame(records, columns=columns).sort_values(["service_id", "wave"])


def test_first_refresh_succeeds(pipeline_run) -> None:
    assert pipeline_run.first.success


def test_second_refresh_succeeds(pipeline_run) -> None:
    assert pipeline_run.second.success


def test_no_blocking_quality_check_fails_on_the_sandbox(pipeline_run) -> None:
    evaluations = pipeline_run.first.get_asset_check_evaluations()
    gx = [e for e in evaluations if e.check_name.startswith("gx_")]
    assert {e.asset_key.to_user_string() for e in gx} >= {
        "raw_jira/issues",
        "marts/mart_value_delivery_rate",
    }
    blocking = [e.check_name for e in gx if not e.passed and e.severity.value == "ERROR"]
    assert blocking == []


def test_every_raw_table_is_loaded(pipeline_run) -> None:
    counts = pipeline_run.counts_after_first
    assert counts["raw_jira.issues"] == len(pipeline_run.sandbox.site.issues)
    assert counts["raw_jira.projects"] == len(pipeline_run.sandbox.site.projects)
    assert counts["raw_spreadsheets.survey_answers"] > 0


def test_running_again_adds_no_rows(pipeline_run) -> None:
    assert pipeline_run.counts_after_second == pipeline_run.counts_after_first


def test_throughput_mart_matches_the_jira_site(pipeline_run) -> None:
    mart = query(
        pipeline_run.warehouse,
        "select project_key, strftime(month_start, '%Y-%m') as month, issues_done, "
        "story_points_done from marts.mart_delivery_throughput_monthly order by 1, 2",
    )
    expected = expected_throughput(pipeline_run.sandbox.site)
    pd.testing.assert_frame_equal(mart, expected, check_dtype=False)


def test_csat_mart_matches_the_survey_workbooks(pipeline_run) -> None:
    mart = query(
        pipeline_run.warehouse,
        "select service_id, wave, responses, csat_mean, csat_pct_4_plus, is_suppressed "
        "from marts.mart_service_csat order by service_id, wave",
    )
    expected = expected_csat(pipeline_run.sandbox.landing_dir)
    keys = ["service_id", "wave"]
    assert mart[keys].values.tolist() == expected[keys].values.tolist()
    assert mart.responses.tolist() == expected.responses.tolist()
    shown = ~mart.is_suppressed
    assert shown.any()
    for column in ("csat_mean", "csat_pct_4_plus"):
        assert mart[column][shown].to_numpy() == pytest.approx(
            expected[column][shown.to_numpy()].to_numpy()
        )


def test_cells_under_five_respondents_are_suppressed(pipeline_run) -> None:
    mart = query(
        pipeline_run.warehouse,
        "select responses, is_suppressed, csat_mean from marts.mart_service_csat",
    )
    small = mart[mart.responses < 5]
    assert small.is_suppressed.all()
    assert small.csat_mean.isna().all()
