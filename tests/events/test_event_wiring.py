"""How the event-driven parts are wired into the code location."""

from __future__ import annotations

import dagster as dg
import pytest

from pipelines.defs.automation import RUN_MAX_RUNTIME_SECONDS, STEP_RETRY_POLICY
from pipelines.defs.ingestion import JIRA_REFRESH_TAG


def selected(definitions: dg.Definitions, job_name: str) -> set[str]:
    job = definitions.resolve_job_def(job_name)
    return {key.to_user_string() for key in job.asset_layer.selected_asset_keys}


@pytest.mark.parametrize(
    ("sensor", "job", "status"),
    [
        ("jira_webhook_sensor", "jira_incremental", dg.DefaultSensorStatus.RUNNING),
        ("jira_polling_sensor", "jira_incremental", dg.DefaultSensorStatus.STOPPED),
        ("spreadsheet_landing_sensor", "spreadsheets_refresh", dg.DefaultSensorStatus.RUNNING),
    ],
)
def test_each_sensor_targets_its_job_with_its_default_status(
    definitions: dg.Definitions, sensor: str, job: str, status: dg.DefaultSensorStatus
) -> None:
    sensor_def = definitions.resolve_sensor_def(sensor)
    assert sensor_def.job_name == job
    assert sensor_def.default_status == status


def test_webhook_runs_carry_jira_through_to_the_published_snapshot(
    definitions: dg.Definitions,
) -> None:
    assets = selected(definitions, "jira_incremental")
    assert {
        "raw_jira/issues",
        "marts/mart_delivery_throughput_monthly",
        "serving/snapshot",
    } <= assets
    assert not any(key.startswith("raw_spreadsheets/") for key in assets)


def test_landing_runs_carry_the_spreadsheets_to_the_published_snapshot(
    definitions: dg.Definitions,
) -> None:
    assets = selected(definitions, "spreadsheets_refresh")
    assert {
        "raw_spreadsheets/survey_answers",
        "marts/mart_service_csat",
        "serving/snapshot",
    } <= assets
    assert not any(key.startswith("raw_jira/") for key in assets)


@pytest.mark.parametrize("job", ["jira_incremental", "spreadsheets_refresh", "jira_reconciliation"])
def test_event_runs_carry_a_maximum_runtime(definitions: dg.Definitions, job: str) -> None:
    tags = definitions.resolve_job_def(job).run_tags
    assert tags["dagster/max_runtime"] == str(RUN_MAX_RUNTIME_SECONDS)


@pytest.mark.parametrize("job", ["jira_incremental", "spreadsheets_refresh", "jira_reconciliation"])
def test_event_run_steps_retry_with_exponential_backoff(
    definitions: dg.Definitions, job: str
) -> None:
    job_def = definitions.resolve_job_def(job)
    assert job_def.op_retry_policy == STEP_RETRY_POLICY
    assert STEP_RETRY_POLICY.backoff == dg.Backoff.EXPONENTIAL


def test_the_reconciliation_run_asks_the_jira_load_to_drop_and_reload(
    definitions: dg.Definitions,
) -> None:
    tags = definitions.resolve_job_def("jira_reconciliation").run_tags
    assert tags[JIRA_REFRESH_TAG] == "drop_data"


def test_event_runs_include_the_checks_of_other_tables_that_read_the_source(
    definitions: dg.Definitions,
) -> None:
    job = definitions.resolve_job_def("jira_incremental")
    register_check = dg.AssetCheckKey(
        dg.AssetKey(["raw_spreadsheets", "project_register"]), "gx_project_register"
    )
    assert register_check in job.asset_layer.asset_graph.asset_check_keys


def test_the_reconciliation_runs_weekly_after_the_nightly_refresh(
    definitions: dg.Definitions,
) -> None:
    schedule = definitions.resolve_schedule_def("weekly_jira_reconciliation")
    assert schedule.cron_schedule == "0 3 * * 0"
    assert schedule.job_name == "jira_reconciliation"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING


def test_declarative_automation_is_evaluated_by_default(definitions: dg.Definitions) -> None:
    sensor = definitions.resolve_sensor_def("pmo_automation")
    assert isinstance(sensor, dg.AutomationConditionSensorDefinition)
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING


def test_declarative_automation_is_evaluated_at_most_once_a_minute(
    definitions: dg.Definitions,
) -> None:
    """Each evaluation takes CPU from the run in progress; event runs need none of it."""
    assert definitions.resolve_sensor_def("pmo_automation").minimum_interval_seconds >= 60


def test_marts_and_the_publish_step_follow_their_upstreams(definitions: dg.Definitions) -> None:
    graph = definitions.resolve_asset_graph()
    for key in ("marts/mart_delivery_throughput_monthly", "serving/snapshot"):
        assert graph.get(dg.AssetKey.from_user_string(key)).automation_condition is not None


@pytest.mark.parametrize("job", ["jira_incremental", "spreadsheets_refresh"])
def test_event_run_steps_execute_in_the_run_worker(definitions: dg.Definitions, job: str) -> None:
    assert definitions.resolve_job_def(job).executor_def == dg.in_process_executor
