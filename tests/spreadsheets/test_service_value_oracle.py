"""CSAT per service and wave, and CSAT, perceived value index and their intervals per service,
group and wave of the end-to-end run (the demo survey workbooks) equal the oracles computed
from the workbook rows. The messy survey exports have the same oracles in
test_survey_kpi_oracle.py."""

from __future__ import annotations

import duckdb

from sandbox.workbooks import build_portfolio

from .service_value_oracle import MART_QUERY, Rating, service_value
from .test_survey_kpi_oracle import Respondent, csat


def demo_ratings(project_keys: list[str]) -> list[Rating]:
    """Every per-service rating of the demo survey workbooks."""
    waves = build_portfolio(project_keys).survey_waves
    return [
        Rating(row["response_id"], service, row["stakeholder_group"], wave, dimension, score)
        for wave, rows in waves.items()
        for row in rows
        for name, score in row.items()
        for service, _, dimension in [name.partition("|")]
        if dimension
    ]


def test_demo_service_value_per_service_group_and_wave_equals_the_oracle(pipeline_run) -> None:
    with duckdb.connect(str(pipeline_run.warehouse), read_only=True) as con:
        rows = con.execute(MART_QUERY).fetchall()
    expected = service_value(demo_ratings([p.key for p in pipeline_run.sandbox.site.projects]))
    assert {tuple(row[:3]): tuple(row[3:]) for row in rows} == expected
    assert any(not cell[1] for cell in expected.values())  # some cells are shown, not suppressed


def test_demo_csat_per_service_and_wave_equals_the_oracle(pipeline_run) -> None:
    keys = [p.key for p in pipeline_run.sandbox.site.projects]
    kept = [
        Respondent(
            row["wave"], row["stakeholder_group"], {k: v for k, v in row.items() if "|" in k}
        )
        for rows in build_portfolio(keys).survey_waves.values()
        for row in rows
    ]
    with duckdb.connect(str(pipeline_run.warehouse), read_only=True) as con:
        rows = con.execute(
            "select service_id, wave, responses, round(csat_mean, 6), round(csat_pct_4_plus, 6), "
            "answers_quarantined from marts.mart_service_csat"
        ).fetchall()
    assert {(service, wave): tuple(rest) for service, wave, *rest in rows} == csat(kept)
