"""Fixtures: the end-to-end run's warehouse (Jira and the register, built by Dagster) copied,
its portfolio marts rebuilt by dbt from the register alone, then again after a messy
Smartsheet account (Gantt template plans, and two projects as Smartsheet's Project Online
import lays them out) was loaded over HTTP from the emulator by the real connector."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import dlt
import duckdb
import pandas as pd
import pytest

from connectors.smartsheet import smartsheet_source
from sandbox.smartsheet.emulator import SmartsheetEmulator
from sandbox.smartsheet.portfolio import (
    PROJECT_ONLINE,
    HistoryEntry,
    Portfolio,
    Sheet,
    generate_portfolio,
)
from sandbox.workbooks import build_portfolio
from tests.smartsheet.conftest import TOKEN, settings
from tests.transforms.conftest import dbt

AS_OF = date(2026, 4, 1)
# Only the portfolio models and what reads them: everything upstream is the run's.
SELECTION = (
    "--select",
    "portfolio_project_map portfolio_rag_labels stg_smartsheet__* int_portfolio__* "
    "mart_portfolio_schedule mart_portfolio_milestone_slip mart_portfolio_milestone_slip_history "
    "mart_portfolio_plan_changes_monthly mart_portfolio_rag_history mart_portfolio_slip_monthly "
    "mart_pmo_value_scorecard_quarterly",
    "--vars",
    json.dumps({"portfolio_as_of": AS_OF.isoformat()}),
)
MARTS = (
    "mart_portfolio_schedule",
    "mart_portfolio_milestone_slip",
    "mart_portfolio_milestone_slip_history",
    "mart_portfolio_plan_changes_monthly",
    "mart_portfolio_rag_history",
    "mart_portfolio_slip_monthly",
    "mart_pmo_value_scorecard_quarterly",
)


@dataclass
class MessyEdits:
    """What was done to the Smartsheet account between its two loads."""

    no_baseline: int = 0  # a milestone whose baseline was cleared
    rebaselined: int = 0  # a milestone whose baseline finish moved (with cell history)
    out_of_range: int = 0  # a task at "150%"
    not_a_number: int = 0  # a task at "n/a"
    localised_rag: int = 0  # a task whose status reads "Rot"
    unknown_rag: int = 0  # a task whose status reads "Violet"
    deleted: int = 0  # a task deleted after the first load
    recovered: int = 0  # a task red until it turned green after the as-of day
    unlisted_label: int = 0  # a picklist task once "Kritisch", a word the seed does not list


def mess_up(plans: Portfolio) -> MessyEdits:
    """The messy world on five of the plans: each edit through the emulator's own API."""
    apollo, hermes, atlas, zeus, picklist, *_ = plans.plans()
    edits = MessyEdits()
    go_live = apollo.rows[-1]
    plans.update_row(apollo.id, go_live.id, {"Baseline Start": None, "Baseline Finish": None})
    edits.no_baseline = go_live.id
    # Smartsheet keeps every cell's history; the emulator tracks finish and status only, so
    # the baseline's first value is recorded before it moves.
    go_live = hermes.rows[-1]
    column = hermes.column("Baseline Finish")
    original = go_live.values[column.id]
    go_live.history[column.id] = [HistoryEntry(original, go_live.created_at, go_live.created_by)]
    plans.update_row(hermes.id, go_live.id, {"Baseline Finish": original + timedelta(days=7)})
    edits.rebaselined = go_live.id
    tasks = [row for row in atlas.rows if row.parent_id is not None]
    plans.update_row(atlas.id, tasks[0].id, {"% Complete": "150%"})
    plans.update_row(atlas.id, tasks[1].id, {"% Complete": "n/a"})
    edits.out_of_range, edits.not_a_number = tasks[0].id, tasks[1].id
    tasks = [row for row in zeus.rows if row.parent_id is not None]
    plans.update_row(zeus.id, tasks[0].id, {"Status": "Rot"})
    plans.update_row(zeus.id, tasks[1].id, {"Status": "Violet"})
    plans.update_row(zeus.id, tasks[2].id, {"Status": "Red"})
    edits.localised_rag, edits.unknown_rag = tasks[0].id, tasks[1].id
    plans.delete_row(zeus.id, tasks[3].id)
    edits.deleted = tasks[3].id
    # A task red since the plan was drawn turns green now: its red span ends after the as-of
    # day, where time red stops counting.
    red = next(row for row in atlas.rows if row.values.get(atlas.column("Status").id) == "Red")
    plans.update_row(atlas.id, red.id, {"Status": "Green"})
    edits.recovered = red.id
    edits.unlisted_label = unlisted_label(plans, picklist)
    return edits


def unlisted_label(plans: Portfolio, sheet: Sheet) -> int:
    """A task of the picklist-status plan that once held "Kritisch" (between its first two
    status entries, before the as-of day); re-entering its status makes the row changed."""
    column = sheet.column("Status")
    task = next(row for row in sheet.rows if len(row.history.get(column.id, [])) >= 2)
    first, second = task.history[column.id][:2]
    moment = first.modified_at + (second.modified_at - first.modified_at) / 2
    task.history[column.id].insert(1, HistoryEntry("Kritisch", moment, first.modified_by))
    plans.update_row(sheet.id, task.id, {"Status": task.values[column.id]})
    return task.id


@dataclass(frozen=True)
class PortfolioBuild:
    """The portfolio marts built from the register alone, then with Smartsheet too."""

    register_only: dict[str, pd.DataFrame]
    both: dict[str, pd.DataFrame]
    plans: Portfolio  # the Smartsheet account as last loaded
    register: list[dict]
    jira_keys: set[str]
    edits: MessyEdits
    warehouse: Path

    def query(self, sql: str) -> pd.DataFrame:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.sql(sql).df()


def marts(warehouse: Path) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {name: con.sql(f"select * from marts.{name}").df() for name in MARTS}


def build(warehouse: Path, command: str = "build") -> None:
    """The portfolio models (and their data tests, with ``build``); the unit tests run in
    every full build of the project."""
    options = ("--exclude-resource-type", "unit_test") if command == "build" else ()
    result = dbt(warehouse, command, *SELECTION, *options)
    assert result.returncode == 0, result.stdout[-5000:]


def add_project_online_import(plans: Portfolio) -> None:
    """Two more projects in the account as the Project Online import creates them: a "PMO
    Standards" workspace with a Summary, Tasks and Resources sheet per project, read by the
    ready-made `project_online` map (Health, Cost, Milestone; no sheet summary). They are the
    catalogue's last two (DEMETER, PRJ8): in neither Jira nor the register."""
    imported = generate_portfolio(seed=5, projects=9, tasks_per_sheet=24, layout=PROJECT_ONLINE)
    kept = [sheet.project_key for sheet in imported.plans()][-2:]
    for sheet in list(imported.sheets.values()):
        if sheet.project_key not in kept:
            imported.delete_sheet(sheet.id)
    plans.sheets |= imported.sheets
    plans.workspaces += imported.workspaces


def run_copy(pipeline_run, root: Path) -> Path:
    """The run's warehouse copied to `root`, without whatever Smartsheet account it loaded."""
    warehouse = root / "pmo.duckdb"
    shutil.copyfile(pipeline_run.warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("drop schema if exists raw_smartsheet cascade")
    return warehouse


def smartsheet_pipeline(warehouse: Path) -> dlt.Pipeline:
    return dlt.pipeline(
        "portfolio_smartsheet",
        destination=dlt.destinations.duckdb(str(warehouse)),
        dataset_name="raw_smartsheet",
        pipelines_dir=str(warehouse.parent / "dlt"),
    )


@pytest.fixture(scope="session")
def portfolio_build(pipeline_run, tmp_path_factory: pytest.TempPathFactory) -> PortfolioBuild:
    warehouse = run_copy(pipeline_run, tmp_path_factory.mktemp("portfolio"))
    build(warehouse, "run")
    register_only = marts(warehouse)
    plans = generate_portfolio(projects=5, tasks_per_sheet=24)  # the fifth is not in Jira
    add_project_online_import(plans)
    pipeline = smartsheet_pipeline(warehouse)
    workspaces = ",".join(str(workspace.id) for workspace in plans.workspaces)
    with SmartsheetEmulator(plans, access_token=TOKEN) as emulator:
        options = settings(emulator, cell_history="all", workspace_ids=workspaces)
        pipeline.run(smartsheet_source(**options))
        edits = mess_up(plans)
        pipeline.run(smartsheet_source(**options))
    build(warehouse)
    keys = [project.key for project in pipeline_run.sandbox.site.projects]
    register = build_portfolio(keys).projects  # the demo's register workbook
    return PortfolioBuild(
        register_only, marts(warehouse), plans, register, set(keys), edits, warehouse
    )
