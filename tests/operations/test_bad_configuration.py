"""Bad configuration: at most three lines saying what is wrong and what to do, non-zero exit.

The details stay in the run's log, in Dagster's event log, and behind ``pmo --verbose``.
"""

from __future__ import annotations

import ctypes
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.operations.conftest import PMO, RUN_TIMEOUT_SECONDS

pytestmark = pytest.mark.slow

MAX_LINES = 3
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


CASES = {
    "connection refused": (
        {
            "SOURCES__JIRA__BASE_URL": f"http://127.0.0.1:{closed_port()}",
            "SOURCES__JIRA__MAX_ATTEMPTS": "1",
        },
        "connection refused",
    ),
    "malformed URL": ({"SOURCES__JIRA__BASE_URL": "htp//jira example"}, "SOURCES__JIRA__BASE_URL"),
    "401": ({"SOURCES__JIRA__API_TOKEN": "not-the-token"}, "401"),
    "injected project key": (
        {"SOURCES__JIRA__PROJECTS": "APOLLO) OR project is not EMPTY ORDER BY key --"},
        "SOURCES__JIRA__PROJECTS",
    ),
    "unmounted landing share": (
        {"SOURCES__SPREADSHEETS__LANDING_URL": "/mnt/pmo-share-not-mounted/landing"},
        "check the share is mounted",
    ),
}


def without_file_permission_override() -> None:
    """As root, permission bits bind only without CAP_DAC_OVERRIDE: drop it for the command."""
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
            assert libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) == 0


def printed_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return (result.stdout + result.stderr).splitlines()


@pytest.mark.parametrize("case", CASES)
def test_bad_source_setting_is_explained_in_three_lines(deployment, case: str) -> None:
    overrides, explanation = CASES[case]
    result = deployment.run("refresh", **overrides)
    lines = printed_lines(result)
    print(f"{case}: {len(lines)} lines, exit {result.returncode}")
    assert result.returncode != 0
    assert len(lines) <= MAX_LINES, "\n".join(lines)
    assert explanation in lines[-1]


def test_a_read_only_warehouse_folder_is_explained_in_one_line(deployment, tmp_path: Path) -> None:
    folder = tmp_path / "read_only"
    folder.mkdir()
    folder.chmod(0o555)
    result = subprocess.run(
        [str(PMO), "refresh"],
        env=deployment.env(PMO_WAREHOUSE_PATH=str(folder / "pmo.duckdb")),
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT_SECONDS,
        preexec_fn=without_file_permission_override,
    )
    lines = printed_lines(result)
    print(f"read-only warehouse folder: {len(lines)} lines, exit {result.returncode}")
    assert result.returncode != 0
    (line,) = lines
    assert f"cannot write {folder}" in line


HOLD_WAREHOUSE = """
import sys, time, duckdb
connection = duckdb.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(600)
"""


def test_a_warehouse_another_process_holds_is_named_in_one_line(deployment) -> None:
    # A process outside any Dagster instance (a BI tool writing, a script) holds DuckDB's lock.
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_WAREHOUSE, str(deployment.warehouse)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        result = deployment.run("refresh")
    finally:
        holder.kill()
    lines = printed_lines(result)
    print(f"warehouse held by another process: {len(lines)} lines, exit {result.returncode}")
    assert result.returncode != 0
    assert len(lines) <= MAX_LINES, "\n".join(lines)
    assert f"in use by another process (PID {holder.pid}" in lines[-1]
