"""Tell people when something needs them: a failed run, a failed check, a missed freshness SLA.

Alerts go to ``PMO_ALERT_WEBHOOK_URL`` when set, else to the log (``pipelines/alerts.py``).
Both sensors alert on what happens from their first tick on, not on the instance's history:
Dagster's run-failure sensor starts there, and the check sensor does the same, so a daemon
started on a long-lived instance (cron runs of ``pmo refresh`` for months, say) neither reads
every run ever made on its first tick nor alerts on failures long since seen or fixed.
"""

import json
from datetime import UTC, datetime

import dagster as dg
from dagster._core.definitions.freshness import FreshnessState, FreshnessStateChange

from pipelines.alerts import send_alert

RECORDS_PER_PAGE = 500
MAX_LINES_PER_ALERT = 50
FINISHED = [
    dg.DagsterRunStatus.SUCCESS,
    dg.DagsterRunStatus.FAILURE,
    dg.DagsterRunStatus.CANCELED,
]


@dg.run_failure_sensor(
    name="alert_on_run_failure",
    description="Alerts on every failed run, with the failing step's error.",
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def alert_on_run_failure(context: dg.RunFailureSensorContext) -> None:
    steps = context.get_step_failure_events()
    reasons = [
        f"{event.step_key}: {event.event_specific_data.error.message.strip().splitlines()[0]}"
        for event in steps
        if event.event_specific_data and event.event_specific_data.error
    ]
    send_alert(
        f"PMO pipeline run failed: {context.dagster_run.job_name}",
        f"run {context.dagster_run.run_id}\n"
        + ("\n".join(reasons) or context.failure_event.message or "no step error recorded"),
    )


def failed_check_message(evaluation: dg.AssetCheckEvaluation) -> str:
    """One line per failed check: which table, which check, what was seen."""
    severity = evaluation.severity.value if evaluation.severity else "ERROR"
    return (
        f"[{severity}] {evaluation.asset_key.to_user_string()} {evaluation.check_name}: "
        f"{evaluation.description or ''}".strip()
    )


def missed_freshness_message(change: FreshnessStateChange) -> str:
    key = change.key.to_user_string()
    return f"[FRESHNESS] {key} is {change.new_state.value}: not refreshed within its SLA"


def _new_records(
    context: dg.SensorEvaluationContext, event_type: dg.DagsterEventType, after: int | None
) -> list[dg.EventLogRecord]:
    """Every record after the cursor, read a page at a time: one tick alerts on all of them."""
    records: list[dg.EventLogRecord] = []
    while True:
        page = context.instance.get_event_records(
            dg.EventRecordsFilter(event_type=event_type, after_cursor=after),
            limit=RECORDS_PER_PAGE,
            ascending=True,
        )
        records += page
        if len(page) < RECORDS_PER_PAGE:
            return records
        after = page[-1].storage_id


def _check_evaluations_of_runs_finished_after(
    context: dg.SensorEvaluationContext, after: float | None
) -> tuple[list[dg.AssetCheckEvaluation], float | None]:
    """The check evaluations of every run that finished since the cursor (a run's last update
    time), and the new cursor. Read run by run: run-sharded SQLite storage, the default
    instance's, answers no cross-run cursor query for check events."""
    runs = context.instance.get_run_records(
        filters=dg.RunsFilter(
            statuses=FINISHED,
            updated_after=datetime.fromtimestamp(after, tz=UTC) if after is not None else None,
        ),
        order_by="update_timestamp",
        ascending=True,
    )
    evaluations = [
        entry.dagster_event.event_specific_data
        for run in runs
        for entry in context.instance.all_logs(
            run.dagster_run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
        )
    ]
    return evaluations, runs[-1].update_timestamp.timestamp() if runs else after


def _starting_cursor(instance: dg.DagsterInstance) -> dict[str, float | int | None]:
    """The cursor of a first tick: after the last run finished and the last freshness change
    recorded so far. A run still going finishes later, so it is alerted on."""
    last_run = instance.get_run_records(
        filters=dg.RunsFilter(statuses=FINISHED),
        limit=1,
        order_by="update_timestamp",
        ascending=False,
    )
    last_freshness = instance.get_event_records(
        dg.EventRecordsFilter(event_type=dg.DagsterEventType.FRESHNESS_STATE_CHANGE),
        limit=1,
        ascending=False,
    )
    return {
        "runs_finished_after": last_run[0].update_timestamp.timestamp() if last_run else None,
        "freshness": last_freshness[0].storage_id if last_freshness else None,
    }


def _alert_text(lines: list[str]) -> str:
    """The failures, the first ``MAX_LINES_PER_ALERT`` of them spelled out."""
    shown = lines[:MAX_LINES_PER_ALERT]
    more = len(lines) - len(shown)
    return "\n".join(shown + ([f"... and {more} more"] if more else []))


@dg.sensor(
    name="alert_on_failed_checks",
    description="Alerts on failed asset checks (quality suites, quarantine share) and on assets "
    "that miss their freshness SLA.",
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def alert_on_failed_checks(context: dg.SensorEvaluationContext) -> dg.SkipReason:
    if not context.cursor:
        context.update_cursor(json.dumps(_starting_cursor(context.instance)))
        return dg.SkipReason("first tick: alerting on checks and freshness from now on")
    cursor = json.loads(context.cursor)
    checks, checks_cursor = _check_evaluations_of_runs_finished_after(
        context, cursor.get("runs_finished_after")
    )
    freshness = _new_records(
        context, dg.DagsterEventType.FRESHNESS_STATE_CHANGE, cursor.get("freshness")
    )
    lines = [failed_check_message(data) for data in checks if not data.passed] + [
        missed_freshness_message(data)
        for data in (r.event_log_entry.dagster_event.event_specific_data for r in freshness)
        if data.new_state == FreshnessState.FAIL
    ]
    context.update_cursor(
        json.dumps(
            {
                "runs_finished_after": checks_cursor,
                "freshness": freshness[-1].storage_id if freshness else cursor.get("freshness"),
            }
        )
    )
    if lines:
        send_alert(f"{len(lines)} data check(s) failed", _alert_text(lines))
    return dg.SkipReason(f"{len(checks) + len(freshness)} event(s) read, {len(lines)} alerted")
