"""Declarative automation, and the run policy every event-driven run carries.

dbt models declare ``FOLLOW_VALID_UPSTREAMS`` (below, via ``transforms.py``): this sensor is what
evaluates those conditions, so marts, their checks and the publish step follow whatever
updated their upstreams (a webhook run, a reconciliation, a manual load). It is RUNNING by
default so a fresh ``dagster dev`` / daemon starts reacting without a click. It is evaluated
in the code server because the gate on blocking checks below is Python of ours (Dagster caps
such a sensor at 500 assets and checks: split its target should the location outgrow that).
"""

import dagster as dg
from dagster._core.definitions.declarative_automation.operators.check_operators import (
    AllChecksCondition,
)

from pipelines.defs.quality import latest_evaluation, stops_downstream

# Run monitoring cancels a run that outlives this (needs ``run_monitoring`` in dagster.yaml);
# an incremental run takes seconds, a full reload minutes.
RUN_MAX_RUNTIME_SECONDS = 3600

# How often pmo_automation evaluates the ~200 asset and check conditions: a tick costs the code
# server 1-2 s of CPU, taken from the run in progress on a 2-core host. Event and scheduled runs
# carry everything downstream of what they load; automation only follows the other updates (a
# manual load), for which a minute is soon enough.
AUTOMATION_INTERVAL_SECONDS = 60

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


class FailedWithError(dg.AutomationCondition[dg.AssetCheckKey]):
    """A check whose latest completed evaluation stops what follows (``stops_downstream``).

    Dagster's ``check_passed()`` is false after any failure, a WARN one included, which would
    hold automation back on a mere warning while runs proceed.
    """

    @property
    def requires_cursor(self) -> bool:
        return False

    @property
    def description(self) -> str:
        return "Latest evaluation failed with ERROR severity"

    def evaluate(
        self, context: dg.AutomationContext[dg.AssetCheckKey]
    ) -> dg.AutomationResult[dg.AssetCheckKey]:
        if context.candidate_subset.is_empty:
            return dg.AutomationResult(context, true_subset=context.candidate_subset)
        evaluation = latest_evaluation(context.asset_graph_view.instance, context.key)
        failed = evaluation is not None and stops_downstream(evaluation)
        true_subset = context.candidate_subset if failed else context.get_empty_subset()
        return dg.AutomationResult(context, true_subset=true_subset)


class AllBlockingChecksMatch(AllChecksCondition):
    """``all_checks_match(operand, blocking_only=True)`` for an operand of our own Python.

    Dagster's version lists no children, so it claims to be serialisable whatever its operand:
    the daemon and the webserver, which load the location through its serialised snapshot and
    cannot read our classes, then failed to load it. Not being serialisable, this one is sent
    as its description, and evaluated in the code server (``pmo_automation``).
    """

    @property
    def is_serializable(self) -> bool:
        return False


def all_deps_blocking_checks_hold() -> dg.AutomationCondition:
    """``all_deps_blocking_checks_passed()`` where a check that failed with WARN severity
    counts as passed: an upstream table is built on unless a blocking check on it is pending
    (never run on its latest materialisation, in progress) or failed with ERROR."""
    passed_or_warned = dg.AutomationCondition.check_passed() | (
        dg.AutomationCondition.check_failed() & ~FailedWithError()
    ).with_label("check_warned")
    return dg.AutomationCondition.all_deps_match(
        AllBlockingChecksMatch(
            operand=passed_or_warned | dg.AutomationCondition.will_be_requested(),
            blocking_only=True,
        ).with_label("no_blocking_check_failed_or_pending")
    ).with_label("all_deps_blocking_checks_hold")


# What the dbt models, the quarantine summary and the publish step declare: follow upstream
# updates, but never build on a table whose blocking checks failed with ERROR.
FOLLOW_VALID_UPSTREAMS = (
    dg.AutomationCondition.eager() & all_deps_blocking_checks_hold()
).with_label("eager_after_blocking_checks")


pmo_automation = dg.AutomationConditionSensorDefinition(
    "pmo_automation",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=AUTOMATION_INTERVAL_SECONDS,
    run_tags=RUN_TAGS,
    use_user_code_server=True,
    description="Materialise assets whose automation condition holds (marts after raw loads).",
)
