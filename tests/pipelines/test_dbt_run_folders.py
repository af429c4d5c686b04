"""A dbt command the pipeline runs leaves no target folder behind, even when it fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from pipelines.defs.resources import Warehouse, dbt_cli
from pipelines.defs.transforms import run_folder_removed


def test_a_failed_dbt_command_leaves_no_target_folder(tmp_path: Path) -> None:
    # dbt cannot create the warehouse in a folder that does not exist: its connection fails.
    warehouse = Warehouse(path=str(tmp_path / "absent" / "pmo.duckdb"))
    invocation = dbt_cli().cli(["debug", *warehouse.dbt_vars()])
    with pytest.raises(DagsterDbtCliRuntimeError), run_folder_removed(invocation):
        invocation.wait()
    assert not invocation.target_path.exists()
