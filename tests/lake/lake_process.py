"""Running code in lake mode from the test process: lake mode's settings for a catalog and a
folder, the environment of a `.venv-lake` subprocess running this checkout, a lake command run
to its end, and a lake script run in the background while the block runs file mode beside it."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from warehouse.settings import REPO_ROOT, WAREHOUSE_PATH_ENV

LAKE_RUN_TIMEOUT_SECONDS = 1500


def lake_settings(catalog: str, folder: Path) -> dict[str, str]:
    """Lake mode on ``catalog``, its data and the warehouse path's folder under ``folder``."""
    return {
        "PMO_WAREHOUSE_TARGET": "ducklake",
        "PMO_LAKE_CATALOG": catalog,
        "PMO_LAKE_DATA_PATH": str(folder / "lake-data"),
        WAREHOUSE_PATH_ENV: str(folder / "warehouse" / "pmo.duckdb"),
    }


def lake_process_environment(settings: dict[str, str], **extra: str) -> dict[str, str]:
    """This process's environment with ``settings`` and ``extra``, running this checkout."""
    return {**os.environ, **settings, **extra, "PYTHONPATH": str(REPO_ROOT)}


def run_in_lake_process(
    command: list[str], environment: dict[str, str], cwd: Path = REPO_ROOT
) -> subprocess.CompletedProcess[str]:
    """``command`` (lake mode's interpreter or one of its tools) run to its end in
    ``environment``; its output captured."""
    return subprocess.run(
        command,
        env=environment,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=LAKE_RUN_TIMEOUT_SECONDS,
        check=False,
    )


@contextmanager
def running_in_lake(command: list[str], environment: dict[str, str], log: Path) -> Iterator[None]:
    """``command`` (lake mode's interpreter and a script) runs in the background while the
    block runs; leaving waits for it and asserts it succeeded (its log's tail if not)."""
    process = subprocess.Popen(
        command,
        env=environment,
        cwd=REPO_ROOT,
        stdout=log.open("w"),  # a file: a pipe would stall the run once full
        stderr=subprocess.STDOUT,
    )
    try:
        yield
        process.wait(timeout=LAKE_RUN_TIMEOUT_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, log.read_text()[-5000:]
