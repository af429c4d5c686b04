"""The nightly pruning of Dagster's run history and, in lake mode, of the lake's old snapshots
(``pipelines.housekeeping``), as ``pmo prune-history`` does it by hand: a deployment run by
the daemon needs no cron of its own."""

import dagster as dg

from pipelines.defs.resources import DBT_TARGET_DIR
from pipelines.housekeeping import (
    expire_configured_lake,
    lake_snapshot_days,
    prune_dbt_run_folders,
    prune_loaded_packages,
    prune_run_history,
    run_history_days,
)
from pipelines.settings import schedule_timezone
from warehouse.settings import dlt_pipelines_dir, warehouse_path


@dg.op
def prune_old_runs(context: dg.OpExecutionContext) -> dg.Output[None]:
    """Delete finished runs older than PMO_RUN_HISTORY_DAYS, with their event and compute
    logs, except those holding an asset's or a check's latest result; dlt's loaded packages as
    old; the dbt folders of runs killed while dbt ran; in lake mode, the lake's snapshots
    older than PMO_LAKE_SNAPSHOT_DAYS."""
    keep_days = run_history_days()
    folders = prune_dbt_run_folders(context.instance, DBT_TARGET_DIR)
    pruned = prune_run_history(context.instance, keep_days)
    packages = prune_loaded_packages(dlt_pipelines_dir(warehouse_path()), keep_days)
    context.log.info(
        f"{len(pruned.deleted)} runs older than {keep_days} days deleted, "
        f"{len(pruned.kept)} kept for a latest result, {pruned.freed_bytes} bytes freed; "
        f"{len(packages)} loaded dlt packages deleted; {len(folders)} dbt folders of killed "
        "runs deleted"
    )
    lake_metadata = {}
    if expired := expire_configured_lake():
        context.log.info(expired.describe(lake_snapshot_days()))
        lake_metadata = {
            "lake_snapshots_expired": expired.snapshots,
            "lake_files_deleted": expired.files_deleted,
        }
    return dg.Output(
        None,
        metadata={
            "runs_deleted": len(pruned.deleted),
            "runs_kept_for_latest_results": len(pruned.kept),
            "bytes_freed": pruned.freed_bytes,
            "dlt_packages_deleted": len(packages),
            "dbt_folders_of_killed_runs_deleted": len(folders),
            **lake_metadata,
        },
    )


@dg.job(description="Delete old Dagster runs with their logs, keeping every latest result.")
def prune_run_history_job() -> None:
    prune_old_runs()


nightly_run_history_pruning = dg.ScheduleDefinition(
    name="nightly_run_history_pruning",
    job=prune_run_history_job,
    cron_schedule="30 4 * * *",
    execution_timezone=schedule_timezone(),
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="04:30 in PMO_TIMEZONE, after the nightly refresh and the weekly reconciliation.",
)
