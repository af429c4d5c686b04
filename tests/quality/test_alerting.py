"""What the alerts say, and from when the check alert sensor reads: a WARN that is no data
error says what it means and what to do."""

import json
from pathlib import Path

import dagster as dg
import pandas as pd
from dagster._core.definitions.freshness import FreshnessState, FreshnessStateChange

from quality.tables import TABLE_SUITES
from quality.validate import validate_table
from tests.quality.static_references import StaticReferences


@dg.asset(key=["raw_spreadsheets", "project_register"])
def register() -> None: ...


@dg.asset_check(asset=register, name="gx_project_register")
def register_check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=False, description=f"failed in run {context.run.run_id}")


def failing_check_run(instance: dg.DagsterInstance) -> str:
    """A run on `instance` whose check fails; its id."""
    result = dg.materialize([register, register_check], instance=instance, raise_on_error=False)
    return result.run_id


def missed_sla(instance: dg.DagsterInstance, asset: str) -> None:
    """`asset` turns from fresh to failing its freshness SLA, as the daemon records it."""
    instance.report_runless_asset_event(
        FreshnessStateChange(
            key=dg.AssetKey(asset),
            new_state=FreshnessState.FAIL,
            previous_state=FreshnessState.PASS,
            state_change_timestamp=0.0,
        )
    )


def test_the_check_alert_sensor_alerts_on_failures_from_its_first_tick_on(
    tmp_path: Path, alert_inbox: list[bytes]
) -> None:
    from pipelines.defs.alerting import alert_on_failed_checks

    # Run-sharded SQLite storage, as a deployment's instance has.
    home = tmp_path / "dagster_home"
    home.mkdir()
    instance = dg.DagsterInstance.local_temp(str(home))
    earlier = failing_check_run(instance)
    missed_sla(instance, "stale_before")
    first_tick = dg.build_sensor_context(instance=instance)
    alert_on_failed_checks(first_tick)
    assert alert_inbox == []

    later = failing_check_run(instance)
    missed_sla(instance, "stale_after")
    alert_on_failed_checks(dg.build_sensor_context(instance=instance, cursor=first_tick.cursor))
    (posted,) = alert_inbox
    text = json.loads(posted)["text"]
    assert f"failed in run {later}" in text
    assert "stale_after" in text
    assert earlier not in text
    assert "stale_before" not in text


REGISTER = next(s for s in TABLE_SUITES if s.name == "raw_spreadsheets.project_register")


def test_a_register_project_jira_does_not_know_warns_that_its_delivery_kpis_are_not_available(
    write_table,
) -> None:
    jira = StaticReferences({("raw_jira", "projects", "key"): ["APOLLO"]})
    register = pd.DataFrame(
        {
            "project_key": ["APOLLO", "ORION"],
            "strategic_objective_id": [None, None],
            "budget": [1.0, 1.0],
            "actual_cost_to_date": [0.0, 0.0],
            "planned_benefits": [1.0, 1.0],
            "realised_benefits": [0.0, 0.0],
            "baseline_start": pd.to_datetime(["2026-01-01"] * 2),
            "baseline_end": pd.to_datetime(["2026-06-30"] * 2),
            "rag": ["Green", "Green"],
        }
    )
    warehouse = write_table("raw_spreadsheets", "project_register", register)
    (failure,) = validate_table(warehouse, REGISTER, references=jira).failures
    assert (failure.column, failure.severity, failure.sample) == (
        "project_key",
        "warning",
        ["ORION"],
    )
    said = failure.describe()
    assert "delivery KPIs are not available" in said
    assert "add the Jira project" in said
    assert failure.as_metadata()["note"] in said
