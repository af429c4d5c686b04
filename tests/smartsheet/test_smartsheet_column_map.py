"""The column map reads both ready-made layouts, keeps unknown columns, and names the sheet and
the column when a required one is missing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from dlt.common.pipeline import LoadInfo
from dlt.pipeline.exceptions import PipelineStepFailed

from connectors.smartsheet import smartsheet_source
from connectors.smartsheet.errors import SmartsheetConfigError
from sandbox.jira.site import PROJECT_CATALOGUE
from sandbox.smartsheet.emulator import SmartsheetEmulator
from sandbox.smartsheet.portfolio import PROJECT_ONLINE, Portfolio, generate_portfolio
from tests.jira.conftest import reader, root_cause
from tests.smartsheet.conftest import TOKEN, Query, raw_pipeline, settings


def test_gantt_rows_are_flattened_by_role(
    load: Callable[..., LoadInfo], portfolio: Portfolio, query: Query
) -> None:
    load()
    plan = portfolio.plans()[0]
    task = plan.rows[1]
    value = {c.title: task.values.get(c.id) for c in plan.columns}
    row = query(
        "select task_name, start_date, finish_date, baseline_finish, duration_days, "
        "percent_complete, status, rag, is_milestone, budget, actual_cost, project_id "
        f"from raw_smartsheet.rows where row_id = {task.id}"
    )
    rag = {"Green": "green", "Yellow": "amber", "Red": "red"}[value["Status"]]
    assert row == [
        (
            value["Task Name"],
            value["Start"],
            value["Finish"],
            value["Baseline Finish"],
            float(value["Duration"]),
            value["% Complete"],
            value["Status"],
            rag,
            False,
            value["Budget"],
            value["Actual Cost"],
            plan.project_key,
        )
    ]


def test_duration_zero_rows_are_milestones(load: Callable[..., LoadInfo], query: Query) -> None:
    load()
    milestones = query(
        "select task_name, duration_days from raw_smartsheet.rows where is_milestone"
    )
    assert milestones == [("Go-live", 0.0)] * 4


def test_sheets_carry_the_jira_project_key(load: Callable[..., LoadInfo], query: Query) -> None:
    load()
    keys = {key for (key,) in query("select project_id from raw_smartsheet.sheets")}
    assert keys == {key for key, _name in PROJECT_CATALOGUE[:4]}


def test_unknown_columns_are_kept_in_extra(
    load: Callable[..., LoadInfo], portfolio: Portfolio, query: Query
) -> None:
    plan = portfolio.plans()[0]
    portfolio.update_row(plan.id, plan.rows[2].id, {"Comments": "waiting for the vendor"})
    load()
    (extra,) = query(f"select extra from raw_smartsheet.rows where row_id = {plan.rows[2].id}")[0]
    assert json.loads(extra) == {"Comments": "waiting for the vendor"}


def test_the_project_online_layout_is_read_with_its_map(tmp_path: Path) -> None:
    portfolio = generate_portfolio(projects=2, tasks_per_sheet=12, layout=PROJECT_ONLINE)
    with SmartsheetEmulator(portfolio, access_token=TOKEN) as emulator:
        raw_pipeline("po", tmp_path).run(smartsheet_source(**settings(emulator)))
    query = reader(tmp_path / "po.duckdb")
    maps = dict(query("select name, column_map from raw_smartsheet.sheets where name like 'A%'"))
    assert maps == {
        "APOLLO Apollo launch platform - Summary": "project_online_reference",
        "APOLLO Apollo launch platform - Tasks": "project_online",
        "APOLLO Apollo launch platform - Resources": "project_online_reference",
    }
    tasks = query(
        "select r.project_id, count(*), count(r.finish_date), count(r.rag), count(r.owner_token)"
        ", count(*) filter (where r.is_milestone) from raw_smartsheet.rows r join "
        "raw_smartsheet.sheets s using (sheet_id) where s.column_map = 'project_online' "
        "and r.start_date is not null group by 1 order by 1"
    )
    assert [t[0] for t in tasks] == ["APOLLO", "HERMES"]
    assert all(t[1] == t[2] == t[3] == t[4] and t[5] == 1 for t in tasks)


def test_a_missing_required_column_is_one_line_naming_sheet_and_column(
    load: Callable[..., LoadInfo], portfolio: Portfolio
) -> None:
    plan = portfolio.plans()[1]
    plan.column("Finish").title = "Target"
    with pytest.raises(PipelineStepFailed) as failure:
        load()
    error = root_cause(failure.value)
    assert isinstance(error, SmartsheetConfigError)
    message = str(error)
    assert "\n" not in message
    assert repr(plan.name) in message and "finish" in message and "'Finish'" in message
    assert "SOURCES__SMARTSHEET__COLUMN_MAPS" in message


def test_a_custom_map_file_reads_renamed_columns(
    load: Callable[..., LoadInfo], portfolio: Portfolio, query: Query, tmp_path: Path
) -> None:
    for plan in portfolio.plans():
        plan.column("Finish").title = "Target"
    custom = tmp_path / "pmo_map.json"
    custom.write_text(
        json.dumps(
            {
                "name": "pmo",
                "rules": {
                    "task_name": ["primary"],
                    "start": ["title:Start"],
                    "finish": ["title:Target"],
                },
                "required": ["task_name", "start", "finish"],
            }
        )
    )
    load(column_maps=str(custom))
    missing = query(
        "select count(*) from raw_smartsheet.rows where start_date is not null "
        "and finish_date is null"
    )
    assert missing == [(0,)]


def test_an_unknown_map_name_is_refused(emulator: SmartsheetEmulator, tmp_path: Path) -> None:
    with pytest.raises(PipelineStepFailed) as failure:
        raw_pipeline("bad", tmp_path).extract(
            smartsheet_source(**settings(emulator, column_maps="gant"))
        )
    assert "SOURCES__SMARTSHEET__COLUMN_MAPS names 'gant'" in str(root_cause(failure.value))
