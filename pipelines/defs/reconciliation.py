"""The weekly Jira reconciliation: a full reload that settles what incremental runs cannot see.

Incremental runs read issues by ``updated``; an issue deleted, moved out of the configured
projects, or whose history Jira rewrote without touching ``updated`` stays stale. Once a week
the Jira tables are truncated and reloaded in one dlt load (``refresh="drop_data"``: the
truncation and the new rows commit together, the cursors restart), so deleted issues disappear
and every changelog is complete. The reload reports materialisations of the ``raw_jira`` assets,
and the marts follow by declarative automation (``pmo_automation``).
"""

from collections.abc import Iterator

import dagster as dg

from connectors.jira import jira_source
from pipelines.defs.automation import RUN_TAGS, STEP_RETRY_POLICY
from pipelines.defs.ingestion import JIRA_PIPELINE, raw_pipeline
from pipelines.settings import DUCKDB_POOL, schedule_timezone

RAW_JIRA_SCHEMA = JIRA_PIPELINE[1]


@dg.op(out={}, pool=DUCKDB_POOL, retry_policy=STEP_RETRY_POLICY)
def reload_jira_completely(context: dg.OpExecutionContext) -> Iterator[dg.AssetMaterialization]:
    """Truncate and reload every Jira table in one load; report each table as materialised."""
    pipeline = raw_pipeline(*JIRA_PIPELINE)
    load_info = pipeline.run(jira_source(), refresh="drop_data")
    rows = pipeline.last_trace.last_normalize_info.row_counts
    context.log.info(f"full Jira reload: {load_info.loads_ids}")
    for table in pipeline.default_schema.data_table_names():
        yield dg.AssetMaterialization(
            asset_key=[RAW_JIRA_SCHEMA, table],
            description="weekly full reload (reconciliation)",
            metadata={"rows_loaded": rows.get(table, 0), "dlt_load_ids": load_info.loads_ids},
        )


@dg.job(tags=RUN_TAGS, description="Full Jira reload: deleted issues gone, changelogs complete.")
def jira_reconciliation() -> None:
    reload_jira_completely()


weekly_reconciliation = dg.ScheduleDefinition(
    name="weekly_jira_reconciliation",
    job=jira_reconciliation,
    cron_schedule="0 3 * * 0",
    execution_timezone=schedule_timezone(),
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Sundays 03:00 in PMO_TIMEZONE, an hour after the nightly refresh.",
)
