"""``pmo webhooks serve``: refuses to run unsigned, and serves the spool when configured."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from pipelines.cli import main
from pipelines.events.spool import WebhookSpool
from sandbox.webhooks import send_signed
from tests.events.conftest import (
    GRACE,
    SECRET,
    issue_event,
    seconds_until_closed,
    signed_request,
)
from warehouse.settings import REPO_ROOT

STARTUP_SECONDS = 30
READ_TIMEOUT = 1.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_without_a_secret_exits_2_naming_the_setting(monkeypatch, capsys) -> None:
    monkeypatch.delenv("PMO_WEBHOOK_SECRET", raising=False)
    assert main(["webhooks", "serve"]) == 2
    assert "PMO_WEBHOOK_SECRET" in capsys.readouterr().err


@pytest.fixture(scope="module")
def served_command(tmp_path_factory: pytest.TempPathFactory):
    """The real command in a subprocess, on a free port, spooling into a temporary file."""
    port, spool = free_port(), tmp_path_factory.mktemp("serve") / "spool.sqlite3"
    settings = {
        "PMO_WEBHOOK_SECRET": SECRET,
        "PMO_WEBHOOK_PORT": str(port),
        "PMO_WEBHOOK_SPOOL": str(spool),
        "PMO_WEBHOOK_READ_TIMEOUT_SECONDS": str(READ_TIMEOUT),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "webhooks", "serve"],
        cwd=REPO_ROOT,
        env=os.environ | settings,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                httpx.get(f"{url}/healthz").raise_for_status()
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, "did not start"
                time.sleep(0.2)
        yield url, spool, process
    finally:
        process.terminate()
        process.wait(10)


def test_serve_spools_signed_deliveries_on_the_configured_port(served_command) -> None:
    url, spool, _ = served_command
    assert send_signed(url, SECRET, issue_event("ALPHA-3")).status_code == 202
    with WebhookSpool(spool) as reopened:
        assert [e.issue_key for e in reopened.after(0, 10)] == ["ALPHA-3"]


def test_serve_disconnects_a_client_that_stalls_in_its_request(served_command) -> None:
    url, _, _ = served_command
    head, _ = signed_request(issue_event("ALPHA-5"))
    with socket.create_connection(("127.0.0.1", int(url.rsplit(":", 1)[1]))) as connection:
        connection.sendall(head[: len(head) // 2])
        assert seconds_until_closed(connection) < READ_TIMEOUT + GRACE


def test_serve_never_logs_the_secret(served_command) -> None:
    url, _, process = served_command
    send_signed(url, "wrong-secret", issue_event("ALPHA-3"))
    send_signed(url, SECRET, issue_event("ALPHA-4"))
    process.terminate()
    output = process.communicate(timeout=10)[0].decode()
    assert "POST /webhooks/jira" in output
    assert SECRET not in output
