"""How the pipeline runs dbt: parse state handed from run to run, unit tests left to CI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipelines.defs.transforms import DBT_PROJECT

pytestmark = pytest.mark.slow
# dbt's events for a node's result (tests and unit tests alike), as its log file keeps them.
NODE_RESULTS = {"LogModelResult", "LogTestResult", "LogSeedResult", "LogSnapshotResult"}


def dbt_target(run_id: str) -> Path:
    """The target folder dagster-dbt gave the dbt step of the run."""
    target = DBT_PROJECT.project_dir / DBT_PROJECT.target_path
    (folder,) = target.glob(f"pmo_dbt_models-{run_id[:7]}-*")
    return folder


def test_the_second_run_reuses_the_first_runs_parse_state(pipeline_run) -> None:
    # The first run parses everything (its warehouse path is not the prepared profile's).
    log = (dbt_target(pipeline_run.second.run_id) / "dbt.log").read_text()
    assert "UnableToPartialParse" not in log


def test_pipeline_runs_skip_dbt_unit_tests(pipeline_run) -> None:
    log = (dbt_target(pipeline_run.first.run_id) / "dbt.log").read_text().splitlines()
    events = [json.loads(line) for line in log]
    results = [e["data"]["node_info"] for e in events if e["info"]["name"] in NODE_RESULTS]
    kinds = {result["unique_id"].split(".")[0] for result in results}
    assert "unit_test" not in kinds
    assert {"model", "test"} <= kinds
