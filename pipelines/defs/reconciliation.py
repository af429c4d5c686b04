"""The weekly Jira reconciliation: a full reload that settles what incremental runs cannot see.

Incremental runs read issues by ``updated``, and the connector's id reconciliation writes
tombstones for deleted issues; an issue whose history Jira rewrote without touching
``updated`` stays stale. Once a week the ``jira_raw`` assets run with the ``drop_data`` refresh
tag, which only the Jira load reads: the Jira tables are truncated and reloaded in one dlt load
(the truncation and the new rows commit together, the cursors restart), so every changelog is
complete. Everything after runs as after any Jira load: the dbt build is the ordinary one
(every issue is in the new load, so the incremental status history rebuilds them all).
"""

import dagster as dg

from pipelines.defs.ingestion import JIRA_REFRESH_TAG
from pipelines.defs.jobs import source_refresh_job
from pipelines.settings import schedule_timezone

jira_reconciliation = source_refresh_job(
    "jira_reconciliation",
    "raw_jira",
    "Full Jira reload (deleted issues gone, changelogs complete), then everything after.",
    tags={JIRA_REFRESH_TAG: "drop_data"},
)

weekly_reconciliation = dg.ScheduleDefinition(
    name="weekly_jira_reconciliation",
    job=jira_reconciliation,
    cron_schedule="0 3 * * 0",
    execution_timezone=schedule_timezone(),
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Sundays 03:00 in PMO_TIMEZONE, an hour after the nightly refresh.",
)
