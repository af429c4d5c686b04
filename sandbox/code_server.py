"""The code server a deployment runs for the daemon, started on a socket for the event tests
and the latency benchmark (production: ``pipelines/events/README.md``, step 3)."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from dagster._grpc.client import DagsterGrpcClient

from warehouse.settings import REPO_ROOT

# What the daemon loads in a deployment: the code server's address and the location's name.
DAEMON_WORKSPACE_YAML = REPO_ROOT / "pipelines" / "events" / "daemon_workspace.yaml"
STARTUP_TIMEOUT_SECONDS = 120.0
STOP_TIMEOUT_SECONDS = 30.0


@contextmanager
def running_code_server(folder: Path) -> Iterator[tuple[Path, subprocess.Popen[bytes]]]:
    """``dagster code-server start`` serving the definitions on a socket in ``folder``; yield
    the daemon's workspace (``DAEMON_WORKSPACE_YAML``) pointed at it, written in ``folder``,
    and the server's process, once it answers."""
    socket = folder / "code.sock"
    workspace = yaml.safe_load(DAEMON_WORKSPACE_YAML.read_text())
    server = workspace["load_from"][0]["grpc_server"]
    server.pop("host"), server.pop("port")
    server["socket"] = str(socket)
    workspace_file = folder / "daemon_workspace.yaml"
    workspace_file.write_text(yaml.safe_dump(workspace))
    dagster = str(Path(sys.executable).parent / "dagster")
    command = [dagster, "code-server", "start", "-m", "pipelines.definitions", "-d", str(REPO_ROOT)]
    process = session(
        [*command, "--location-name", server["location_name"], "-s", str(socket)],
        folder / "code_server.log",
    )
    try:
        wait_until_serving(socket, process)
        yield workspace_file, process
    finally:
        stop(process)


def wait_until_serving(socket: Path, process: subprocess.Popen[bytes]) -> None:
    """Until the server says it serves (Dagster's health check prints why it does not yet)."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.redirect_stdout(io.StringIO()):
            serving = DagsterGrpcClient(socket=str(socket)).health_check_query()
        if serving == "SERVING":
            return
        time.sleep(0.5)
    raise RuntimeError(f"the code server on {socket} did not start")


def session(command: list[str], log: Path) -> subprocess.Popen[bytes]:
    """``command`` in a session of its own (``stop`` ends it and what it started)."""
    return subprocess.Popen(
        command,
        cwd=REPO_ROOT,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGINT lets the daemon or code server stop; then end what is left of its session (run
    workers), which the caller created and nobody else shares."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
        # Wait for the session to be gone: a code server or run worker still shutting down
        # writes into the Dagster home while the temporary folder is being removed.
        deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            os.killpg(process.pid, 0)
            time.sleep(0.2)
        os.killpg(process.pid, signal.SIGKILL)
