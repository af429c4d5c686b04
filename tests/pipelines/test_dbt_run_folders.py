"""A dbt command the pipeline runs leaves no target folder behind, even when it fails, and
leaves other runs' folders alone (a nightly and an event run may overlap)."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from pipelines.defs.resources import DBT_PROJECT, Warehouse, dbt_cli
from pipelines.defs.transforms import run_folder_removed


@dataclass(frozen=True)
class FailedCommand:
    own_folder: Path
    other_runs_folder: Path


@pytest.fixture(scope="module")
def failed_command(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FailedCommand]:
    """A dbt command that fails while another run's folder is beside its own."""
    other = DBT_PROJECT.project_dir / DBT_PROJECT.target_path / f"other-run-{uuid.uuid4().hex}"
    other.mkdir(parents=True)
    (other / "dbt.log").touch()
    # dbt cannot create the warehouse in a folder that does not exist: its connection fails.
    absent = tmp_path_factory.mktemp("warehouse") / "absent" / "pmo.duckdb"
    invocation = dbt_cli().cli(["debug", *Warehouse(path=str(absent)).dbt_vars()])
    with pytest.raises(DagsterDbtCliRuntimeError), run_folder_removed(invocation):
        invocation.wait()
    yield FailedCommand(invocation.target_path, other)
    shutil.rmtree(other, ignore_errors=True)


def test_a_failed_dbt_command_leaves_no_target_folder(failed_command: FailedCommand) -> None:
    assert not failed_command.own_folder.exists()


def test_another_runs_target_folder_stays(failed_command: FailedCommand) -> None:
    assert (failed_command.other_runs_folder / "dbt.log").exists()
