"""The demo portfolio tells one story: its Smartsheet plans are drawn around the build day,
so projects are mid-flight whenever the demo runs, and a project the register also holds has
the register's budget and RAG in its plan (the plan's dates win: portfolio_source_precedence)."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb

from sandbox.smartsheet.portfolio import AS_OF, generate_portfolio
from sandbox.workbooks import build_portfolio

from . import oracle

KEYS = ["APOLLO", "HERMES", "ATLAS", "ZEUS", "ARTEMIS"]


def mid_flight(rows) -> int:
    """How many of the projects' planned windows are neither all ahead nor all behind."""
    return sum(0 < planned < 100 for planned in rows)


def test_plans_drawn_around_an_as_of_day_are_mostly_mid_flight_on_it():
    for as_of in (AS_OF, datetime(2027, 2, 15, tzinfo=UTC)):
        plans = generate_portfolio(projects=8, as_of=as_of).plans()
        planned = []
        for sheet in plans:
            plan = oracle.Plan(sheet)
            windows = [
                (plan.value(t, "Baseline Start"), plan.value(t, "Baseline Finish"), None)
                for t in plan.tasks
            ]
            progress = oracle.weighted_progress(windows, as_of.date())
            planned.append(progress["planned_percent_complete_pct"])
        assert mid_flight(planned) >= len(plans) - 1


def test_a_register_project_has_the_registers_budget_and_rag_in_its_plan_summary():
    register = build_portfolio(KEYS).projects
    plans = generate_portfolio(projects=len(KEYS), register=register)
    for sheet, project in zip(plans.plans(), register, strict=False):
        plan = oracle.Plan(sheet)
        assert sheet.project_key == project["project_key"]
        assert plan.summary("Total Budget") == project["budget"]
        assert oracle.rag_of(plan.summary("Project Status")) == project["rag"].lower()


def test_the_demo_schedule_is_mid_flight_and_agrees_with_the_register(pipeline_run):
    with duckdb.connect(str(pipeline_run.warehouse), read_only=True) as con:
        rows = con.sql(
            "select project_key, planned_percent_complete_pct, conflicting_fields "
            "from marts.mart_portfolio_schedule where source_system = 'smartsheet'"
        ).fetchall()
    assert mid_flight(planned for _, planned, _ in rows) >= len(rows) - 1 > 0
    conflicts = {field for *_, found in rows if found for field in found.split(", ")}
    assert conflicts <= {"baseline finish", "forecast finish"}
