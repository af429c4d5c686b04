"""A Smartsheet callback becomes a run that reads only the sheet it names: an edit in the
emulator, its signed callback through a real receiver into the spool, the webhook sensor's run
request, and the Dagster load it tags, counted request by request at the emulator."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster_dlt import DagsterDltResource

from connectors.smartsheet.settings import SETTING_NAMES
from pipelines.defs.resources import Warehouse
from pipelines.defs.smartsheet import SHEETS_TAG, smartsheet_raw, smartsheet_webhook_sensor
from pipelines.events.settings import SPOOL_ENV
from pipelines.events.smartsheet_receiver import SMARTSHEET_WEBHOOK_PATH
from pipelines.events.smartsheet_register import register_webhooks
from pipelines.events.smartsheet_spool import SmartsheetSpool, smartsheet_spool_path
from pipelines.events.spool import WebhookSpool
from sandbox.smartsheet.emulator import Request, SmartsheetEmulator
from sandbox.smartsheet.portfolio import GANTT, generate_portfolio
from sandbox.webhooks import running_receiver
from tests.events.conftest import SECRET

TOKEN = "demo-token"


@dataclass(frozen=True)
class CallbackRun:
    """What the run a callback asked for did, and what the emulator saw of it."""

    sheet_id: int
    row_id: int
    tags: dict[str, str]
    result: dg.ExecuteInProcessResult
    requests: list[Request]
    warehouse: Path
    other_sheets: set[int]


def load(warehouse: Path, tags: dict[str, str] | None = None) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [smartsheet_raw],
        resources={
            "dlt_resource": DagsterDltResource(),
            "warehouse": Warehouse(path=str(warehouse)),
        },
        instance=dg.DagsterInstance.ephemeral(),
        tags=tags,
        raise_on_error=False,
    )


@pytest.fixture(scope="module")
def callback_run(
    tmp_path_factory: pytest.TempPathFactory, dagster_instance: dg.DagsterInstance
) -> Iterator[CallbackRun]:
    root = tmp_path_factory.mktemp("smartsheet_callback")
    warehouse = root / "pmo.duckdb"
    portfolio = generate_portfolio(projects=3, tasks_per_sheet=8, layout=GANTT)
    with (
        SmartsheetEmulator(portfolio, access_token=TOKEN) as emulator,
        pytest.MonkeyPatch.context() as env,
    ):
        env.setenv(SETTING_NAMES["access_token"], TOKEN)
        env.setenv(SETTING_NAMES["base_url"], emulator.base_url)
        env.setenv(SETTING_NAMES["pseudonymisation_key"], "test-key")
        env.setenv(SETTING_NAMES["requests_per_minute"], "0")
        env.setenv(SPOOL_ENV, str(root / "webhook_spool.sqlite3"))
        assert load(warehouse).success
        plan = portfolio.plans()[1]
        row = plan.rows[2]
        with (
            SmartsheetSpool(smartsheet_spool_path()) as spool,
            WebhookSpool(root / "jira_spool.sqlite3") as jira_spool,
            running_receiver(jira_spool, SECRET, smartsheet=spool) as url,
        ):
            register_webhooks(url + SMARTSHEET_WEBHOOK_PATH, spool)
            portfolio.update_row(plan.id, row.id, {"Status": "Red"})
            assert emulator.deliver_callbacks()
        context = dg.build_sensor_context(
            instance=dagster_instance, sensor_name=smartsheet_webhook_sensor.name
        )
        request = smartsheet_webhook_sensor(context).run_requests[0]
        emulator.reset_counts()
        result = load(warehouse, request.tags)
        others = set(portfolio.sheets) - {plan.id}
        yield CallbackRun(
            plan.id, row.id, request.tags, result, list(emulator.requests), warehouse, others
        )


def test_the_sensor_tags_the_run_with_the_sheet_the_callback_named(callback_run) -> None:
    assert callback_run.tags[SHEETS_TAG] == str(callback_run.sheet_id)


def test_the_run_reads_the_named_sheet_and_its_summary_alone(callback_run) -> None:
    sheet = f"/sheets/{callback_run.sheet_id}"
    assert callback_run.result.success
    assert sorted(r.path for r in callback_run.requests) == [sheet, f"{sheet}/summary"]


def test_the_run_loads_the_edit(callback_run) -> None:
    with duckdb.connect(str(callback_run.warehouse), read_only=True) as con:
        (status,) = con.execute(
            "select status from raw_smartsheet.rows where row_id = ?", [callback_run.row_id]
        ).fetchone()
    assert status == "Red"


def test_the_other_sheets_stay_loaded(callback_run) -> None:
    with duckdb.connect(str(callback_run.warehouse), read_only=True) as con:
        loaded = {
            s for (s,) in con.execute("select sheet_id from raw_smartsheet.sheets").fetchall()
        }
    assert callback_run.other_sheets <= loaded
