"""A blocking failure stops everything downstream in the run; quarantine and alerts show it."""

from __future__ import annotations

import json

import dagster as dg
import pytest

from pipelines.alerts import send_alert
from warehouse.connection import query

pytestmark = pytest.mark.slow


def materialized(run) -> set[str]:
    return {e.asset_key.to_user_string() for e in run.result.get_asset_materialization_events()}


def evaluation(run, check_name: str) -> dg.AssetCheckEvaluation:
    (found,) = [e for e in run.result.get_asset_check_evaluations() if e.check_name == check_name]
    return found


def after_first_tick(run) -> dg.SensorEvaluationContext:
    """The check alert sensor's next tick after its first, which came before ``run``."""
    return dg.build_sensor_context(instance=run.instance, cursor=run.alert_cursor)


def test_invalid_issue_fails_the_blocking_issue_check(corrupted_run) -> None:
    check = evaluation(corrupted_run, "gx_issues")
    assert not check.passed
    assert check.severity == dg.AssetCheckSeverity.ERROR
    assert "updated,created" in check.description


def test_blocking_failure_stops_the_dbt_models(corrupted_run) -> None:
    built = materialized(corrupted_run)
    assert "raw_jira/issues" in built
    assert not any(key.startswith(("staging/", "intermediate/", "marts/")) for key in built)


def test_blocking_failure_stops_the_publish_step(corrupted_run) -> None:
    assert not any(key.startswith("serving/") for key in materialized(corrupted_run))


def test_bad_answers_are_quarantined_with_their_reason(corrupted_run) -> None:
    rows = query(
        corrupted_run.warehouse,
        "select * from quality.quarantine_by_file "
        "where source_file like '%value_survey_bad_export.csv'",
    )
    (answers,) = rows["answers_quarantined"]
    assert answers > 0
    assert rows["quarantined_pct"].tolist() == [100.0]
    assert "out of range" in rows["reasons"].iloc[0]


def test_quarantine_share_over_the_limit_fails_its_check(corrupted_run) -> None:
    check = evaluation(corrupted_run, "quarantine_share_within_limit")
    assert not check.passed
    assert "value_survey_bad_export.csv" in check.description


def test_failed_checks_are_alerted_to_the_webhook(corrupted_run, alert_inbox) -> None:
    from pipelines.defs.alerting import alert_on_failed_checks

    context = after_first_tick(corrupted_run)
    alert_on_failed_checks(context)
    (posted,) = alert_inbox
    text = json.loads(posted)["text"]
    assert "raw_jira/issues gx_issues" in text
    assert "quarantine_share_within_limit" in text


def test_alerts_already_sent_are_not_sent_again(corrupted_run, alert_inbox) -> None:
    from pipelines.defs.alerting import alert_on_failed_checks

    context = after_first_tick(corrupted_run)
    alert_on_failed_checks(context)
    alert_on_failed_checks(
        dg.build_sensor_context(instance=corrupted_run.instance, cursor=context.cursor)
    )
    assert len(alert_inbox) == 1


def test_one_tick_alerts_on_every_failed_check_of_the_finished_runs(
    corrupted_run, alert_inbox
) -> None:
    from pipelines.defs import alerting

    failed = [e for e in corrupted_run.result.get_asset_check_evaluations() if not e.passed]
    alerting.alert_on_failed_checks(after_first_tick(corrupted_run))
    (posted,) = alert_inbox
    text = json.loads(posted)["text"]
    assert len(failed) > 2
    assert [
        e.check_name for e in failed if f"{e.asset_key.to_user_string()} {e.check_name}" not in text
    ] == []


def test_an_unreachable_alert_webhook_never_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMO_ALERT_WEBHOOK_URL", "http://127.0.0.1:9/nowhere")
    assert send_alert("title", "body") is False


def test_without_a_webhook_alerts_go_to_the_log(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("PMO_ALERT_WEBHOOK_URL", raising=False)
    assert send_alert("Run failed", "details") is False
    assert "Run failed" in caplog.text


def test_a_register_project_without_jira_warns_with_what_it_means(corrupted_run) -> None:
    from quality.suites import NO_JIRA_PROJECT

    check = evaluation(corrupted_run, "gx_project_register")
    assert check.severity == dg.AssetCheckSeverity.WARN
    assert "['ORION']" in check.description
    assert NO_JIRA_PROJECT in check.description
