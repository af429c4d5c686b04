"""Event sensors: Jira webhooks (from the spool), Jira polling, and the spreadsheet landing folder.

Each sensor only decides *that* a source changed and requests an incremental run of the
source's raw assets plus everything downstream (marts, checks, publish) in one run: one run
per batch is faster than a load followed by an automation tick, and the DuckDB pool (limit 1)
serialises it with any other writer. Run keys make a re-evaluated tick idempotent.

A run always loads every configured project: the Jira connector keeps one cursor (and one list
of known ids for deletes) for all of them, so a project-scoped run would corrupt both. The
affected projects are recorded as run tags; the incremental query itself is already small.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import dagster as dg

from connectors.spreadsheets.settings import SpreadsheetSettings
from pipelines.defs.jobs import source_refresh_job
from pipelines.events.batching import WebhookBatch, batch_events
from pipelines.events.landing import scan_landing
from pipelines.events.polling import newest_jira_update
from pipelines.events.settings import spool_path
from pipelines.events.spool import WebhookSpool
from pipelines.preflight import jira_configured

# The daemon's sensor loop wakes every 5 s; an interval of 5 s would skip a loop whenever the
# last tick started a little less than 5 s before, doubling the wait for a webhook.
WEBHOOK_SENSOR_INTERVAL_SECONDS = 1
POLLING_SENSOR_INTERVAL_SECONDS = 60
LANDING_SENSOR_INTERVAL_SECONDS = 30
SPOOL_BATCH_LIMIT = 10_000
# Jira retries a failed delivery for hours, Smartsheet a failed callback for about two days; a
# week covers both with margin for deduplication.
SPOOL_RETENTION_SECONDS = 7 * 24 * 3600
jira_incremental = source_refresh_job(
    "jira_incremental",
    "raw_jira",
    "Incremental Jira load (issues updated since the cursor), then everything after.",
)
spreadsheets_refresh = source_refresh_job(
    "spreadsheets_refresh",
    "raw_spreadsheets",
    "Load new or changed PMO workbooks (unchanged files are skipped), then after.",
)


def spooled_batch(
    context: dg.SensorEvaluationContext, path: Path, spool_type: type[WebhookSpool], what: str
) -> WebhookBatch | dg.SkipReason:
    """The `what` deliveries spooled after the sensor's cursor as one batch (the consumed ones
    pruned once past retention), or why there is none."""
    if not path.exists():
        return dg.SkipReason(f"no {what} spool at {path} yet: start `pmo webhooks serve`")
    consumed = int(context.cursor or 0)
    with spool_type(path) as spool:
        events = spool.after(consumed, SPOOL_BATCH_LIMIT)
        spool.prune(consumed, SPOOL_RETENTION_SECONDS)
    if not events:
        return dg.SkipReason(f"no new {what} deliveries")
    return batch_events(events)


@dg.sensor(
    job=jira_incremental,
    minimum_interval_seconds=WEBHOOK_SENSOR_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Jira webhook deliveries spooled by `pmo webhooks serve` -> one incremental run.",
)
def jira_webhook_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    batch = spooled_batch(context, spool_path(), WebhookSpool, "webhook")
    if isinstance(batch, dg.SkipReason):
        return batch
    tags = {
        "pmo/trigger": "jira_webhook",
        "pmo/jira_projects": ",".join(batch.projects) or "all",
        "pmo/webhook_deliveries": str(batch.deliveries),
        "pmo/changed_issues": str(len(batch.issues)),
        "pmo/oldest_delivery_at": f"{batch.oldest_received_at:.3f}",
    }
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=batch.run_key, tags=tags)],
        cursor=str(batch.last_seq),
    )


@dg.sensor(
    job=jira_incremental,
    minimum_interval_seconds=POLLING_SENSOR_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="For Jira sites that cannot send webhooks: one 1-issue search per tick.",
)
def jira_polling_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    if not jira_configured():
        return dg.SkipReason("Jira is not configured (SOURCES__JIRA__BASE_URL is not set)")
    since = datetime.fromisoformat(context.cursor) if context.cursor else None
    newest = newest_jira_update(since)
    if newest is None:
        return dg.SkipReason(f"no Jira issue updated after {context.cursor}")
    stamp = newest.isoformat()
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=f"jira-poll-{stamp}",
                tags={"pmo/trigger": "jira_polling", "pmo/jira_updated": stamp},
            )
        ],
        cursor=stamp,
    )


@dg.sensor(
    job=spreadsheets_refresh,
    minimum_interval_seconds=LANDING_SENSOR_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="New or changed workbooks in the landing location, by content hash.",
)
def spreadsheet_landing_sensor(
    context: dg.SensorEvaluationContext,
) -> dg.SensorResult | dg.SkipReason:
    settings = SpreadsheetSettings.from_config()
    if not settings.landing_url:
        return dg.SkipReason("SOURCES__SPREADSHEETS__LANDING_URL is not set")
    previous = json.loads(context.cursor) if context.cursor else {}
    changes = scan_landing(settings.landing_url, previous, settings.file_glob)
    cursor = json.dumps(changes.current, sort_keys=True)
    if not changes.changed:
        return dg.SensorResult(skip_reason="no new or changed landing file", cursor=cursor)
    tags = {"pmo/trigger": "spreadsheet_landing", "pmo/changed_files": str(len(changes.changed))}
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=changes.run_key(context.cursor), tags=tags)],
        cursor=cursor,
    )
