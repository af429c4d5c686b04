"""Checks in a run: those that can hold nothing back wait for the publish step, and the gate
before publishing reads the same evaluations in one query as check by check."""

from __future__ import annotations

import dagster as dg

from pipelines.defs.quality import latest_evaluation, latest_evaluations, volume_checks
from pipelines.defs.serving import blocking_checks

SNAPSHOT_STEP = "serving__snapshot"


def step_starts(result: dg.ExecuteInProcessResult) -> list[str]:
    """The run's steps in the order they started."""
    return [
        event.step_key
        for event in result.all_events
        if event.event_type == dg.DagsterEventType.STEP_START and event.step_key
    ]


def volume_steps(blocking: bool) -> list[str]:
    """The steps of the volume checks that block (survey and register tables) or only warn."""
    return [
        check.node_def.name
        for check in volume_checks
        for spec in check.check_specs
        if spec.blocking == blocking
    ]


def test_checks_that_block_nothing_run_after_the_snapshot_is_published(pipeline_run) -> None:
    order = step_starts(pipeline_run.second)
    warn_only, blocking = volume_steps(blocking=False), volume_steps(blocking=True)
    assert warn_only and blocking
    published = order.index(SNAPSHOT_STEP)
    assert all(order.index(step) > published for step in warn_only)
    assert all(order.index(step) < published for step in blocking)


def test_the_gate_reads_each_blocking_checks_latest_evaluation(pipeline_run) -> None:
    instance, keys = pipeline_run.instance, blocking_checks()
    expected = {key: latest_evaluation(instance, key) for key in keys}
    assert any(expected.values())
    assert latest_evaluations(instance, keys) == expected
