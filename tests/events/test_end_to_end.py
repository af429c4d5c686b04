"""Jira webhook to published KPI: an issue moved to done shows up in the serving snapshot."""

from __future__ import annotations

import dagster as dg
import pytest

from tests.events.conftest import LoadedSandbox, WebhookRoundTrip
from warehouse.connection import query

pytestmark = pytest.mark.slow


def test_the_sandbox_starts_from_a_successful_full_refresh(loaded_sandbox: LoadedSandbox) -> None:
    assert loaded_sandbox.initial_run.success


def test_the_receiver_accepts_the_signed_webhook(webhook_round_trip: WebhookRoundTrip) -> None:
    assert webhook_round_trip.receiver_status == 202


def test_the_sensor_requests_one_run_for_the_issues_project(
    webhook_round_trip: WebhookRoundTrip,
) -> None:
    result = webhook_round_trip.sensor_result
    assert isinstance(result, dg.SensorResult)
    [request] = result.run_requests
    assert request.tags["pmo/jira_projects"] == webhook_round_trip.project_key


def test_the_requested_run_succeeds(webhook_round_trip: WebhookRoundTrip) -> None:
    assert webhook_round_trip.run is not None
    assert webhook_round_trip.run.success


def test_the_run_loads_only_the_changed_issue(
    webhook_round_trip: WebhookRoundTrip, loaded_sandbox: LoadedSandbox
) -> None:
    latest_load = query(
        loaded_sandbox.warehouse,
        "select key, status_category_key from raw_jira.issues "
        "where _dlt_load_id = (select max(_dlt_load_id) from raw_jira.issues)",
    )
    assert latest_load.values.tolist() == [[webhook_round_trip.issue_key, "done"]]


def test_the_run_rebuilds_the_marts_and_publishes(webhook_round_trip: WebhookRoundTrip) -> None:
    materialized = {
        event.asset_key.to_user_string()
        for event in webhook_round_trip.run.get_asset_materialization_events()
    }
    assert {
        "raw_jira/issues",
        "marts/mart_delivery_throughput_monthly",
        "serving/snapshot",
    } <= materialized


def test_the_kpi_in_the_serving_snapshot_counts_the_issue_moved_to_done(
    webhook_round_trip: WebhookRoundTrip,
) -> None:
    assert webhook_round_trip.kpi_after == webhook_round_trip.kpi_before + 1
