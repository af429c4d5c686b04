"""Lake scripts run from the test process: to their end, or in the background while the test
process runs file mode beside them (lake mode's settings and environment:
``sandbox.warehouse_modes``)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from warehouse.settings import REPO_ROOT

LAKE_RUN_TIMEOUT_SECONDS = 1500


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
