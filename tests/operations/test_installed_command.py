"""The code location and the ``pmo`` command find dbt without the venv on PATH (cron, systemd,
container entrypoints); a whole refresh that way is in test_killed_runs.py."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

from tests.operations.conftest import SYSTEM_PATH

LOAD_AND_FIND_DBT = """
import shutil
from pipelines.definitions import defs
defs().resolve_job_def("refresh_all")
print(shutil.which("dbt"))
"""


def test_the_code_location_loads_with_the_interpreters_dbt(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", LOAD_AND_FIND_DBT],
        env={"PATH": SYSTEM_PATH, "PMO_WAREHOUSE_PATH": str(tmp_path / "pmo.duckdb")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == str(Path(sysconfig.get_path("scripts")) / "dbt")
