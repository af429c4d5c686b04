"""The dbt CLI resource starts dbt once per command: no version probe, no in-process adapter."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import dagster_dbt.core.resource
import pytest

from pipelines.defs.resources import INTERPRETER_DBT, PmoDbtCli, Warehouse, dbt_cli


@pytest.fixture
def dbt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> PmoDbtCli:
    """The CLI with its per-command target folders in a temporary folder: outside a run they
    are never removed (in a run the dbt assets remove theirs)."""
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    return dbt_cli()


def _no_process(*args: object, **kwargs: object) -> bytes:
    raise AssertionError(f"a process was started before the dbt command: {args}")


def test_a_dbt_command_starts_no_version_probe(
    dbt: PmoDbtCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dagster_dbt.core.resource, "check_output", _no_process)
    warehouse = Warehouse(path=str(tmp_path / "probe.duckdb"))
    assert dbt.cli(["debug", *warehouse.dbt_vars()]).wait().is_successful()


def test_a_dbt_command_opens_no_dbt_adapter_in_the_caller(dbt: PmoDbtCli, tmp_path: Path) -> None:
    warehouse = Warehouse(path=str(tmp_path / "adapter.duckdb"))
    assert dbt.cli(["debug", *warehouse.dbt_vars()]).wait().adapter is None


def test_the_version_assumed_is_the_one_the_dbt_executable_reports(dbt: PmoDbtCli) -> None:
    reported = subprocess.check_output([INTERPRETER_DBT, "--version"], text=True)
    assert re.search(r"installed:\s*(\d+\.\d+\.\d+)", reported)[1] == str(dbt._cli_version)


def test_a_dbt_command_logs_no_debug_events_and_writes_no_json_artefacts(
    dbt: PmoDbtCli, tmp_path: Path
) -> None:
    warehouse = Warehouse(path=str(tmp_path / "quiet.duckdb"))
    listing = dbt.cli(["ls", "--select", "stg_jira__projects", *warehouse.dbt_vars()]).wait()
    assert listing.is_successful()
    written = {path.name for path in listing.target_path.iterdir()}
    assert not written & {"manifest.json", "run_results.json"}, written
    log = (listing.target_path / "dbt.log").read_text().splitlines()
    assert {json.loads(line)["info"]["level"] for line in log} == {"info"}
