"""Declarative automation, and the run policy every event-driven run carries.

dbt models declare ``AutomationCondition.eager()`` (``transforms.py``): this sensor is what
evaluates those conditions, so marts, their checks and the publish step follow whatever
updated their upstreams (a webhook run, a reconciliation, a manual load). It is RUNNING by
default so a fresh ``dagster dev`` / daemon starts reacting without a click.
"""

import dagster as dg

# Run monitoring cancels a run that outlives this (needs ``run_monitoring`` in dagster.yaml);
# an incremental run takes seconds, a full reload minutes.
RUN_MAX_RUNTIME_SECONDS = 3600

# Step retries cover transient failures (Jira 5xx after the connector's own retries, a DuckDB
# lock still held by a dying process); run retries only cover a crashed run worker, so a failing
# step is not retried twice over.
STEP_RETRY_POLICY = dg.RetryPolicy(
    max_retries=3, delay=10, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)
RUN_TAGS = {
    "dagster/max_runtime": str(RUN_MAX_RUNTIME_SECONDS),
    "dagster/max_retries": "2",
    "dagster/retry_on_asset_or_op_failure": "false",
}

pmo_automation = dg.AutomationConditionSensorDefinition(
    "pmo_automation",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=15,
    run_tags=RUN_TAGS,
    description="Materialise assets whose automation condition holds (marts after raw loads).",
)
