"""The nightly refresh: every asset, then whatever automation follows."""

import dagster as dg

from pipelines.settings import REFRESH_JOB, schedule_timezone

refresh_all = dg.define_asset_job(
    REFRESH_JOB,
    selection=dg.AssetSelection.all(),
    description="Load every source, validate, build the KPI marts.",
)

nightly_refresh = dg.ScheduleDefinition(
    name="nightly_refresh",
    job=refresh_all,
    cron_schedule="0 2 * * *",
    execution_timezone=schedule_timezone(),
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Full refresh at 02:00 in PMO_TIMEZONE (UTC by default).",
)
