"""A failed dbt command's target folder stays where dagster-dbt's error sends the operator, the
newest few only; other runs' folders are left alone (a nightly and an event run may overlap).
A successful command's folder goes (tests/test_dbt_runs.py)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from pipelines.defs.resources import Warehouse, dbt_cli
from pipelines.defs.transforms import FAILED_FOLDERS_KEPT, FAILED_MARKER, run_folder_removed

# Its raw table is not in an empty warehouse: creating the model fails.
FAILING_MODEL = "stg_jira__issues"


@dataclass(frozen=True)
class FailedCommand:
    own_folder: Path
    error: str
    older_failures: list[Path]
    other_runs_folder: Path


def failed_folder(target: Path, name: str, age_seconds: float) -> Path:
    """A folder an earlier failed invocation left, marked ``age_seconds`` ago."""
    folder = target / name
    folder.mkdir(parents=True)
    (folder / "dbt.log").touch()
    marker = folder / FAILED_MARKER
    marker.touch()
    marked = marker.stat().st_mtime - age_seconds
    os.utime(marker, (marked, marked))
    return folder


@pytest.fixture(scope="module")
def failed_command(tmp_path_factory: pytest.TempPathFactory) -> FailedCommand:
    """``dbt run`` of a model that fails, beside as many kept failures as are kept and another
    run's folder."""
    work = tmp_path_factory.mktemp("failed-dbt")
    target = work / "target"
    older = [
        failed_folder(target, f"failed-{n}", 60.0 * (n + 1)) for n in range(FAILED_FOLDERS_KEPT)
    ]
    other = target / "other-run"
    other.mkdir()
    (other / "dbt.log").touch()
    warehouse = work / "pmo.duckdb"
    duckdb.connect(str(warehouse)).close()
    invocation = dbt_cli().cli(
        ["run", "--select", FAILING_MODEL, *Warehouse(path=str(warehouse)).dbt_vars()],
        target_path=target / "this-run",
    )
    with pytest.raises(DagsterDbtCliRuntimeError) as failure, run_folder_removed(invocation):
        invocation.wait()
    return FailedCommand(invocation.target_path, str(failure.value), older, other)


def test_a_failed_dbt_commands_log_stays_where_its_error_names_it(
    failed_command: FailedCommand,
) -> None:
    log = failed_command.own_folder / "dbt.log"
    assert str(log) in failed_command.error
    assert FAILING_MODEL in log.read_text()


def test_only_the_newest_failed_folders_stay(failed_command: FailedCommand) -> None:
    *kept, oldest = failed_command.older_failures
    assert [folder.exists() for folder in kept] == [True] * (FAILED_FOLDERS_KEPT - 1)
    assert not oldest.exists()


def test_another_runs_target_folder_stays(failed_command: FailedCommand) -> None:
    assert (failed_command.other_runs_folder / "dbt.log").exists()
