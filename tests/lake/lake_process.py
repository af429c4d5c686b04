"""A lake script run in the background while the test process runs file mode beside it (lake
mode's settings and environment: ``sandbox.warehouse_modes``)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from warehouse.settings import REPO_ROOT

LAKE_RUN_TIMEOUT_SECONDS = 1500


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
