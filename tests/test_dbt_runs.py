"""How the pipeline runs dbt: parse state handed from run to run, unit tests left to CI, and
no run's target folder left behind."""

from __future__ import annotations

import pytest

from pipelines.defs.transforms import DBT_PROJECT

pytestmark = pytest.mark.slow
DBT_STEP = "pmo_dbt_models"


def step_messages(pipeline_run, step: str) -> list[str]:
    """What the step logged in the second run (dagster-dbt's and the asset's own lines)."""
    logs = pipeline_run.instance.all_logs(pipeline_run.second.run_id)
    return [entry.user_message for entry in logs if entry.step_key == step]


def test_the_second_run_reuses_the_first_runs_parse_state(pipeline_run) -> None:
    # The first run parses everything (its warehouse path is not the prepared profile's).
    messages = step_messages(pipeline_run, DBT_STEP)
    assert not [m for m in messages if m.startswith("dbt parsed the whole project")]


def test_pipeline_runs_skip_dbt_unit_tests(pipeline_run) -> None:
    (command,) = [m for m in step_messages(pipeline_run, DBT_STEP) if "Running dbt command" in m]
    assert " build --exclude-resource-type unit_test " in command


def test_a_run_leaves_no_dbt_target_folder(pipeline_run) -> None:
    target = DBT_PROJECT.project_dir / DBT_PROJECT.target_path
    for run in (pipeline_run.first, pipeline_run.second):
        # dagster-dbt names each invocation's folder <step>-<run id[:7]>-<random>.
        assert not list(target.glob(f"*-{run.run_id[:7]}-*")), run.run_id
