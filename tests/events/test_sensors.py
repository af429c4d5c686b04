"""The event sensors, evaluated in process: what each one requests, and when it stays quiet."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest

from pipelines.defs.sensors import (
    jira_polling_sensor,
    jira_webhook_sensor,
    spreadsheet_landing_sensor,
)
from pipelines.events.jira_events import parse_delivery
from pipelines.events.spool import WebhookSpool
from tests.events.conftest import issue_event

SEARCH_PATH = "/rest/api/3/search/jql"


@pytest.fixture
def spool_in_env(spool: WebhookSpool, monkeypatch: pytest.MonkeyPatch) -> WebhookSpool:
    monkeypatch.setenv("PMO_WEBHOOK_SPOOL", str(spool.path))
    return spool


def spool_events(spool: WebhookSpool, *bodies: bytes) -> None:
    for n, body in enumerate(bodies):
        spool.append(parse_delivery(body, f"delivery-{spool.count()}-{n}"))


def only_request(result: dg.SensorResult | dg.SkipReason) -> dg.RunRequest:
    assert isinstance(result, dg.SensorResult), result
    [request] = result.run_requests
    return request


# --- webhook spool sensor ---------------------------------------------------------------------


def test_spooled_webhooks_become_one_incremental_jira_run(spool_in_env, evaluate) -> None:
    spool_events(
        spool_in_env,
        issue_event("ALPHA-1"),
        issue_event("ALPHA-1", event="jira:issue_deleted"),
        issue_event("BETA-4"),
        b'{"webhookEvent": "sprint_closed", "sprint": {"id": 9}}',
    )
    request = only_request(evaluate(jira_webhook_sensor, None))
    assert request.tags["pmo/jira_projects"] == "ALPHA,BETA"
    assert request.tags["pmo/webhook_deliveries"] == "4"
    assert request.tags["pmo/changed_issues"] == "2"


def test_the_cursor_moves_past_the_batch(spool_in_env, evaluate) -> None:
    spool_events(spool_in_env, issue_event("ALPHA-1"), issue_event("ALPHA-2"))
    result = evaluate(jira_webhook_sensor, None)
    assert result.cursor == "2"
    assert isinstance(evaluate(jira_webhook_sensor, result.cursor), dg.SkipReason)


def test_a_re_evaluated_tick_asks_for_the_same_run_key(spool_in_env, evaluate) -> None:
    spool_events(spool_in_env, issue_event("ALPHA-1"))
    first = only_request(evaluate(jira_webhook_sensor, None))
    again = only_request(evaluate(jira_webhook_sensor, None))
    assert first.run_key == again.run_key


def test_new_deliveries_after_the_cursor_get_a_new_run_key(spool_in_env, evaluate) -> None:
    spool_events(spool_in_env, issue_event("ALPHA-1"))
    first = evaluate(jira_webhook_sensor, None)
    spool_events(spool_in_env, issue_event("ALPHA-2"))
    second = only_request(evaluate(jira_webhook_sensor, first.cursor))
    assert second.run_key != only_request(first).run_key
    assert second.tags["pmo/webhook_deliveries"] == "1"


def test_the_webhook_sensor_waits_for_a_spool(tmp_path, monkeypatch, evaluate) -> None:
    monkeypatch.setenv("PMO_WEBHOOK_SPOOL", str(tmp_path / "absent.sqlite3"))
    assert isinstance(evaluate(jira_webhook_sensor, None), dg.SkipReason)


def test_sprint_only_batches_load_every_project(spool_in_env, evaluate) -> None:
    spool_events(spool_in_env, b'{"webhookEvent": "sprint_started", "sprint": {"id": 1}}')
    assert only_request(evaluate(jira_webhook_sensor, None)).tags["pmo/jira_projects"] == "all"


# --- polling fallback --------------------------------------------------------------------------


def test_polling_asks_for_a_run_when_jira_has_updates(served_site, evaluate) -> None:
    site, _ = served_site
    result = evaluate(jira_polling_sensor, None)
    only_request(result)
    newest = max(issue.updated for issue in site.issues.values())
    assert datetime.fromisoformat(result.cursor) == newest


def test_polling_stays_quiet_when_nothing_changed(served_site, evaluate) -> None:
    cursor = evaluate(jira_polling_sensor, None).cursor
    assert isinstance(evaluate(jira_polling_sensor, cursor), dg.SkipReason)


def test_polling_sees_an_issue_moved_after_the_cursor(served_site, evaluate) -> None:
    site, _ = served_site
    cursor = evaluate(jira_polling_sensor, None).cursor
    issue = next(iter(site.issues.values()))
    site.transition(issue.key, issue.project.workflow.done.id, datetime.now(UTC))
    request = only_request(evaluate(jira_polling_sensor, cursor))
    assert request.tags["pmo/jira_updated"] == issue.updated.isoformat()


def test_a_poll_is_a_single_one_issue_search(served_site, evaluate) -> None:
    _, emulator = served_site
    cursor = evaluate(jira_polling_sensor, None).cursor
    emulator.reset_counts()
    evaluate(jira_polling_sensor, cursor)
    assert emulator.request_counts[SEARCH_PATH] == 1


# --- spreadsheet landing folder ----------------------------------------------------------------


@pytest.fixture
def landing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "landing"
    folder.mkdir()
    (folder / "value_survey_2026-Q3.csv").write_text("Wave,Score\n2026-Q3,4\n")
    (folder / "service_catalogue.csv").write_text("service_id\nS1\n")
    monkeypatch.setenv("SOURCES__SPREADSHEETS__LANDING_URL", str(folder))
    return folder


def test_files_not_seen_before_request_a_spreadsheet_run(landing, evaluate) -> None:
    result = evaluate(spreadsheet_landing_sensor, None)
    assert only_request(result).tags["pmo/changed_files"] == "2"
    assert sorted(json.loads(result.cursor)) == [
        "service_catalogue.csv",
        "value_survey_2026-Q3.csv",
    ]


def test_an_unchanged_folder_requests_nothing(landing, evaluate) -> None:
    cursor = evaluate(spreadsheet_landing_sensor, None).cursor
    assert evaluate(spreadsheet_landing_sensor, cursor).run_requests == []


def test_a_touched_but_identical_file_requests_nothing(landing, evaluate) -> None:
    cursor = evaluate(spreadsheet_landing_sensor, None).cursor
    survey = landing / "value_survey_2026-Q3.csv"
    os.utime(survey, (survey.stat().st_atime, survey.stat().st_mtime + 60))
    assert evaluate(spreadsheet_landing_sensor, cursor).run_requests == []


def test_a_new_survey_export_requests_a_run_for_it(landing, evaluate) -> None:
    cursor = evaluate(spreadsheet_landing_sensor, None).cursor
    (landing / "value_survey_2026-Q4.csv").write_text("Wave,Score\n2026-Q4,5\n")
    assert (
        only_request(evaluate(spreadsheet_landing_sensor, cursor)).tags["pmo/changed_files"] == "1"
    )


def test_content_changed_back_and_forth_runs_each_time(landing, evaluate) -> None:
    survey = landing / "value_survey_2026-Q3.csv"
    original = survey.read_text()
    first = evaluate(spreadsheet_landing_sensor, None)
    survey.write_text("Wave,Score\n2026-Q3,1\n")
    second = evaluate(spreadsheet_landing_sensor, first.cursor)
    survey.write_text(original)
    third = evaluate(spreadsheet_landing_sensor, second.cursor)
    keys = [only_request(r).run_key for r in (first, second, third)]
    assert len(set(keys)) == 3
