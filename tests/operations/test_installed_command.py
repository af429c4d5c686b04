"""The code location runs the interpreter's dbt without the venv on PATH (cron, systemd,
container entrypoints) and leaves the environment as it found it; a whole refresh that way is
in test_killed_runs.py."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.operations.conftest import SYSTEM_PATH

LOAD_AND_DESCRIBE = """
import json, os
before = dict(os.environ)
from pipelines.definitions import defs
definitions = defs()
definitions.resolve_job_def("refresh_all")
changed = sorted(k for k in {*before, *os.environ} if before.get(k) != os.environ.get(k))
dbt = definitions.resources["dbt"]
print(json.dumps({"dbt": dbt.dbt_executable, "changed": changed}))
"""


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The code location loaded by an interpreter started without the venv on PATH."""
    tmp_path = tmp_path_factory.mktemp("installed")
    result = subprocess.run(
        [sys.executable, "-c", LOAD_AND_DESCRIBE],
        env={"PATH": SYSTEM_PATH, "PMO_WAREHOUSE_PATH": str(tmp_path / "pmo.duckdb")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.splitlines()[-1])


def test_the_dbt_resource_runs_the_interpreters_dbt(loaded: dict) -> None:
    assert loaded["dbt"] == str(Path(sysconfig.get_path("scripts")) / "dbt")


def test_loading_the_code_location_changes_no_environment_variable(loaded: dict) -> None:
    assert loaded["changed"] == []
